"""Mail: messages are queued in the outbox inside the caller's transaction.

queue_mail() never talks to SMTP and never commits: the message exists exactly when
the change that caused it is committed. The outbox worker (services/outbox.py)
delivers it.
"""

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale

from ..extensions import db
from ..models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def queue_mail(
    to: str,
    template: str,
    subject: str,
    locale: str | None = None,
    attachments: list[Attachment] | None = None,
    reply_to: str | None = None,
    **context,
) -> OutboxMessage:
    """Render emails/<template>.txt and .html in the recipient's language and queue them.

    `subject` is a callable taking no argument (e.g. a lazy_gettext string) or a
    string; it is rendered in the same language as the body.
    """
    locale = locale if locale in current_app.config["LANGUAGES"] else "sv"
    with force_locale(locale):
        text = render_template(f"emails/{template}.txt", **context)
        html = render_template(f"emails/{template}.html", **context)
        subject_text = str(subject)
    message = OutboxMessage(
        to_address=to,
        subject=subject_text.replace("\n", " ").strip()[:300],
        body_text=text,
        body_html=html,
        reply_to=reply_to,
        attachments=[
            OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
            for a in attachments or []
        ],
    )
    db.session.add(message)
    return message
