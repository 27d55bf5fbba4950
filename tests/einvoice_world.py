"""What the e-invoice tests share: a summit whose attendees may cancel for a fee, ticket
types and an add-on at the three Swedish VAT rates with a discount code, and orders
bought on invoice by a region through the real checkout service."""

from datetime import datetime, timedelta

from summit.extensions import db
from summit.models import Addon, CancelPolicy, DiscountCode, DiscountKind, PaymentMethod
from summit.services.payments import core as payments
from summit.services.tickets import addons
from tests.conftest import STOCKHOLM
from tests.fakestripe import reserved_order, ticket_type

# The test summit starts 18 May 2027 (conftest make_event); cancelling ends on 1 May.
DEADLINE = datetime(2027, 5, 1, 23, 59, tzinfo=STOCKHOLM)
BEFORE = DEADLINE - timedelta(days=10)
ADDRESS = "Region Skåne\nFakturaskanning\nBox 123\n291 89 Kristianstad"


def summit(make_event, fee: int = 25000):
    return make_event(
        slug="summit2027",
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE,
        cancel_deadline=DEADLINE,
        cancel_fee=fee,
    )


def sale(event):
    """Tickets at 25 % and 6 %, a dinner at 12 %, and the code ALLA10 (10 % off)."""
    regular = ticket_type(db, event, "Ordinarie", price=150000, vat_percent=25)
    student = ticket_type(db, event, "Student", price=49900, vat_percent=6)
    dinner = Addon(event=event, name_sv="Middag", name_en="Dinner", price=67250, vat_percent=12)
    code = DiscountCode(event_id=event.id, code="ALLA10", kind=DiscountKind.PERCENT, value=10)
    db.session.add_all([dinner, code])
    db.session.commit()
    return regular, student, dinner


def bought_on_invoice(event, quantities, code=None, dinners=(), reference="Kst 4410"):
    """Reserved, the add-on chosen for the attendees numbered in `dinners` (numbers,
    add-on), and paid by invoice as checkout does."""
    order = reserved_order(event, quantities, code=code)
    if dinners:
        addons.choose_addons(order, {n: {dinners[1].id} for n in dinners[0]})
    payments.start_payment(
        order,
        PaymentMethod.INVOICE,
        payments.InvoiceDetails("Region Skåne", "232100-0255", ADDRESS, reference),
    )
    return order
