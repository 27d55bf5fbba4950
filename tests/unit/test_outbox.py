"""The outbox worker against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives,
what is retried, what gives up, and that racing workers never send a message twice."""

import io
import json
import logging
import signal
import time
from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from summit import logs
from summit.database import begin_write
from summit.models import MessageStatus, OutboxMessage, utcnow
from summit.services.mail import Attachment, queue_mail
from summit.services.outbox import deliver_pending
from tests.smtp import SMTPServer, app_config, free_port, running_smtp, smtp_config
from tests.threads import in_threads

# A small PDF with every byte value in it, so any mangling of the attachment shows.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def queue(db, count: int, prefix: str = "guest") -> list[int]:
    messages = [
        queue_mail(
            f"{prefix}{i}@example.org",
            "magic_link",
            subject=f"Message {i}",
            locale="en",
            link=f"https://summit.test/m/{i}",
            minutes=30,
        )
        for i in range(count)
    ]
    db.session.commit()
    return [m.id for m in messages]


def rows(db) -> list[OutboxMessage]:
    """The outbox as it is now (ends the session's transaction: on SQLite an open read
    keeps seeing the database as it was when it began)."""
    db.session.commit()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_due(db) -> None:
    """Move every waiting message's next attempt into the past."""
    begin_write()
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


# Delivery ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [("en", "Your sign-in link", "Hello!"), ("sv", "Din inloggningslänk", "Hej!")],
)
def test_message_with_html_text_and_pdf_arrives_once(app, db, locale, subject, greeting):
    message = queue_mail(
        "anna@example.org",
        "magic_link",
        subject=_l("Your sign-in link"),
        locale=locale,
        attachments=[Attachment("biljett.pdf", "application/pdf", PDF)],
        link="https://summit.test/magic/abc123",
        minutes=30,
    )
    db.session.commit()

    with running_smtp(app) as smtp:
        report = deliver_pending()
        assert (report.sent, report.retried, report.failed) == (1, 0, 0)
        assert deliver_pending().sent == 0

    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received.rcpt_tos == ["anna@example.org"]
    email = received.message
    assert email["To"] == "anna@example.org"
    assert email["Subject"] == subject
    assert email["From"].addresses[0].display_name == "Mötesplats Social Innovation"
    assert email["Message-ID"].startswith("<") and "@" in email["Message-ID"]
    assert email["Date"]

    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert greeting in text and "https://summit.test/magic/abc123" in text
    assert greeting in html and 'href="https://summit.test/magic/abc123"' in html

    attachments = list(email.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_filename() == "biljett.pdf"
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == PDF

    [row] = rows(db)
    assert row.id == message.id
    assert row.status is MessageStatus.SENT
    assert row.sent_at is not None and row.sent_at <= utcnow()
    assert row.attempts == 1
    assert row.last_error is None


def test_smtp_down_then_up_delivers_each_message_exactly_once(app, db):
    ids = queue(db, 5)
    port = free_port()  # nothing listens here yet

    with smtp_config(app, port):
        before = utcnow()
        report = deliver_pending()
        assert (report.sent, report.retried, report.failed) == (0, 5, 0)
        assert report.errors
        for row in rows(db):
            assert row.status is MessageStatus.PENDING
            assert row.attempts == 1
            assert row.last_error
            # The first retry waits about 30 s.
            assert before + timedelta(seconds=25) < row.next_attempt_at
            assert row.next_attempt_at < utcnow() + timedelta(seconds=35)

        with SMTPServer(port=port) as smtp:
            # Not due yet: the backoff is respected even though the server is back.
            assert deliver_pending().sent == 0
            assert smtp.received == []

            make_due(db)
            assert deliver_pending().sent == 5
            assert deliver_pending().sent == 0

    assert sorted(smtp.message_ids().values()) == [1] * 5
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        f"guest{i}@example.org" for i in range(5)
    ]
    assert [r.id for r in rows(db)] == ids
    for row in rows(db):
        assert row.status is MessageStatus.SENT
        assert row.attempts == 2
        assert row.last_error is None


