"""Attendees help themselves: cancelling or transferring their own ticket, within the
event's policy (Event.cancel_policy and its deadlines).

The rules, in one place (terms()):
- A ticket may be cancelled while the policy refunds (full refund, or refund less a
  fee) and the cancellation deadline has not passed; it may be transferred while the
  policy is not off and the transfer deadline (the cancellation deadline unless one of
  its own is set) has not passed. Never a ticket that is not valid, of an order not
  confirmed (paid or invoiced), or already checked in.
- What comes back: the price less the fee (never below 0: a fee larger than the price
  keeps all of it). Paid orders get it back through their provider (refunds.refund, as
  an organizer's refund); an invoiced order not yet paid owes less instead (an
  InvoiceCredit row: the amount taken off, the fee still owed, for the credit note); a
  free ticket is simply cancelled. The seat is free again at once (capacity counts
  valid tickets), for the waiting list to offer.
- A transfer gives the ticket a new secret in the same commit as the new attendee: the
  old QR code is dead at once (a RevokedSecret, answered "cancelled" at the door and on
  the offline list). The new attendee gets the ticket by mail, the buyer is told.
Every change is in the order's history and confirmed by mail (outbox).
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from ...database import unit_of_work
from ...extensions import db
from ...i18n import money
from ...models import (
    CancelPolicy,
    Checkin,
    Event,
    InvoiceCredit,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RevokedSecret,
    Ticket,
    TicketStatus,
    utcnow,
)
from ...models.orders import new_token
from ...models.payments import RefundStatus
from .. import billing, locks
from ..checkin.decision import secret_hash
from ..refusal import Refusal
from . import history
from .order_states import transition
from .ordering import stripped


class SelfServiceError(Refusal):
    """Why an attendee may not cancel or transfer this ticket now; nothing changed."""

    messages = {
        "off": lambda p: _("Tickets to this event cannot be cancelled or transferred online."),
        "no_refund": lambda p: _("Tickets to this event cannot be cancelled, only transferred."),
        "past_deadline": lambda p: _("The last day to do this online has passed."),
        "not_valid": lambda p: _("This ticket is no longer valid."),
        "not_confirmed": lambda p: _("Only a confirmed order's tickets can be changed."),
        "checked_in": lambda p: _("This ticket has already been used at the entrance."),
        "refund_refused": lambda p: _(
            "The refund could not be made right now. Nothing was changed; please try again "
            "later or contact the organizer."
        ),
        "refund_pending": lambda p: _("A refund for this ticket is already on its way."),
        "same_person": lambda p: _("The ticket is already made out to this person."),
        "deadline_required": lambda p: _("Set the last day to cancel for this policy."),
        "fee_required": lambda p: _("Set the fee for this policy."),
        "fee_range": lambda p: _("The fee must be from 0 to 100 000 kr."),
        "transfer_after_event": lambda p: _(
            "The last day to transfer must be before the event ends."
        ),
        "cancel_after_event": lambda p: _("The last day to cancel must be before the event ends."),
    }


@dataclass(frozen=True)
class Terms:
    """What the attendee may do with a ticket now, and what a cancellation gives back."""

    policy: CancelPolicy
    cancel_until: datetime | None
    transfer_until: datetime | None
    cancel_refused: SelfServiceError | None
    transfer_refused: SelfServiceError | None
    refund: int  # öre back (or taken off the invoice) if cancelled now
    fee: int  # öre kept
    how: str  # "refund" | "credit" | "free" | "nothing": how the money comes back

    @property
    def may_cancel(self) -> bool:
        return self.cancel_refused is None

    @property
    def may_transfer(self) -> bool:
        return self.transfer_refused is None


def deadlines(event: Event) -> tuple[datetime | None, datetime | None]:
    """(until when tickets may be cancelled, until when transferred); None: not at all.
    Without a deadline set, until the event starts."""
    policy = event.cancel_policy
    cancel = (event.cancel_deadline or event.starts_at) if policy.refunds else None
    transfer = None
    if policy.transfers:
        transfer = event.transfer_deadline or event.cancel_deadline or event.starts_at
    return cancel, transfer


def checked_in(ticket: Ticket) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Checkin.ticket_id == ticket.id, Checkin.undone_at.is_(None)))
        )
    )


def refund_on_its_way(ticket: Ticket) -> bool:
    """A refund of this ticket the provider has not confirmed yet: cancelling again
    would refund it twice."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Refund.ticket_id == ticket.id,
                    Refund.status.in_((RefundStatus.PENDING, RefundStatus.REQUIRES_ACTION)),
                )
            )
        )
    )


