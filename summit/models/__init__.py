"""All models, imported here so Alembic and the app see the whole schema."""

from .badges import BadgeJob, BadgeJobStatus, BadgePrint, PrintChannel
from .checkin import Checkin, CheckinConflict, CheckinList, Station
from .events import Event, EventFormat, EventKind, EventStatus, Room, Track
from .mail import MessageStatus, OutboxAttachment, OutboxMessage
from .orders import (
    HOLDING,
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    vat_part,
)
from .payments import Invoice, Payment, PaymentStatus, ProviderEvent, Refund
from .tickets import BadgeRole, DiscountCode, DiscountKind, TicketType
from .types import utcnow
from .users import EventRole, Role, User

__all__ = [
    "BadgeJob",
    "BadgeJobStatus",
    "BadgePrint",
    "BadgeRole",
    "Checkin",
    "CheckinConflict",
    "CheckinList",
    "DiscountCode",
    "DiscountKind",
    "Event",
    "EventFormat",
    "EventKind",
    "EventRole",
    "EventStatus",
    "HOLDING",
    "Invoice",
    "MessageStatus",
    "Order",
    "OrderStatus",
    "OutboxAttachment",
    "OutboxMessage",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "PrintChannel",
    "ProviderEvent",
    "Refund",
    "Role",
    "Room",
    "Station",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "Track",
    "User",
    "utcnow",
    "vat_part",
]