def test_backoff_grows_until_a_refused_message_fails(app, db):
    queue(db, 1)
    with running_smtp(app, MAIL_MAX_ATTEMPTS=4) as smtp:
        smtp.handler.refuse_rcpt = lambda _address: "451 4.3.0 Try again later"
        waits = []
        for attempt in range(1, 5):
            before = utcnow()
            report = deliver_pending()
            [row] = rows(db)
            assert row.attempts == attempt
            if attempt < 4:
                assert (report.retried, report.failed) == (1, 0)
                assert row.status is MessageStatus.PENDING
                waits.append((row.next_attempt_at - before).total_seconds())
                make_due(db)
            else:
                assert (report.retried, report.failed) == (0, 1)
                assert row.status is MessageStatus.FAILED

        assert waits == pytest.approx([30, 60, 120], abs=3)

        # Given up: not tried again, even when the server accepts and the time has come.
        smtp.handler.refuse_rcpt = None
        make_due(db)
        assert deliver_pending().sent == 0
    assert smtp.received == []
    [row] = rows(db)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 4)


def test_an_outage_longer_than_all_attempts_loses_nothing(app, db):
    queue(db, 2)
    port = free_port()
    with smtp_config(app, port, MAIL_MAX_ATTEMPTS=3):
        for _ in range(6):  # twice the attempts a refused message gets
            report = deliver_pending()
            assert (report.sent, report.failed) == (0, 0)
            make_due(db)
        assert {(r.status, r.attempts) for r in rows(db)} == {(MessageStatus.PENDING, 6)}
        # Backoff still grows while the server is away (capped at one hour).
        with SMTPServer(port=port) as smtp:
            assert deliver_pending().sent == 2
    assert sorted(smtp.message_ids().values()) == [1, 1]


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_permanent_refusal_fails_at_once_and_others_still_go(app, db, stage):
    queue(db, 1, prefix="first")
    queue(db, 1, prefix="nobody")
    queue(db, 1, prefix="last")
    with running_smtp(app) as smtp:
        refuse = lambda address: "550 5.1.1 No such user" if "nobody" in address else None  # noqa: E731
        setattr(smtp.handler, f"refuse_{stage}", refuse)
        # One batch: the refused recipient does not hold up the rest of it.
        report = deliver_pending(max_batches=1)
        assert (report.sent, report.retried, report.failed) == (2, 0, 1)
        make_due(db)
        assert deliver_pending().sent == 0

    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [
        "first0@example.org",
        "last0@example.org",
    ]
    first, nobody, last = rows(db)
    assert first.status is last.status is MessageStatus.SENT
    assert nobody.status is MessageStatus.FAILED
    assert nobody.attempts == 1
    assert "550" in nobody.last_error and "No such user" in nobody.last_error


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_temporary_refusal_is_retried(app, db, stage):
    queue(db, 1)
    with running_smtp(app) as smtp:
        setattr(smtp.handler, f"refuse_{stage}", lambda _address: "451 4.3.0 Try again later")
        before = utcnow()
        report = deliver_pending()
        assert (report.sent, report.retried, report.failed) == (0, 1, 0)
        [row] = rows(db)
        assert (row.status, row.attempts) == (MessageStatus.PENDING, 1)
        assert "451" in row.last_error
        assert row.next_attempt_at > before + timedelta(seconds=25)

        setattr(smtp.handler, f"refuse_{stage}", None)
        make_due(db)
        assert deliver_pending().sent == 1

    assert len(smtp.received) == 1
    [row] = rows(db)
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 2, None)


# Several workers at once ---------------------------------------------------------------


