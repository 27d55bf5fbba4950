"""Data holders of the ticket shop (registry.py): orders and tickets, registration
answers, waiting lists, check-ins, badges. Orders are bookkeeping records: what a
verification must show stays seven years (minimise_order), the rest goes."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import (
    Answer,
    AnswerKind,
    BadgeJob,
    BadgePrint,
    Checkin,
    Invoice,
    Order,
    OrderEvent,
    Payment,
    PaymentStatus,
    Ticket,
    User,
    WaitingListEntry,
)
from .. import billing


def when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _account_id(email: str) -> int | None:
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email))


def orders_bought(email: str) -> list[Order]:
    """The orders the person bought: their address as the buyer's, or their account."""
    user_id = _account_id(email)
    match = func.lower(Order.buyer_email) == email
    if user_id is not None:
        match = or_(match, Order.user_id == user_id)
    return list(db.session.scalars(select(Order).where(match).order_by(Order.id)))


def tickets_held(email: str) -> list[Ticket]:
    """The tickets made out to the person's address."""
    return list(
        db.session.scalars(
            select(Ticket).where(func.lower(Ticket.attendee_email) == email).order_by(Ticket.id)
        )
    )


def is_bookkeeping(order: Order) -> bool:
    """Money moved (or was invoiced): the order is a verification under the Swedish
    Bookkeeping Act, kept seven years."""
    paid = db.session.scalar(
        select(func.count())
        .select_from(Payment)
        .where(
            Payment.order_id == order.id,
            Payment.amount > 0,
            Payment.status == PaymentStatus.SUCCEEDED,
        )
    )
    invoiced = db.session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.order_id == order.id)
    )
    return bool(paid or invoiced)


def anonymise_ticket(ticket: Ticket) -> None:
    ticket.attendee_name = ticket.attendee_email = ticket.attendee_organisation = ""
    ticket.dietary_needs = ticket.accessibility_needs = ""


def minimise_order(order: Order, *, keep_bookkeeping: bool) -> bool:
    """Everything personal in the order goes: every attendee, every answer, the buyer's
    motivation and account link; and, unless the order is a bookkeeping record kept for
    its seven years (`keep_bookkeeping`), the buyer too. True when the buyer's name,
    organisation, email, org. no. and invoice address stay (on the receipt/invoice)."""
    for ticket in order.tickets:
        anonymise_ticket(ticket)
    for answer in db.session.scalars(select(Answer).where(Answer.order_id == order.id)):
        db.session.delete(answer)
    order.motivation = ""
    order.user_id = None
    order.holder_key = None
    kept = keep_bookkeeping and is_bookkeeping(order)
    if not kept:
        order.buyer_name = order.buyer_email = order.buyer_organisation = ""
        order.org_number = order.invoice_address = order.invoice_reference = ""
    billing.forget_people(order, keep_buyer=kept)
    _scrub_history(order, None)
    return kept


def _scrub_history(order: Order, words: set[str] | None) -> None:
    """The order's history keeps what happened, not to whom: names and addresses in its
    details (a ticket transferred, an attendee changed) are blanked (`words`: only
    these, in any case; None: every name and address)."""
    personal = ("before", "after", "before_email", "after_email", "name")
    for entry in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)):
        details = dict(entry.details or {})
        for key, value in details.items():
            if not isinstance(value, str) or not value:
                continue
            everyone = words is None and key in personal and entry.action != "status"
            if everyone or (words is not None and value.strip().lower() in words):
                details[key] = "–"
        if details != entry.details:
            entry.details = details