def _paid_money(order: Order) -> bool:
    return any(
        p.status is PaymentStatus.SUCCEEDED and p.amount > p.refunded_amount for p in order.payments
    )


def refund_terms(ticket: Ticket) -> tuple[int, int, str]:
    """(öre back, öre kept, how) if the ticket were cancelled under its event's policy."""
    order, event = ticket.order, ticket.order.event
    price = max(0, ticket.refundable)  # with its add-ons, as an organizer refund pays back
    fee = min(
        price, event.cancel_fee if event.cancel_policy is CancelPolicy.REFUND_MINUS_FEE else 0
    )
    back = price - fee
    if price == 0:
        return 0, 0, "free"
    if _paid_money(order):
        how = "refund"
    elif order.status is OrderStatus.INVOICED:
        how = "credit"
    else:
        how = "nothing"
    return back, fee, how if back > 0 else "nothing"


def terms(ticket: Ticket, now: datetime | None = None) -> Terms:
    now = now or utcnow()
    order, event = ticket.order, ticket.order.event
    cancel_until, transfer_until = deadlines(event)
    common = None
    if ticket.status is not TicketStatus.VALID:
        common = SelfServiceError("not_valid")
    elif not order.status.is_confirmed:
        common = SelfServiceError("not_confirmed")
    if event.cancel_policy is CancelPolicy.OFF:
        cancel_refused = transfer_refused = SelfServiceError("off")
    else:
        cancel_refused = common
        if cancel_refused is None and cancel_until is None:
            cancel_refused = SelfServiceError("no_refund")
        if cancel_refused is None and now >= cancel_until:
            cancel_refused = SelfServiceError("past_deadline")
        transfer_refused = common
        if transfer_refused is None and now >= transfer_until:
            transfer_refused = SelfServiceError("past_deadline")
    if (cancel_refused is None or transfer_refused is None) and checked_in(ticket):
        cancel_refused = transfer_refused = SelfServiceError("checked_in")
    if cancel_refused is None and refund_on_its_way(ticket):
        cancel_refused = transfer_refused = SelfServiceError("refund_pending")
    back, fee, how = refund_terms(ticket)
    return Terms(
        event.cancel_policy,
        cancel_until,
        transfer_until,
        cancel_refused,
        transfer_refused,
        back,
        fee,
        how,
    )


def own_terms(order: Order, now: datetime | None = None) -> dict[int, Terms]:
    """The terms of each valid ticket of a confirmed order, by ticket id; empty when the
    event's policy is off (nothing to offer)."""
    if order.event.cancel_policy is CancelPolicy.OFF or not order.status.is_confirmed:
        return {}
    now = now or utcnow()
    return {t.id: terms(t, now) for t in order.valid_tickets}


# Cancelling ----------------------------------------------------------------------------


def cancel_ticket(ticket: Ticket, now: datetime | None = None) -> Terms:
    """The attendee cancels `ticket` within the policy. Returns the terms it was
    cancelled on (what came back). SelfServiceError, with nothing changed, when the
    policy or the deadline does not allow it, or the provider refused the refund."""
    from ..payments import refunds  # payments builds on tickets
    from ..payments.base import PaymentError
    from .ordering import OrderError

    now = now or utcnow()
    given = terms(ticket, now)
    if not given.may_cancel:
        raise given.cancel_refused
    order = ticket.order
    if given.how == "refund":
        try:
            refunds.refund(
                order, ticket, reason="cancelled_by_attendee", amount=given.refund, notify=False
            )
        except (OrderError, PaymentError) as refused:
            db.session.rollback()
            raise SelfServiceError("refund_refused", detail=str(refused)) from refused
        with unit_of_work(locks.sales(order.event_id)) as unit:
            unit.reread(order)
            _cancelled(ticket, given)
        return given
    with unit_of_work(locks.sales(order.event_id)):
        db.session.refresh(order)
        for each in order.tickets:  # as committed: another may have been cancelled meanwhile
            db.session.refresh(each)
        again = terms(ticket, now)  # under the lock: a double click cancels once
        if not again.may_cancel:
            raise again.cancel_refused
        if again.how == "credit":
            # The kreditfaktura, for the ticket and its add-ons less the fee kept.
            addons = list(ticket.valid_addons)
            billing.credit(
                order,
                lambda: billing.ticket_credit_lines(ticket, again.refund, addons),
                "ticket_cancelled",
                now.astimezone(order.event.tz).date(),
            )
        ticket.status = TicketStatus.CANCELLED
        if again.how == "credit" or (again.fee and order.status is OrderStatus.INVOICED):
            db.session.add(
                InvoiceCredit(
                    order=order,
                    ticket=ticket,
                    amount=again.refund,
                    fee=again.fee,
                    vat_percent=ticket.vat_percent,
                    created_at=now,
                )
            )
        db.session.flush()
        if not order.valid_tickets and fees_owed(order) == 0:
            transition(order, OrderStatus.CANCELLED)
            order.cancelled_at = now
        _cancelled(ticket, again)
    return again


