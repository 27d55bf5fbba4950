"""The waiting list: people who want tickets of a type that is full.

An entry waits in line (oldest first). When seats come free, the next in line gets an
offer: a reservation of the seats they asked for (an Order, RESERVED until the offer's
end), mailed to them as a personal link. The reservation is what holds the seats, so
held offers count as taken like any reservation, and nobody else can take them. An
offer that runs out unused passes to the next in line.

While people wait for a type, its free seats are theirs: the shop counts the waiting
list's claim as taken (services/tickets/waitlist.py).
"""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .orders import Order, new_token
from .tickets import TicketType
from .types import StrEnum, UTCDateTime, utcnow


class WaitingStatus(enum.Enum):
    WAITING = "waiting"  # in line
    OFFERED = "offered"  # seats held for them until the offer's order runs out
    BOUGHT = "bought"  # they took the offer (the order is paid, invoiced or paying)
    LAPSED = "lapsed"  # the offer ran out (or was declined) unused: the next got the seats
    LEFT = "left"  # they left the line themselves
    REMOVED = "removed"  # an organizer took them off the list

    @property
    def label(self):
        return {
            WaitingStatus.WAITING: _l("Waiting"),
            WaitingStatus.OFFERED: _l("Offered"),
            WaitingStatus.BOUGHT: _l("Bought"),
            WaitingStatus.LAPSED: _l("Offer not used"),
            WaitingStatus.LEFT: _l("Left the list"),
            WaitingStatus.REMOVED: _l("Removed"),
        }[self]


# Entries that still want seats (in line, or holding an offer).
WaitingStatus.ACTIVE = (WaitingStatus.WAITING, WaitingStatus.OFFERED)


class WaitingListEntry(db.Model):
    """One person in line for `quantity` tickets of one ticket type."""

    __tablename__ = "waiting_list_entries"
    __table_args__ = (Index("ix_waiting_list_entries_event_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ticket_type_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="CASCADE"), index=True
    )
    # Their own link (to see their place, or leave): never an id in a public URL.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    status: Mapped[WaitingStatus] = mapped_column(
        StrEnum(WaitingStatus), default=WaitingStatus.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The reservation that holds the offered seats, and when the offer was made.
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), index=True
    )
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who made it by hand (None: the waiting list itself, in line order).
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    ticket_type: Mapped[TicketType] = relationship()
    order: Mapped[Order | None] = relationship()

    @property
    def offer_ends_at(self) -> datetime | None:
        return self.order.expires_at if self.order is not None else None
