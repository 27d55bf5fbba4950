"""Mail: messages are queued in the outbox inside the caller's transaction.

queue_mail() never talks to SMTP and never commits: the message exists exactly when
the change that caused it is committed. The outbox worker (services/outbox.py)
delivers it.
"""

import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale

from ..extensions import db
from ..logs import current_request_id
from ..models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    """Bytes, or `document`: a reference rendered by services.tickets.documents when sent."""

    filename: str
    content_type: str
    data: bytes | None = None
    document: str | None = None

    @classmethod
    def pdf(cls, filename: str, document: str) -> "Attachment":
        return cls(filename=filename, content_type="application/pdf", document=document)


def queue_mail(
    to: str,
    template: str,
    subject,
    locale: str | None = None,
    attachments: list[Attachment] | None = None,
    reply_to: str | None = None,
    list_unsubscribe: str | None = None,
    **context,
) -> OutboxMessage:
    """Render emails/<template>.txt and .html in the recipient's language and queue them.

    `subject` is a lazy_gettext string, or a function of no argument for a subject
    that needs translated parts of its own (an event's name in that language); either
    is rendered in the same language as the body. `list_unsubscribe`: the one-click
    unsubscribe address of a mail the recipient may refuse (sent as its headers).
    """
    subject_text, text, html = render_mail(template, subject, locale, **context)
    message = OutboxMessage(
        to_address=to,
        subject=subject_text,
        body_text=text,
        body_html=html,
        reply_to=reply_to,
        list_unsubscribe=list_unsubscribe,
        request_id=current_request_id(),
        attachments=[
            OutboxAttachment(
                filename=a.filename, content_type=a.content_type, data=a.data, document=a.document
            )
            for a in attachments or []
        ],
    )
    db.session.add(message)
    return message


def render_mail(template: str, subject, locale: str | None, **context) -> tuple[str, str, str]:
    """(subject, text, html) of emails/<template> in `locale` (Swedish when unknown), as
    queue_mail() queues them: for a preview of what would be sent."""
    locale = locale if locale in current_app.config["LANGUAGES"] else "sv"
    with force_locale(locale):
        text = _render(f"emails/{template}.txt", context)
        html = _render(f"emails/{template}.html", context)
        subject_text = subject() if callable(subject) else str(subject)
    return one_line(subject_text)[:300], text, html


def one_line(text: str) -> str:
    """A header value on one line: every line break, tab and control character is a space.

    A subject that reaches the header with a CR, LF or other line separator in it could
    add headers (Bcc: ...); the email package refuses such a value outright.
    """
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return " ".join(text.split())


def _render(name: str, context: dict) -> str:
    # Straight from the Jinja environment, without the app's context processors: they
    # describe the current web request (signed-in user, language form), which does not
    # belong in an email and does not exist when a worker or a command queues one.
    return current_app.jinja_env.get_template(name).render(context)