class Orders:
    """Orders bought and tickets held."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        records = [
            {
                _("Record"): _("Order"),
                _("Event"): order.event.name,
                _("Order number"): order.reference,
                _("Status"): str(order.status.label),
                _("Ordered"): when(order.created_at),
                _("Name"): order.buyer_name,
                _("Email"): order.buyer_email,
                _("Organisation"): order.buyer_organisation,
                _("Org. no."): order.org_number,
                _("Invoice address"): order.invoice_address,
                _("Your reference"): order.invoice_reference,
                _("Motivation"): order.motivation,
            }
            for order in orders_bought(email)
        ]
        records += [
            {
                _("Record"): _("Ticket"),
                _("Event"): ticket.order.event.name,
                _("Order number"): ticket.order.reference,
                _("Ticket type"): ticket.ticket_type.name,
                _("Status"): str(ticket.status.label),
                _("Name"): ticket.attendee_name,
                _("Email"): ticket.attendee_email,
                _("Organisation"): ticket.attendee_organisation,
                _("Dietary needs"): ticket.dietary_needs,
                _("Accessibility needs"): ticket.accessibility_needs,
            }
            for ticket in tickets_held(email)
        ]
        return records

    @staticmethod
    def erase_person(email: str) -> str:
        kept = []
        for ticket in tickets_held(email):
            words = {email, ticket.attendee_name.strip().lower()} - {""}
            anonymise_ticket(ticket)
            _scrub_history(ticket.order, words)
        for order in orders_bought(email):
            names = {email, order.buyer_name.strip().lower()} - {""}
            for ticket in order.tickets:  # the buyer's own ticket, named but without address
                if ticket.attendee_name.strip().lower() in names:
                    anonymise_ticket(ticket)
            order.motivation = ""
            order.user_id = order.holder_key = None
            if is_bookkeeping(order):
                order.buyer_email = ""
                kept.append(order.reference)
            else:
                order.buyer_name = order.buyer_email = order.buyer_organisation = ""
                order.org_number = order.invoice_address = order.invoice_reference = ""
            _scrub_history(order, names)
        if not kept:
            return ""
        return _(
            "Orders %(refs)s: the buyer's name, organisation, org. no. and invoice address "
            "stay on the receipt or invoice for seven years, as the Swedish Bookkeeping Act "
            "(7 ch. 2 §) requires.",
            refs=", ".join(kept),
        )


def _answers_of(email: str) -> list[Answer]:
    ticket_ids = [t.id for t in tickets_held(email)]
    order_ids = [o.id for o in orders_bought(email)]
    return list(
        db.session.scalars(
            select(Answer)
            .where(
                or_(
                    Answer.ticket_id.in_(ticket_ids),
                    Answer.order_id.in_(order_ids) & Answer.ticket_id.is_(None),
                )
            )
            .order_by(Answer.id)
        )
    )


class Answers:
    """Registration answers, consents given on the registration form among them."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        records = []
        for answer in _answers_of(email):
            question = answer.question
            record = {
                _("Event"): question.event.name,
                _("Question"): question.label,
                _("Answer"): question.display(answer.value),
                _("Answered on"): when(answer.answered_at),
            }
            if question.kind is AnswerKind.CONSENT:
                record[_("Text agreed to")] = answer.consent_text
                record[_("Withdrawn")] = when(answer.withdrawn_at)
            records.append(record)
        return records

    @staticmethod
    def erase_person(email: str) -> str:
        for answer in _answers_of(email):
            db.session.delete(answer)
        return ""


class WaitingLists:
    @staticmethod
    def _entries(email: str) -> list[WaitingListEntry]:
        return list(
            db.session.scalars(
                select(WaitingListEntry)
                .where(func.lower(WaitingListEntry.email) == email)
                .order_by(WaitingListEntry.id)
            )
        )

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        return [
            {
                _("Event"): entry.event.name,
                _("Ticket type"): entry.ticket_type.name,
                _("Name"): entry.name,
                _("Email"): entry.email,
                _("Status"): str(entry.status.label),
                _("Joined"): when(entry.created_at),
            }
            for entry in WaitingLists._entries(email)
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        for entry in WaitingLists._entries(email):
            entry.name = entry.email = ""
        return ""


class Checkins:
    """Check-ins are of a ticket: once the ticket is anonymised they are a count."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        ids = [t.id for t in tickets_held(email)]
        found = db.session.scalars(
            select(Checkin).where(Checkin.ticket_id.in_(ids)).order_by(Checkin.id)
        )
        return [
            {
                _("Event"): checkin.ticket.order.event.name,
                _("List"): checkin.checkin_list.name,
                _("Checked in"): when(checkin.scanned_at),
                _("Undone"): when(checkin.undone_at),
            }
            for checkin in found
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        return ""


class Badges:
    """Badges printed for the person, and the print runs' PDFs (which show the name)."""

    @staticmethod
    def _prints(email: str) -> list[BadgePrint]:
        ids = [t.id for t in tickets_held(email)]
        for order in orders_bought(email):
            ids += [t.id for t in order.tickets if t.attendee_name == order.buyer_name]
        return list(
            db.session.scalars(
                select(BadgePrint).where(BadgePrint.ticket_id.in_(ids)).order_by(BadgePrint.id)
            )
        )

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        return [
            {
                _("Event"): badge.ticket.order.event.name,
                _("Printed"): when(badge.printed_at),
                _("Name on the badge"): badge.ticket.attendee_name,
                _("Organisation"): badge.ticket.attendee_organisation,
            }
            for badge in Badges._prints(email)
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        for badge in Badges._prints(email):
            if badge.job_id is not None:
                job = db.session.get(BadgeJob, badge.job_id)
                job.pdf = None
        return ""
