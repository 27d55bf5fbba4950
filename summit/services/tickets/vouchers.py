"""One-use vouchers: organizers make them in bulk for a ticket type (N at once, or one
per confirmed speaker, emailed), list them as free, held, used or withdrawn, and
withdraw them. Buying with one is ordering.reserve_tickets() with its code.

Whether a voucher is taken is read from the orders (ordering.voucher_holder): a valid
ticket with it in a reservation not run out or a pending order holds it, in a paid or
invoiced order it is used; an expired reservation, a cancelled or refunded order frees
it again. Nothing is counted in a column that could drift.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    Event,
    Order,
    OrderStatus,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    Voucher,
    utcnow,
)
from ...urls import external_url
from .. import locks
from ..cfp.speakers import display_name_of, language_of, profiles_for
from ..mail import queue_mail
from .codes import GENERATED_LENGTH, random_code
from .errors import VoucherError
from .ordering import holding_condition

MAX_AT_ONCE = 500


class VoucherState(enum.Enum):
    FREE = "free"
    HELD = "held"  # in a reservation or a payment under way
    USED = "used"  # in a paid or invoiced order
    REVOKED = "revoked"

    @property
    def label(self):
        return {
            VoucherState.FREE: _l("Not used"),
            VoucherState.HELD: _l("Reserved, not paid"),
            VoucherState.USED: _l("Used"),
            VoucherState.REVOKED: _l("Withdrawn"),
        }[self]


@dataclass
class VoucherRow:
    voucher: Voucher
    state: VoucherState
    order: Order | None = None  # the order holding or using it
    ticket: Ticket | None = None

    @property
    def link(self) -> str:
        return voucher_link(self.voucher)


def voucher_link(voucher: Voucher) -> str:
    """The shop with the voucher filled in: /events/<slug>/tickets/?voucher=<code>."""
    return external_url("tickets.shop", slug=voucher.event.slug, voucher=voucher.code)


def vouchers_of(
    event: Event, ticket_type: TicketType | None = None, now: datetime | None = None
) -> list[VoucherRow]:
    """The event's vouchers (or one type's), newest first, each with its state and the
    order holding it; two queries whatever their number."""
    now = now or utcnow()
    stmt = (
        select(Voucher)
        .where(Voucher.event_id == event.id)
        .options(selectinload(Voucher.ticket_type))
        .order_by(Voucher.created_at.desc(), Voucher.id.desc())
    )
    if ticket_type is not None:
        stmt = stmt.where(Voucher.ticket_type_id == ticket_type.id)
    vouchers = db.session.scalars(stmt).all()
    held: dict[int, Ticket] = {}
    if vouchers:
        for ticket in db.session.scalars(
            select(Ticket)
            .join(Order, Order.id == Ticket.order_id)
            .where(
                Order.event_id == event.id,
                Ticket.voucher_id.is_not(None),
                Ticket.status == TicketStatus.VALID,
                holding_condition(now),
            )
            .options(selectinload(Ticket.order))
            .order_by(Ticket.id)
        ):
            held.setdefault(ticket.voucher_id, ticket)
    rows = []
    for voucher in vouchers:
        ticket = held.get(voucher.id)
        if ticket is not None:
            state = VoucherState.USED if ticket.order.status.is_confirmed else VoucherState.HELD
        elif voucher.revoked_at is not None:
            state = VoucherState.REVOKED
        else:
            state = VoucherState.FREE
        rows.append(VoucherRow(voucher, state, ticket.order if ticket else None, ticket))
    return rows


def _new_codes(count: int) -> list[str]:
    """`count` random codes no voucher has yet (a clash in 60 bits is all but
    impossible; the unique constraint would catch one that slipped through)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {random_code(GENERATED_LENGTH) for _ in range(count - len(codes))}
        taken = set(db.session.scalars(select(Voucher.code).where(Voucher.code.in_(wanted))))
        codes |= wanted - taken
    return sorted(codes)


def _check(event: Event, ticket_type: TicketType, price: int | None, note: str) -> None:
    if ticket_type.event_id != event.id:
        raise VoucherError("unknown_type", "ticket_type")
    if price is not None and not 0 <= price <= ticket_type.price:
        raise VoucherError("price", "price")
    if len(note) > 200:
        raise VoucherError("too_long", "note", n=200)


def generate_vouchers(
    event: Event,
    ticket_type: TicketType,
    count: int,
    free: bool = False,
    note: str = "",
    now: datetime | None = None,
) -> list[Voucher]:
    """`count` (1–500) new vouchers for one ticket of `ticket_type` each, at its price or
    free; to hand out by the organizers (a partner's seats, say)."""
    note = (note or "").strip()
    price = 0 if free else None
    _check(event, ticket_type, price, note)
    if not 1 <= count <= MAX_AT_ONCE:
        raise VoucherError("count", "count")
    now = now or utcnow()
    with unit_of_work(locks.sales(event.id)):
        vouchers = [
            Voucher(
                event_id=event.id,
                ticket_type_id=ticket_type.id,
                code=code,
                price=price,
                note=note,
                created_at=now,
            )
            for code in _new_codes(count)
        ]
        db.session.add_all(vouchers)
    return vouchers


