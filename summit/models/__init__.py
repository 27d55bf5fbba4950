"""All models, imported here so Alembic and the app see the whole schema."""

from .events import Event, EventFormat, EventKind, EventStatus, Room, Track
from .mail import MessageStatus, OutboxAttachment, OutboxMessage
from .types import utcnow
from .users import EventRole, Role, User

__all__ = [
    "Event",
    "EventFormat",
    "EventKind",
    "EventRole",
    "EventStatus",
    "MessageStatus",
    "OutboxAttachment",
    "OutboxMessage",
    "Role",
    "Room",
    "Track",
    "User",
    "utcnow",
]
