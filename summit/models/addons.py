"""Add-ons: extras sold per attendee beside a ticket (the conference dinner, a study
visit), each with its own capacity, price, VAT rate and sale window.

An add-on bought is a TicketAddon: it belongs to one ticket (the attendee) and to the
order that pays for it — the ticket's own order when bought with the ticket, or a
small follow-up order when bought afterwards. Like seats, an add-on's places are
counted from these rows (valid, in a seat-holding order), never from a counter.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .orders import Order, Ticket, TicketStatus, vat_part
from .tickets import SaleItem, TicketType
from .types import StrEnum, UTCDateTime, utcnow

addon_ticket_types = Table(
    "addon_ticket_types",
    db.metadata,
    Column("addon_id", ForeignKey("addons.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_type_id", ForeignKey("ticket_types.id", ondelete="CASCADE"), primary_key=True),
)


class Addon(SaleItem, db.Model):
    """An extra for one attendee: its price (öre, VAT included), VAT rate, capacity
    (None: no limit) and sale window; offered with every ticket type, or only with
    those in `ticket_types`."""

    __tablename__ = "addons"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # A word for door staff and badges ("Middag"); empty: not shown there.
    badge_label: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    ticket_types: Mapped[list[TicketType]] = relationship(secondary=addon_ticket_types)

    def offered_with(self, ticket_type: TicketType) -> bool:
        return not self.ticket_types or ticket_type in self.ticket_types


class TicketAddon(db.Model):
    """One add-on bought for one ticket, paid for by `order` (the ticket's own order,
    or a follow-up order for an add-on bought afterwards)."""

    __tablename__ = "ticket_addons"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    addon_id: Mapped[int] = mapped_column(ForeignKey("addons.id"), index=True)
    status: Mapped[TicketStatus] = mapped_column(StrEnum(TicketStatus), default=TicketStatus.VALID)
    price: Mapped[int]  # öre, VAT included, as it was when bought
    vat_percent: Mapped[int]
    refunded_amount: Mapped[int] = mapped_column(default=0)

    ticket: Mapped[Ticket] = relationship(back_populates="addons")
    order: Mapped[Order] = relationship(back_populates="addons")
    addon: Mapped[Addon] = relationship()

    @property
    def vat_amount(self) -> int:
        return vat_part(self.price, self.vat_percent)


@event.listens_for(Ticket.status, "set")
def _addons_follow_ticket(ticket: Ticket, value, oldvalue, initiator) -> None:
    """A ticket cancelled or refunded takes its add-ons with it: those paid in its own
    order share its fate (a refund of the ticket pays them back too, see
    refunds.refund), those bought afterwards are cancelled (their places free up). A
    refund that failed and made the ticket valid again restores its own order's."""
    if value is oldvalue or value is None or oldvalue is None:
        return
    for row in ticket.addons:
        own = row.order_id == ticket.order_id
        if value is TicketStatus.VALID:
            if own and row.status is oldvalue:
                row.status, row.refunded_amount = TicketStatus.VALID, 0
        elif row.status is TicketStatus.VALID:
            if own and value is TicketStatus.REFUNDED:
                row.status, row.refunded_amount = TicketStatus.REFUNDED, row.price
            else:
                row.status = TicketStatus.CANCELLED
