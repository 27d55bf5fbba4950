"""An order's history: every change to it, who or what made it, when, and what changed.

record() adds one OrderEvent in the caller's unit of work, so the history is written in
the same commit as the change, or not at all. Who made it is found, not passed along:
  - inside acting(...) (the Stripe webhook, the worker, a command), that actor;
  - in a request to the organizer's pages (/manage/...), the signed-in organizer;
  - in any other request (the shop, the order's own pages), the buyer;
  - otherwise the system.
Status changes are recorded by order_states.transition() itself, so none is missed.
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import datetime

from flask import has_request_context, request
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...i18n import money
from ...logs import current_request_id
from ...models import (
    Actor,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    TicketType,
    User,
    utcnow,
)

_acting: ContextVar[tuple[Actor, int | None] | None] = ContextVar("acting", default=None)

# What each action says on the organizer's order page; its details fill the blanks.
ACTIONS = {
    "reserved": _l("Reserved %(tickets)s ticket(s)"),
    "details": _l("Buyer and attendee details saved"),
    "payment_started": _l("Chose to pay by %(method)s"),
    "status": _l("Status: %(before)s → %(after)s"),
    "attendee_changed": _l("Attendee changed (%(ticket)s): %(before)s → %(after)s"),
    "answers_changed": _l("Answers changed (%(ticket)s): %(questions)s"),
    "refund_requested": _l("Refund of %(amount)s asked for"),
    "refunded": _l("Refund of %(amount)s made"),
    "refund_failed": _l("Refund of %(amount)s failed"),
    "tickets_cancelled": _l("%(count)s ticket(s) cancelled"),
    "invoice_paid": _l("Payment of %(amount)s received on invoice %(number)s"),
    "credit_note": _l("Credit note %(number)s issued on invoice %(invoice)s: %(amount)s"),
    "waiting_list_offer": _l("Offered from the waiting list to %(name)s: %(tickets)s ticket(s)"),
    "waiting_list_offer_withdrawn": _l("Waiting-list offer given up or withdrawn"),
    "addons_chosen": _l("Add-ons chosen: %(names)s"),
    "addons_ordered": _l("Add-ons ordered afterwards (order %(reference)s): %(names)s"),
    "applied": _l("Applied for %(tickets)s ticket(s) of %(ticket)s"),
    "approved": _l("Application approved: seats held until %(until)s"),
    "declined": _l("Application declined. Message: %(message)s"),
    "ticket_cancelled_by_attendee": _l(
        "Ticket cancelled by the attendee (%(ticket)s, %(name)s): %(amount)s back, fee %(fee)s"
    ),
    "ticket_transferred": _l(
        "Ticket transferred (%(ticket)s): %(before)s, %(before_email)s → %(after)s, "
        "%(after_email)s; the old QR code no longer works"
    ),
}


@contextmanager
def acting(actor: Actor, user: User | None = None) -> Iterator[None]:
    """Changes made meanwhile are recorded as `actor`'s."""
    token = _acting.set((actor, user.id if user is not None else None))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> tuple[Actor, int | None]:
    given = _acting.get()
    if given is not None:
        return given
    if not has_request_context():
        return Actor.SYSTEM, None
    user_id = current_user.id if current_user.is_authenticated else None
    if request.path.startswith("/manage/"):
        return Actor.ORGANIZER, user_id
    return Actor.BUYER, user_id


def record(order: Order, action: str, **details) -> OrderEvent:
    """One change to `order`, added to the session: the caller's commit writes it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown order action {action!r}")
    actor, user_id = current_actor()
    made = OrderEvent(
        order=order,
        at=utcnow(),
        actor=actor,
        user_id=user_id,
        action=action,
        details={key: _plain(value) for key, value in details.items()},
        request_id=current_request_id(),
    )
    db.session.add(made)
    return made


def _plain(value):
    """A detail as JSON keeps it: enums by their value."""
    return getattr(value, "value", value)


def order_history(order: Order) -> list[OrderEvent]:
    """The order's changes, oldest first."""
    return list(
        db.session.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_id == order.id)
            .order_by(OrderEvent.at, OrderEvent.id)
        )
    )


def describe(entry: OrderEvent) -> str:
    """What the change was, in the reader's language."""
    return str(ACTIONS[entry.action]) % _described_details(entry.details)


def _described_details(details: dict) -> dict:
    shown = dict(details)
    for key in ("before", "after"):
        if shown.get(key) == "":
            shown[key] = "–"  # a name not filled in yet
        if key in shown and shown[key] in {s.value for s in OrderStatus}:
            shown[key] = str(OrderStatus(shown[key]).label)
    if "method" in shown and shown["method"] in {m.value for m in PaymentMethod}:
        shown["method"] = str(PaymentMethod(shown["method"]).label)
    for key in ("amount", "fee"):
        if key in shown and isinstance(shown[key], int):
            shown[key] = money(shown[key])
    if isinstance(shown.get("until"), str):  # an approval's hold, in the reader's zone
        with suppress(ValueError):
            shown["until"] = format_datetime(datetime.fromisoformat(shown["until"]), "short")
    if isinstance(shown.get("ticket_type"), int):
        # The ticket type's name in the reader's language (the recorded one if it is gone).
        kind = db.session.get(TicketType, shown["ticket_type"])
        if kind is not None:
            shown["ticket"] = kind.name
    return _Lenient(shown)


class _Lenient(dict):
    """A missing detail reads as a dash, not an error: old rows, new words."""

    def __missing__(self, key):
        return "–"
