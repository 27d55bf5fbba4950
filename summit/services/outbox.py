"""Delivery of the mail outbox over SMTP: retries with backoff, never twice.

Several workers may run at once. Each claims a batch of due messages with a lease
(locked_until + claim_token): on PostgreSQL the candidates are picked with
SELECT ... FOR UPDATE SKIP LOCKED so workers pass each other by; on SQLite the claim
runs under the database write lock. The claim is a conditional UPDATE, so a message
is only ever held by one worker. Each message is marked sent in its own commit right
after the SMTP server accepted it.
"""

import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..extensions import db
from ..models import MessageStatus, OutboxMessage, utcnow

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


def claim_batch(limit: int = 50) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker; nobody else gets them meanwhile."""
    now = utcnow()
    token = secrets.token_hex(16)
    begin_write()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(*_due_conditions(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), *_due_conditions(now))
            .values(locked_until=now + LEASE, claim_token=token)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    if not ids:
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
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return email


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
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["SMTP_USER"]:
        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    return smtp


def _mark_sent(message: OutboxMessage) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(
            status=MessageStatus.SENT,
            sent_at=utcnow(),
            attempts=OutboxMessage.attempts + 1,
            locked_until=None,
            claim_token=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _mark_failed(message: OutboxMessage, error: str, permanent: bool) -> MessageStatus:
    attempts = message.attempts + 1
    give_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    status = MessageStatus.FAILED if give_up else MessageStatus.PENDING
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(
            status=status,
            attempts=attempts,
            next_attempt_at=utcnow() + backoff(attempts),
            locked_until=None,
            claim_token=None,
            last_error=error[:2000],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about this message or recipient will not get better by retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPAuthenticationError)
    return False


def deliver_pending(limit: int = 50, max_batches: int | None = None) -> DeliveryReport:
    """Send every due message once. Without SMTP settings nothing is sent."""
    report = DeliveryReport(configured=smtp_configured())
    if not report.configured:
        return report
    batches = 0
    while max_batches is None or batches < max_batches:
        batch = claim_batch(limit)
        if not batch:
            break
        batches += 1
        _deliver_batch(batch, report)
    return report


def _deliver_batch(batch: list[OutboxMessage], report: DeliveryReport) -> None:
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        # The server is unreachable: every message waits for its next attempt.
        log.warning("SMTP unreachable: %s", error)
        report.errors.append(str(error))
        for message in batch:
            _count(report, _mark_failed(message, f"SMTP unreachable: {error}", permanent=False))
        return
    try:
        for message in batch:
            try:
                smtp.send_message(build_email(message))
            except (OSError, smtplib.SMTPException) as error:
                log.warning("Sending outbox message %s failed: %s", message.id, error)
                report.errors.append(str(error))
                _count(report, _mark_failed(message, str(error), _is_permanent(error)))
                if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
                    # The connection is gone; release the rest for the next round.
                    for rest in batch[batch.index(message) + 1 :]:
                        _release(rest)
                    return
            else:
                _mark_sent(message)
                report.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _count(report: DeliveryReport, status: MessageStatus) -> None:
    if status is MessageStatus.FAILED:
        report.failed += 1
    else:
        report.retried += 1


def _release(message: OutboxMessage) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(locked_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def retry_message(message: OutboxMessage) -> None:
    """An admin asks for another try of a failed message."""
    message.status = MessageStatus.PENDING
    message.next_attempt_at = utcnow()
    message.locked_until = None
    message.claim_token = None
    db.session.commit()
