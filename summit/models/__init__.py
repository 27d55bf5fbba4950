"""All models, imported here so Alembic and the app see the whole schema."""

from .badges import BadgeJob, BadgeJobStatus, BadgePrint, PrintChannel
from .cfp import (
    CFP_LANGUAGES,
    AccessCode,
    CallForProposals,
    CfpQuestion,
    DecisionKind,
    DecisionTemplate,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    QuestionKind,
    ReviewMode,
    SessionFormat,
    SpeakerProfile,
)
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
from .program import ProgramSession, SessionKind, SessionSpeaker
from .reviews import Review, ReviewCriterion, ReviewerAssignment, ReviewerTrack, ReviewScore
from .tickets import BadgeRole, DiscountCode, DiscountKind, TicketType
from .types import utcnow
from .users import EventRole, Role, User

__all__ = [
    "AccessCode",
    "BadgeJob",
    "BadgeJobStatus",
    "BadgePrint",
    "BadgeRole",
    "CFP_LANGUAGES",
    "CallForProposals",
    "CfpQuestion",
    "Checkin",
    "CheckinConflict",
    "CheckinList",
    "DecisionKind",
    "DecisionTemplate",
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
    "ProgramSession",
    "Proposal",
    "ProposalSpeaker",
    "ProposalState",
    "ProviderEvent",
    "QuestionKind",
    "Refund",
    "Review",
    "ReviewCriterion",
    "ReviewMode",
    "ReviewScore",
    "ReviewerAssignment",
    "ReviewerTrack",
    "Role",
    "Room",
    "SessionFormat",
    "SessionKind",
    "SessionSpeaker",
    "SpeakerProfile",
    "Station",
    "Ticket",
    "TicketStatus",
    "TicketType",
    "Track",
    "User",
    "utcnow",
    "vat_part",
]
