"""Delivery of the mail outbox over SMTP: retries with backoff, never twice.

Several workers may run at once. Each claims a batch of due messages with a lease
(locked_until + claim_token): on PostgreSQL the candidates are picked with
SELECT ... FOR UPDATE SKIP LOCKED so workers pass each other by; on SQLite the claim
runs under the database write lock. The claim is a conditional UPDATE, so a message
is only ever held by one worker. Each message is marked sent in its own commit right
after the SMTP server accepted it.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..database import end_reads, unit_of_work
from ..extensions import db
from ..logs import carrying
from ..models import MessageStatus, OutboxAttachment, OutboxMessage, utcnow
from . import leases
from .tickets.documents import render_document

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    configured: bool = True


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _due_conditions(now):
    return (
        OutboxMessage.status == MessageStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
    )


def claim_batch(limit: int = 50, lease: timedelta = LEASE) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker; nobody else gets them meanwhile."""
    order = (OutboxMessage.next_attempt_at, OutboxMessage.id)
    token = leases.claim(OutboxMessage, _due_conditions, order, limit, lease)
    if token is None:
        return []
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claim_token == token)
            .options(selectinload(OutboxMessage.attachments))
            .order_by(OutboxMessage.id)
        )
    )


def build_email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    sender = config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(message.created_at.timestamp(), localtime=False)
    # Stable per outbox row: a retried delivery carries the same Message-ID.
    email["Message-ID"] = f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{domain}>"
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    if message.list_unsubscribe:
        # RFC 8058: a mail program may offer "unsubscribe" and POST this itself.
        email["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment_bytes(attachment),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return email


def attachment_bytes(attachment: OutboxAttachment) -> bytes:
    """The attachment as it is sent: its stored bytes, or its document rendered now.
    LookupError if the document names nothing that exists any more."""
    if attachment.data is not None:
        return attachment.data
    return render_document(attachment.document)


@dataclass(frozen=True)
class AttachmentInfo:
    """What an attachment is, told without rendering it (a ticket PDF is made only when
    the mail is sent, or when someone asks to see it)."""

    id: int
    filename: str
    content_type: str
    kind: str  # "ticket", "tickets", "receipt", "invoice" or "file"
    size: int | None  # bytes, when stored; None for a document made when sent


def describe_attachments(message: OutboxMessage) -> list[AttachmentInfo]:
    return [
        AttachmentInfo(
            id=a.id,
            filename=a.filename,
            content_type=a.content_type,
            kind=(a.document or "").partition(":")[0] if a.data is None else "file",
            size=len(a.data) if a.data is not None else None,
        )
        for a in message.attachments
    ]


def find_attachment(message_id: int, attachment_id: int) -> OutboxAttachment | None:
    """One attachment of one message (an attachment of another message is None)."""
    return db.session.scalar(
        select(OutboxAttachment).where(
            OutboxAttachment.id == attachment_id, OutboxAttachment.message_id == message_id
        )
    )


def _connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = config["SMTP_TIMEOUT"]
    if config["SMTP_SSL"]:
        smtp = smtplib.SMTP_SSL(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout)
    try:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()  # a refused STARTTLS or login must not leave the socket open
        raise
    return smtp


@dataclass(frozen=True)
class _Outgoing:
    """A claimed message as the worker needs it, read once right after the claim, so
    that talking to the server never waits on (or holds) a database transaction."""

    id: int
    claim_token: str
    attempts: int
    lease_ends: datetime
    email: EmailMessage | None
    error: str = ""
    request_id: str | None = None  # of the request that queued it, for the log


def _prepare(message: OutboxMessage) -> _Outgoing:
    try:
        email, error = build_email(message), ""
    except Exception as exc:
        # A message that cannot be written as an email never will be (e.g. a line
        # break in an address); it must not stop the worker or hold up the others.
        with carrying(message.request_id):
            log.exception("Outbox message %s cannot be built", message.id)
        email, error = None, f"Cannot build the email: {exc}"
    return _Outgoing(
        message.id,
        message.claim_token,
        message.attempts,
        message.locked_until,
        email,
        error,
        message.request_id,
    )


def _write(message: _Outgoing, **values) -> None:
    """Update a message we still hold, in its own unit of work."""
    leases.write_held(OutboxMessage, message.id, message.claim_token, **values)


def _mark_sent(message: _Outgoing) -> None:
    _write(
        message,
        status=MessageStatus.SENT,
        sent_at=utcnow(),
        attempts=message.attempts + 1,
        last_error=None,
    )


def _mark_failed(
    message: _Outgoing, error: str, permanent: bool, server_down: bool = False
) -> MessageStatus:
    """Schedule the next attempt, or give up on a message the server keeps refusing.

    An unreachable server says nothing about the message: such attempts back off like
    the others but never use up the message's attempts, so an outage of any length
    loses nothing.
    """
    attempts = message.attempts + 1
    give_up = permanent or (not server_down and attempts >= current_app.config["MAIL_MAX_ATTEMPTS"])
    status = MessageStatus.FAILED if give_up else MessageStatus.PENDING
    _write(
        message,
        status=status,
        attempts=attempts,
        next_attempt_at=utcnow() + backoff(attempts),
        last_error=error[:2000],
    )
    return status


def _release(message: _Outgoing) -> None:
    """Give a message back untried: due at once for any worker."""
    _write(message)


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about this message or recipient will not get better by retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPAuthenticationError)
    # The server cannot take this message at all (e.g. it needs SMTPUTF8).
    return isinstance(error, smtplib.SMTPNotSupportedError)