def confirmed_speakers(event: Event) -> list[User]:
    """The event's confirmed speakers (submitters and co-speakers who accepted, of its
    confirmed proposals), each once, by name."""
    users = db.session.scalars(
        select(User)
        .join(ProposalSpeaker, ProposalSpeaker.user_id == User.id)
        .join(Proposal, Proposal.id == ProposalSpeaker.proposal_id)
        .where(
            Proposal.event_id == event.id,
            Proposal.state == ProposalState.CONFIRMED,
            ProposalSpeaker.accepted_at.is_not(None),
        )
        .distinct()
    ).all()
    return sorted(users, key=lambda u: (u.display_name.casefold(), u.id))


def speakers_without_voucher(event: Event, ticket_type: TicketType) -> list[User]:
    """Confirmed speakers who have no voucher (withdrawn ones aside) of this type yet."""
    have = set(
        db.session.scalars(
            select(Voucher.user_id).where(
                Voucher.ticket_type_id == ticket_type.id,
                Voucher.user_id.is_not(None),
                Voucher.revoked_at.is_(None),
            )
        )
    )
    return [u for u in confirmed_speakers(event) if u.id not in have]


def generate_for_speakers(
    event: Event,
    ticket_type: TicketType,
    free: bool = True,
    note: str = "",
    now: datetime | None = None,
) -> list[Voucher]:
    """One voucher for each confirmed speaker who has none of this type yet, each
    emailed to the speaker (through the outbox, in the same unit of work). Running it
    again after more speakers confirmed gives the new ones theirs, nobody a second."""
    note = (note or "").strip()
    price = 0 if free else None
    _check(event, ticket_type, price, note)
    now = now or utcnow()
    with unit_of_work(locks.sales(event.id)):
        speakers = speakers_without_voucher(event, ticket_type)
        profiles = profiles_for(u.id for u in speakers)
        vouchers = []
        for user, code in zip(speakers, _new_codes(len(speakers)), strict=True):
            profile = profiles.get(user.id)
            voucher = Voucher(
                event_id=event.id,
                ticket_type_id=ticket_type.id,
                code=code,
                price=price,
                note=note,
                user_id=user.id,
                recipient_name=display_name_of(user, user.email, profile),
                recipient_email=user.email,
                created_at=now,
                emailed_at=now,
            )
            voucher.event, voucher.ticket_type = event, ticket_type
            db.session.add(voucher)
            _queue_voucher_mail(voucher, language_of(user, profile))
            vouchers.append(voucher)
    return vouchers


def _queue_voucher_mail(voucher: Voucher, locale: str) -> None:
    event, ticket_type = voucher.event, voucher.ticket_type
    queue_mail(
        voucher.recipient_email,
        "voucher",
        subject=lambda: _("Your ticket voucher for %(event)s", event=event.name),
        locale=locale,
        voucher=voucher,
        event=event,
        ticket_type=ticket_type,
        free=voucher.price_for(ticket_type) == 0,
        link=voucher_link(voucher),
    )


def revoke_voucher(voucher: Voucher, now: datetime | None = None) -> None:
    """The voucher stops working: nobody can reserve with it, nor make an ended
    reservation with it again. One already used (in a paid or invoiced order) cannot be
    withdrawn: cancel or refund that order instead. A reservation made with it before
    may still be paid for within its minutes."""
    now = now or utcnow()
    with unit_of_work(locks.sales(voucher.event_id)):
        db.session.refresh(voucher)
        used = db.session.scalar(
            select(Order.id)
            .join(Ticket, Ticket.order_id == Order.id)
            .where(
                Ticket.voucher_id == voucher.id,
                Ticket.status == TicketStatus.VALID,
                Order.status.in_(OrderStatus.CONFIRMED),
            )
            .limit(1)
        )
        if used is not None:
            raise VoucherError("used")
        if voucher.revoked_at is None:
            voucher.revoked_at = now


def csv_rows(rows: list[VoucherRow]) -> list[list[str]]:
    """Code, link, ticket type, price (kronor), recipient, email, note, state, order."""
    return [
        [
            row.voucher.display_code,
            row.link,
            row.voucher.ticket_type.name,
            _kronor(row.voucher.price_for(row.voucher.ticket_type)),
            row.voucher.recipient_name,
            row.voucher.recipient_email,
            row.voucher.note,
            str(row.state.label),
            row.order.reference if row.order else "",
        ]
        for row in rows
    ]


def _kronor(ore: int) -> str:
    kronor, rest = divmod(ore, 100)
    return f"{kronor},{rest:02d}" if rest else str(kronor)