def _cancelled(ticket: Ticket, given: Terms) -> None:
    """History and mail for a cancellation, in the caller's unit of work."""
    order = ticket.order
    history.record(
        order,
        "ticket_cancelled_by_attendee",
        name=ticket.attendee_name,
        ticket=ticket.ticket_type.name,
        ticket_type=ticket.ticket_type_id,
        amount=given.refund,
        fee=given.fee,
        how=given.how,
    )
    _mail_cancelled(ticket, given)
    if given.how == "refund" and order.payment_method is PaymentMethod.INVOICE:
        _pay_back_by_transfer(order, given.refund)


def fees_owed(order: Order) -> int:
    """What cancelled tickets of an invoiced order still owe (the fees kept, öre)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(InvoiceCredit.fee), 0)).where(
            InvoiceCredit.order_id == order.id
        )
    )


def credits_of(order: Order) -> list[InvoiceCredit]:
    return list(
        db.session.scalars(
            select(InvoiceCredit)
            .where(InvoiceCredit.order_id == order.id)
            .order_by(InvoiceCredit.id)
        )
    )


# Transferring ---------------------------------------------------------------------------


@dataclass
class NewAttendee:
    name: str
    email: str
    organisation: str = ""


def transfer_ticket(ticket: Ticket, to: NewAttendee, now: datetime | None = None) -> None:
    """The ticket goes to someone else: their name, email and organisation, and a new
    secret; the old one answers "cancelled" at every door from this commit on. The
    former attendee's needs (diet, access) are theirs and are cleared. The new attendee
    gets the ticket by mail, the buyer (and the former attendee) are told.
    SelfServiceError with nothing changed when the policy or deadline does not allow it."""
    now = now or utcnow()
    name, email = stripped(to.name), stripped(to.email).lower()
    organisation = stripped(to.organisation)
    if not name:
        raise SelfServiceError("required", "name")
    if not email or "@" not in email:
        raise SelfServiceError("invalid_email", "email")
    order = ticket.order
    with unit_of_work(locks.sales(order.event_id)) as unit:
        unit.reread(order)
        db.session.refresh(ticket)
        given = terms(ticket, now)
        if not given.may_transfer:
            raise given.transfer_refused
        if (name, email) == (ticket.attendee_name, ticket.attendee_email.lower()):
            raise SelfServiceError("same_person", "email")
        before = (ticket.attendee_name, ticket.attendee_email)
        db.session.add(
            RevokedSecret(ticket=ticket, secret_hash=secret_hash(ticket.secret), revoked_at=now)
        )
        ticket.secret = new_token()
        ticket.attendee_name, ticket.attendee_email = name, email
        ticket.attendee_organisation = organisation
        ticket.dietary_needs = ticket.accessibility_needs = ""
        history.record(
            order,
            "ticket_transferred",
            ticket=ticket.ticket_type.name,
            ticket_type=ticket.ticket_type_id,
            before=before[0],
            before_email=before[1],
            after=name,
            after_email=email,
        )
        _mail_transferred(ticket, before)


def revoked_secret(event_id: int, raw_secret: str) -> Ticket | None:
    """The ticket this event's former secret belonged to (transferred since), or None."""
    return db.session.scalar(
        select(Ticket)
        .join(RevokedSecret, RevokedSecret.ticket_id == Ticket.id)
        .join(Order, Order.id == Ticket.order_id)
        .where(RevokedSecret.secret_hash == secret_hash(raw_secret), Order.event_id == event_id)
    )


# Settings -------------------------------------------------------------------------------

MAX_FEE = 10_000_000  # öre: 100 000 kr