def _connection_lost(smtp: smtplib.SMTP, error: Exception) -> bool:
    """After a failed send, can the same connection carry the next message?

    smtplib.SMTPException is an OSError too: a refusal (4xx/5xx) leaves the session
    usable, smtplib has reset it; a socket error or timeout does not. After a 421
    smtplib closes the connection itself, hence the NOOP.
    """
    if isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(
        error, smtplib.SMTPException
    ):
        return True
    try:
        return smtp.noop()[0] != 250
    except (OSError, smtplib.SMTPException):
        return True


def deliver_pending(
    limit: int = 50, max_batches: int | None = None, lease: timedelta = LEASE
) -> DeliveryReport:
    """Send every due message once. Without SMTP settings nothing is sent.

    A worker begins no send once half of its lease on a batch is gone, so a slow
    server cannot make the lease run out mid-batch and hand a message to a second
    worker while the first is still sending it.
    """
    report = DeliveryReport(configured=smtp_configured())
    if not report.configured:
        return report
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = claim_batch(limit, lease)
        if not batch:
            break
        batches += 1
        outgoing = [_prepare(message) for message in batch]
        end_reads()  # nothing stays open while we talk to the server
        _deliver_batch(outgoing, report, lease)
    return report


def _deliver_batch(batch: list[_Outgoing], report: DeliveryReport, lease: timedelta) -> None:
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        # The server is unreachable: every message waits for its next attempt.
        log.warning("SMTP unreachable: %s", error)
        report.errors.append(str(error))
        for message in batch:
            _count(
                report,
                _mark_failed(message, f"SMTP unreachable: {error}", False, server_down=True),
            )
        return
    try:
        for index, message in enumerate(batch):
            if utcnow() > message.lease_ends - lease / 2:
                for rest in batch[index:]:
                    _release(rest)
                return
            if message.email is None:
                report.errors.append(message.error)
                _count(report, _mark_failed(message, message.error, permanent=True))
                continue
            with carrying(message.request_id):
                if not _send(smtp, message, report):
                    # Release the rest for the next round, on a new connection.
                    for rest in batch[index + 1 :]:
                        _release(rest)
                    return
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _send(smtp: smtplib.SMTP, message: _Outgoing, report: DeliveryReport) -> bool:
    """Send one message and record how it went; False when the connection is lost."""
    try:
        smtp.send_message(message.email)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Sending outbox message %s failed: %s", message.id, error)
        report.errors.append(str(error))
        _count(report, _mark_failed(message, str(error), _is_permanent(error)))
        return not _connection_lost(smtp, error)
    _mark_sent(message)
    report.sent += 1
    log.info("Outbox message %s sent", message.id)
    return True


def _count(report: DeliveryReport, status: MessageStatus) -> None:
    if status is MessageStatus.FAILED:
        report.failed += 1
    else:
        report.retried += 1


def messages_page(page: int, per_page: int = 50):
    """The outbox for its page: one page of messages, newest first (a Flask-SQLAlchemy
    pagination), and how many messages there are in each status."""
    pagination = db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()), page=page, per_page=per_page
    )
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return pagination, counts


def is_being_sent(message: OutboxMessage, now: datetime | None = None) -> bool:
    """A worker holds the message right now (claimed, lease not over)."""
    now = now or utcnow()
    return (
        message.status is MessageStatus.PENDING
        and message.locked_until is not None
        and message.locked_until > now
    )


def retry_message(message: OutboxMessage) -> None:
    """An admin asks for another try of a failed message: a fresh round of attempts
    (the last error stays on the page until one succeeds)."""
    with unit_of_work():
        message.status = MessageStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = utcnow()
        message.locked_until = None
        message.claim_token = None
