"""E-invoice senders racing on PostgreSQL: three workers deliver at once through a fake
access point over HTTP; every document reaches it exactly once (one request each, not
two with the same idempotency key), and each worker claims its own."""

from collections import Counter

from sqlalchemy import select

from summit.models import DeliveryState, EinvoiceDelivery
from summit.services.billing import delivery
from tests import einvoice_world, fake_access_point
from tests.fakestripe import ticket_type
from tests.threads import in_threads


def test_workers_at_once_send_each_e_invoice_once(app, db, make_event):
    event = einvoice_world.summit(make_event)
    regular = ticket_type(db, event, "Ordinarie", price=150000, vat_percent=25)
    for _ in range(12):
        einvoice_world.bought_on_invoice(event, {regular: 1})

    with fake_access_point.running(app) as fake:
        reports = in_threads(app, 3, lambda: delivery.deliver_pending(limit=2))

    assert fake.requests == len(fake.messages) == 12
    assert set(Counter(m.key for m in fake.messages).values()) == {1}
    assert sum(r.sent for r in reports) == 12
    assert all(r.sent for r in reports), "a worker sent nothing: they did not run side by side"
    db.session.expire_all()
    states = db.session.scalars(select(EinvoiceDelivery.state)).all()
    assert states == [DeliveryState.SENT] * 12
