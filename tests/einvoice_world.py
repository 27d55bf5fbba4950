"""What the e-invoice tests share: a summit whose attendees may cancel for a fee, ticket
types and an add-on at the three Swedish VAT rates with a discount code, and orders
bought on invoice by a region through the real checkout service."""

from datetime import datetime, timedelta

from hypothesis import strategies as st

from summit.extensions import db
from summit.models import Addon, CancelPolicy, DiscountCode, DiscountKind, PaymentMethod
from summit.services.payments import core as payments
from summit.services.payments import refunds
from summit.services.tickets import addons, self_service
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


# Any order ---------------------------------------------------------------------------

RATES = st.sampled_from([25, 12, 6, 0])
PRICES = st.integers(min_value=100, max_value=500_000)  # öre, odd ones too


@st.composite
def any_order(draw):
    """Ticket types and add-ons at any rate and price, bought in any number, with or
    without a discount code (a percentage or an amount), then maybe one ticket
    cancelled with a fee, then maybe the rest cancelled."""
    types = draw(st.lists(st.tuples(PRICES, RATES), min_size=1, max_size=3))
    quantities = draw(st.lists(st.integers(1, 3), min_size=len(types), max_size=len(types)))
    extra = draw(st.lists(st.tuples(PRICES, RATES), max_size=2))
    cheapest = min(price for price, _rate in types + extra)
    discount = draw(
        st.one_of(
            st.none(),
            st.tuples(st.just(DiscountKind.PERCENT), st.integers(1, 99)),
            # Never all of it: a free order is not invoiced.
            st.tuples(st.just(DiscountKind.FIXED), st.integers(1, cheapest - 1)),
        )
    )
    fee = draw(st.integers(0, 600_000))
    then = draw(st.sampled_from(["nothing", "cancel_one", "cancel_one_then_all"]))
    return types, quantities, extra, discount, fee, then


def buy_any(make_event, bought):
    """An order as any_order() drew it, bought on invoice through the real services, and
    then maybe a ticket cancelled by its attendee (a fee kept) and the rest by an
    organizer: its invoice and credit notes."""
    types, quantities, extra, discount, fee, then = bought
    event = make_event(
        cancel_policy=CancelPolicy.REFUND_MINUS_FEE, cancel_deadline=DEADLINE, cancel_fee=fee
    )
    made = [
        ticket_type(db, event, f"Biljett {n}", price=price, vat_percent=rate)
        for n, (price, rate) in enumerate(types)
    ]
    extras = [
        Addon(
            event=event, name_sv=f"Tillval {n}", name_en=f"Extra {n}", price=price, vat_percent=rate
        )
        for n, (price, rate) in enumerate(extra)
    ]
    code = None
    if discount:
        code = "RABATT"
        db.session.add(
            DiscountCode(event_id=event.id, code=code, kind=discount[0], value=discount[1])
        )
    db.session.add_all(extras)
    db.session.commit()
    order = reserved_order(event, dict(zip(made, quantities, strict=True)), code=code)
    if extras:
        addons.choose_addons(order, {1: {a.id for a in extras}})
    payments.start_payment(
        order,
        PaymentMethod.INVOICE,
        payments.InvoiceDetails("Malmö stad", "212000-1124", "Box 100\n205 00 Malmö", "Kst 1"),
    )
    if then != "nothing":
        self_service.cancel_ticket(order.tickets[0], BEFORE)
    if then == "cancel_one_then_all" and refunds.can_cancel(order):
        refunds.cancel_order(order)
    return order
