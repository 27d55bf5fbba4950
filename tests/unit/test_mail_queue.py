"""Queueing mail: in the caller's transaction, in the recipient's language (Swedish when
unknown), and no way for a subject or an address to smuggle in headers."""

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from summit.extensions import db as _db
from summit.models import MessageStatus, OutboxMessage, User
from summit.services.accounts import create_user
from summit.services.mail import queue_mail
from summit.services.outbox import deliver_pending
from tests.smtp import running_smtp
from tests.threads import in_threads


def sign_in_mail(to="anna@example.org", subject=None, locale="en"):
    return queue_mail(
        to,
        "magic_link",
        subject=subject if subject is not None else _l("Your sign-in link"),
        locale=locale,
        link="https://summit.test/magic/abc123",
        minutes=30,
    )


def outbox_count_elsewhere(app) -> int:
    """What another connection (a worker) sees in the outbox."""
    [count] = in_threads(
        app, 1, lambda: _db.session.scalar(select(func.count()).select_from(OutboxMessage))
    )
    return count


# The same transaction as the change ----------------------------------------------------


def test_rolled_back_change_leaves_no_mail(app, db):
    create_user("anna@example.org")
    sign_in_mail()
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert outbox_count_elsewhere(app) == 0
    with running_smtp(app) as smtp:
        assert deliver_pending().sent == 0
    assert smtp.received == []


def test_mail_exists_when_the_change_is_committed(app, db):
    create_user("anna@example.org")
    sign_in_mail()
    db.session.flush()
    # Queued but not committed: a worker cannot see it yet.
    assert outbox_count_elsewhere(app) == 0
    db.session.commit()
    assert outbox_count_elsewhere(app) == 1

    with running_smtp(app) as smtp:
        assert deliver_pending().sent == 1
    assert [r.rcpt_tos for r in smtp.received] == [["anna@example.org"]]


# Language ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de", "", None, "EN", "sv-SE", "../en"])
def test_unknown_locale_falls_back_to_swedish(app, db, locale):
    message = sign_in_mail(locale=locale)
    assert message.subject == "Din inloggningslänk"
    assert "Hej!" in message.body_text
    assert "Hej!" in message.body_html and '<html lang="sv">' in message.body_html


def test_english_when_asked(app, db):
    message = sign_in_mail(locale="en")
    assert message.subject == "Your sign-in link"
    assert "Hello!" in message.body_text
    assert '<html lang="en">' in message.body_html


# Header injection ----------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r", "\x0b", "\x85", "\u2028", "\r\n\t"])
def test_line_break_in_subject_adds_no_header(app, db, newline):
    sign_in_mail(subject=f"Hi{newline}Bcc: x@example.net")
    db.session.commit()

    with running_smtp(app) as smtp:
        report = deliver_pending()
    assert (report.sent, report.failed) == (1, 0), report.errors

    [received] = smtp.received
    assert received.rcpt_tos == ["anna@example.org"]
    email = received.message
    assert email["Subject"] == "Hi Bcc: x@example.net"
    assert email["Bcc"] is None
    assert sorted(email.keys()) == sorted(
        ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"]
    )


def test_line_break_in_address_fails_that_message_only(app, db):
    sign_in_mail(to="evil@example.org\r\nBcc: x@example.net")
    sign_in_mail(to="anna@example.org")
    db.session.commit()

    with running_smtp(app) as smtp:
        report = deliver_pending()
        assert deliver_pending().sent == 0
    assert (report.sent, report.retried, report.failed) == (1, 0, 1)

    assert [r.rcpt_tos for r in smtp.received] == [["anna@example.org"]]
    assert smtp.received[0].message["Bcc"] is None
    evil, anna = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert evil.status is MessageStatus.FAILED and evil.last_error
    assert anna.status is MessageStatus.SENT
