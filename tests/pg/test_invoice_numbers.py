"""Invoice and credit-note numbers on PostgreSQL (issue 18): buyers paying by invoice
and attendees cancelling invoiced tickets at the same moment, on two events, get one
series without a gap or a repeat; a purchase refused on the way takes no number."""

import itertools
from datetime import datetime

from sqlalchemy import select

from summit.extensions import db as _db
from summit.models import CancelPolicy, DocumentKind, Invoice, PaymentMethod, Ticket
from summit.services.events import get_event
from summit.services.payments import core as payments
from summit.services.tickets import self_service
from tests.conftest import STOCKHOLM
from tests.fakestripe import reserved_order, ticket_type
from tests.threads import in_threads

BEFORE = datetime(2027, 4, 1, 12, 0, tzinfo=STOCKHOLM)
GOOD = payments.InvoiceDetails("Malmö stad", "212000-1124", "Box 1, 205 80 Malmö", "Kst 4711")
BAD = payments.InvoiceDetails("Malmö stad", "212000-1234", "Box 1, 205 80 Malmö", "Kst 4711")


def test_numbers_have_no_gaps_and_no_repeats_under_concurrency(app, db, make_event):
    events = [
        make_event(
            slug=slug,
            cancel_policy=CancelPolicy.FULL_REFUND,
            cancel_deadline=datetime(2027, 5, 1, tzinfo=STOCKHOLM),
        )
        for slug in ("summit2027", "seminarium")
    ]
    types = [ticket_type(db, event, price=150000, capacity=100) for event in events]
    # Invoiced orders whose tickets are cancelled during the rush (credit notes).
    to_cancel = []
    for event, kind in zip(events, types, strict=True):
        for _ in range(4):
            order = reserved_order(event, {kind: 1})
            payments.start_payment(order, PaymentMethod.INVOICE, GOOD)
            to_cancel.append(order.tickets[0].id)
    before = len(to_cancel)
    plan = list(
        itertools.chain.from_iterable(
            [("cancel", ticket_id), ("buy", index % 2), ("refused", index % 2)]
            for index, ticket_id in enumerate(to_cancel)
        )
    )
    slugs = [event.slug for event in events]
    type_ids = [kind.id for kind in types]
    counter = itertools.count()

    def work() -> str:
        what, value = plan[next(counter)]
        if what == "cancel":
            self_service.cancel_ticket(_db.session.get(Ticket, value), BEFORE)
            return what
        order = reserved_order(
            get_event(slugs[value]), {_db.session.get(type(types[0]), type_ids[value]): 1}
        )
        try:
            payments.start_payment(order, PaymentMethod.INVOICE, GOOD if what == "buy" else BAD)
        except payments.InvoiceRefused:
            _db.session.rollback()
            return "refused"
        return what

    outcomes = in_threads(app, len(plan), work)

    assert sorted(outcomes) == sorted(what for what, _ in plan)
    db.session.expire_all()
    documents = db.session.scalars(select(Invoice).order_by(Invoice.number)).all()
    numbers = [d.number for d in documents]
    assert numbers == list(range(1, len(numbers) + 1))  # no gap, no repeat
    kinds = [d.kind for d in documents]
    assert kinds.count(DocumentKind.INVOICE) == before + len(to_cancel)
    assert kinds.count(DocumentKind.CREDIT_NOTE) == len(to_cancel)
    for credit in (d for d in documents if d.kind is DocumentKind.CREDIT_NOTE):
        assert credit.credits.order_id == credit.order_id and credit.amount == 150000