@pytest.mark.parametrize("workers", [2, 3])
def test_racing_workers_send_every_message_exactly_once(app, db, workers):
    ids = queue(db, 60)
    with running_smtp(app, delay=(0.005, 0.02)) as smtp:
        reports = in_threads(app, workers, lambda: deliver_pending(limit=5))

    assert sum(r.sent for r in reports) == 60
    assert all(r.retried == r.failed == 0 for r in reports), [r.errors for r in reports]
    assert sum(1 for r in reports if r.sent) >= 2, "the workers did not overlap"
    counts = smtp.message_ids()
    assert len(counts) == 60
    assert set(counts.values()) == {1}
    assert [r.id for r in rows(db)] == ids
    assert {r.status for r in rows(db)} == {MessageStatus.SENT}


def test_a_worker_stops_before_its_lease_runs_out(app, db):
    """A slow server and a short lease: the first worker claims everything but cannot send
    it all within its lease, and the second keeps polling. Each message still arrives once."""
    queue(db, 12)
    lease = timedelta(seconds=1)

    def worker():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            deliver_pending(limit=12, lease=lease)
            waiting = db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == MessageStatus.PENDING)
            )
            db.session.commit()
            if not waiting:
                return
            time.sleep(0.05)

    with running_smtp(app, delay=(0.12, 0.18)) as smtp:
        in_threads(app, 2, worker)

    counts = smtp.message_ids()
    assert len(counts) == 12
    assert set(counts.values()) == {1}
    assert {(r.status, r.attempts) for r in rows(db)} == {(MessageStatus.SENT, 1)}


# Without SMTP settings, and the commands ------------------------------------------------


def test_without_smtp_host_nothing_is_sent(app, db):
    queue(db, 2)
    with SMTPServer() as smtp, app_config(app, SMTP_HOST="", SMTP_PORT=smtp.port):
        report = deliver_pending()
        assert report.configured is False
        assert report.sent == 0

        result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
        assert result.exit_code == 0, result.output
        assert "SMTP_HOST is not set" in result.output

    assert smtp.received == []
    assert [(r.status, r.attempts) for r in rows(db)] == [(MessageStatus.PENDING, 0)] * 2


def test_send_pending_command_reports_what_it_sent(app, db):
    queue(db, 3)
    with running_smtp(app) as smtp:
        result = app.test_cli_runner().invoke(args=["mail", "send-pending"])
        assert result.exit_code == 0, result.output
        assert "sent 3, to retry 0, failed 0" in result.output
        again = app.test_cli_runner().invoke(args=["mail", "send-pending"])
        assert "sent 0, to retry 0, failed 0" in again.output
    assert len(smtp.message_ids()) == 3


def test_worker_once_delivers_the_outbox(app, db):
    queue(db, 2)
    # The command installs its own SIGTERM/SIGINT handlers; keep pytest's.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with running_smtp(app) as smtp:
            result = app.test_cli_runner().invoke(args=["worker", "--once"])
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        assert result.exit_code == 0, result.output
    assert len(smtp.message_ids()) == 2
    assert {r.status for r in rows(db)} == {MessageStatus.SENT}


def test_a_mail_carries_the_id_of_the_request_that_queued_it(app, db, caplog):
    """The worker's lines about a mail have the request id of the click that queued it,
    so the proxy's log line, the app's and the mail server's can be put side by side."""
    with app.test_request_context(headers={"X-Request-ID": "buy-ticket-0042"}):
        (asked,) = queue(db, 1)
    (unasked,) = queue(db, 1)  # queued by the worker itself (a reminder): no request
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    outbox_log = logging.getLogger("summit.services.outbox")
    outbox_log.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger=outbox_log.name), running_smtp(app) as smtp:
            assert deliver_pending().sent == 2
    finally:
        outbox_log.removeHandler(handler)
    assert len(smtp.message_ids()) == 2
    lines = {
        line["message"]: line["request_id"]
        for line in map(json.loads, stream.getvalue().splitlines())
    }
    assert lines[f"Outbox message {asked} sent"] == "buy-ticket-0042"
    assert lines[f"Outbox message {unasked} sent"] is None
    assert [r.request_id for r in rows(db)] == ["buy-ticket-0042", None]