def set_policy(
    event: Event,
    policy: CancelPolicy,
    cancel_deadline: datetime | None,
    fee: int,
    transfer_deadline: datetime | None,
) -> None:
    """The organizer's policy. A refunding policy needs its deadline, a fee policy its fee;
    deadlines lie before the event ends. Refused with nothing changed otherwise."""
    fee = fee or 0
    if not 0 <= fee <= MAX_FEE:
        raise SelfServiceError("fee_range", "cancel_fee")
    if policy.refunds and cancel_deadline is None:
        raise SelfServiceError("deadline_required", "cancel_deadline")
    if policy is CancelPolicy.REFUND_MINUS_FEE and fee <= 0:
        raise SelfServiceError("fee_required", "cancel_fee")
    if cancel_deadline is not None and cancel_deadline > event.ends_at:
        raise SelfServiceError("cancel_after_event", "cancel_deadline")
    if transfer_deadline is not None and transfer_deadline > event.ends_at:
        raise SelfServiceError("transfer_after_event", "transfer_deadline")
    with unit_of_work(locks.sales(event.id)):
        event.cancel_policy = policy
        event.cancel_deadline = cancel_deadline
        event.cancel_fee = fee if policy is CancelPolicy.REFUND_MINUS_FEE else 0
        event.transfer_deadline = transfer_deadline if policy.transfers else None


# Mail -----------------------------------------------------------------------------------


def _mail_cancelled(ticket: Ticket, given: Terms) -> None:
    from .order_mail import _notice

    order = ticket.order
    currency = order.event.currency

    def lines():
        said = [
            _(
                "The ticket for %(name)s (%(ticket)s) to %(event)s is cancelled and can no "
                "longer be used.",
                name=ticket.attendee_name or "–",
                ticket=ticket.ticket_type.name,
                event=order.event.name,
            )
        ]
        amount = money(given.refund, currency)
        if given.how == "refund":
            said.append(
                _(
                    "We refund %(amount)s to the card or account you paid with. It may take a "
                    "few days to show.",
                    amount=amount,
                )
            )
        elif given.how == "credit":
            said.append(
                _("The invoice is reduced by %(amount)s; a credit note follows.", amount=amount)
            )
        if given.fee:
            said.append(_("The cancellation fee is %(fee)s.", fee=money(given.fee, currency)))
        return said

    subject = lambda: _("Ticket cancelled: %(event)s", event=order.event.name)  # noqa: E731
    to = {order.buyer_email.lower()}
    _notice(order.buyer_email, order.locale, subject, lines, order)
    if ticket.attendee_email and ticket.attendee_email.lower() not in to:
        _attendee_notice(ticket.attendee_email, order, subject, lines)


def _pay_back_by_transfer(order: Order, amount: int) -> None:
    """A paid invoice's money goes back by the organizers' bank transfer: tell them."""
    from .order_mail import _to_organizers

    _to_organizers(
        order,
        lambda: _("Pay back %(amount)s: order %(ref)s", amount=money(amount), ref=order.reference),
        lambda: [
            _(
                "An attendee cancelled a ticket of order %(ref)s, paid by invoice. Please pay "
                "%(amount)s back to the buyer by bank transfer; summit has recorded the refund.",
                ref=order.reference,
                amount=money(amount, order.event.currency),
            )
        ],
    )


def _attendee_notice(to: str, order: Order, subject, lines) -> None:
    """A notice to an attendee who did not buy: to their tickets, not the buyer's order
    page."""
    from ...urls import external_url
    from ..mail import queue_mail

    queue_mail(
        to,
        "notice",
        subject=subject,
        locale=order.locale,
        lines=lines,
        order=order,
        link=external_url("site.my_tickets"),
        link_label=lambda: _("My tickets"),
    )


def _mail_transferred(ticket: Ticket, before: tuple[str, str]) -> None:
    from ...urls import external_url
    from ..mail import Attachment, queue_mail
    from .order_mail import _notice

    order = ticket.order
    number = order.tickets.index(ticket) + 1
    queue_mail(
        ticket.attendee_email,
        "ticket_transferred",
        subject=lambda: _("Your ticket to %(event)s", event=order.event.name),
        locale=order.locale,
        attachments=[
            Attachment.pdf(f"biljett-{order.reference}-{number}.pdf", f"ticket:{ticket.id}")
        ],
        ticket=ticket,
        order=order,
        event=order.event,
        my_tickets=external_url("site.my_tickets"),
    )

    def lines():
        return [
            _(
                "The ticket to %(event)s made out to %(before)s now belongs to %(after)s "
                "(%(email)s), who has it by email. The former ticket's QR code no longer "
                "works.",
                event=order.event.name,
                before=before[0] or "–",
                after=ticket.attendee_name,
                email=ticket.attendee_email,
            )
        ]

    subject = lambda: _("Ticket transferred: %(event)s", event=order.event.name)  # noqa: E731
    _notice(order.buyer_email, order.locale, subject, lines, order)
    former = (before[1] or "").lower()
    if former and former not in (order.buyer_email.lower(), ticket.attendee_email):
        _attendee_notice(former, order, subject, lines)
