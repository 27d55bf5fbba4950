"""The personal rating link of a ticket, carried by the after-event mail: it opens the
ticket's rating pages without signing in.

The token is signed (itsdangerous, a salt of its own) and names the ticket and a
fingerprint of its secret: it cannot be guessed or altered, and a ticket passed on to
someone else (a new secret) no longer opens with the old holder's link.
"""

from hashlib import sha256

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from ...extensions import db
from ...models import Event, Ticket
from ...urls import external_url

SALT = "summit.session-feedback"
MAX_TOKEN_LENGTH = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(ticket: Ticket) -> str:
    return sha256(ticket.secret.encode()).hexdigest()[:16]


def link_token(ticket: Ticket) -> str:
    return _serializer().dumps([ticket.id, _fingerprint(ticket)])


def rating_link(ticket: Ticket) -> str:
    """The after-event mail's personal rating link for the ticket (absolute)."""
    return external_url(
        "program.feedback_link", slug=ticket.order.event.slug, link=link_token(ticket)
    )


def ticket_of_link(event: Event, token) -> Ticket | None:
    """The ticket a link token names, if the token is genuine, for this event, and the
    ticket still has the secret it was made for; else None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        ticket_id, fingerprint = _serializer().loads(token)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(ticket_id, int) or isinstance(ticket_id, bool):
        return None
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or ticket.order.event_id != event.id or _fingerprint(ticket) != fingerprint:
        return None
    return ticket
