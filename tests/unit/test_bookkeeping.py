"""The bookkeeping export (issue 18.6, acceptance 3): SIE 4 files read back by the tests'
own reader (tests/sie_reader.py), every voucher balanced, and the sums per account the
ones the receipts, invoices, credit notes, payments and refunds in the tables call for."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from summit.models import CancelPolicy, DiscountKind, Event, PaymentMethod, TicketType, utcnow
from summit.services import bookkeeping
from summit.services.bookkeeping import BookkeepingError, UnbalancedVoucher
from summit.services.bookkeeping.sie import text
from summit.services.bookkeeping.vouchers import Book, Voucher
from summit.services.payments import core as payments
from tests import bookkeeping_world as world
from tests.fakestripe import reserved_order, ticket_type
from tests.sie_reader import SieSyntaxError, read

SALE = re.compile(r"Försäljning order (\w+), kort")
REFUND = re.compile(r"Återbetalning order (\w+), kort")
TODAY = utcnow().date()
YEAR = (TODAY - timedelta(days=300), TODAY + timedelta(days=300))


def export(events, first=YEAR[0], last=YEAR[1]) -> bytes:
    return bookkeeping.export_sie(events, first, last, TODAY)


def by_account(ver, accounts) -> int:
    return sum(t.amount for t in ver.trans if t.account in accounts)


def check(parsed, expected: world.Expected, slug: str) -> None:
    """What every export must be, against what the tables call for."""
    assert parsed.first("FORMAT") == ["PC8"] and parsed.first("SIETYP") == ["4"]
    assert parsed.dimensions["6"] == "Projekt" and ("6", slug) in parsed.objects
    used = {t.account for ver in parsed.vouchers for t in ver.trans}
    assert used <= set(parsed.accounts), "every account used has its #KONTO"
    assert used <= set(parsed.account_types)
    for ver in parsed.vouchers:
        assert ver.trans and ver.balance == 0, (ver.series, ver.number, ver.trans)
        assert all(t.objects == [("6", slug)] for t in ver.trans)
    totals = parsed.totals()
    for account, amount in expected.money.items():
        assert totals.get(account, 0) == amount, account
    vat_accounts = set(world.VAT_ACCOUNTS.values())
    sales_accounts = {a for a in used if a.startswith("3") and a != "3740"}
    # Each invoice and credit note: its amount, VAT (per rate) and rounding, exactly.
    invoices = [v for v in parsed.vouchers if v.series == "F"]
    assert {int(v.number) for v in invoices} == set(expected.documents)
    for ver in invoices:
        document = expected.documents[int(ver.number)]
        sign = -1 if document.is_credit_note else 1
        assert by_account(ver, {"1510"}) == sign * document.amount
        assert by_account(ver, vat_accounts) == -sign * document.vat
        assert by_account(ver, sales_accounts) == -sign * document.net
        assert by_account(ver, {"3740"}) == -sign * document.rounding
        for rate, vat in world.vat_by_rate(document).items():
            if rate:
                assert by_account(ver, {world.VAT_ACCOUNTS[rate]}) == -sign * vat
    # Each card sale: the receipt's VAT per rate and its net.
    sales = {SALE.fullmatch(v.text)[1]: v for v in parsed.vouchers if SALE.fullmatch(v.text)}
    assert set(sales) == set(expected.receipts)
    for reference, rows in expected.receipts.items():
        ver = sales[reference]
        assert by_account(ver, {"1580"}) == sum(r.gross for r in rows)
        assert by_account(ver, sales_accounts) == -sum(r.net for r in rows)
        for row in rows:
            if row.percent:
                assert by_account(ver, {world.VAT_ACCOUNTS[row.percent]}) == -row.vat
    # Refunds never give back more of an account than the sale booked on it, and an
    # order given all back leaves nothing on any account.
    for reference in expected.receipts:
        booked: dict[str, int] = {}
        for ver in parsed.vouchers:
            match = SALE.fullmatch(ver.text) or REFUND.fullmatch(ver.text)
            if match and match[1] == reference:
                for t in ver.trans:
                    booked[t.account] = booked.get(t.account, 0) + t.amount
        for account in sales_accounts | vat_accounts:
            assert booked.get(account, 0) <= 0, (reference, account)
        if reference in expected.fully_refunded:
            assert not any(booked.values()), (reference, booked)


# Acceptance 3: the demo's sales ---------------------------------------------------------


def test_the_demo_summits_sales_balance_and_read_back(app, db, demo, tmp_path):
    out = tmp_path / "summit2027.se"
    first, last = TODAY - timedelta(days=400), TODAY + timedelta(days=300)
    result = app.test_cli_runner().invoke(
        args=["invoices", "sie", "summit2027", "--from", f"{first}", "--to", f"{last}"]
        + ["--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    parsed = read(data)
    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    check(parsed, world.expected(db, summit), "summit2027")
    assert f"vouchers {len(parsed.vouchers)}," in result.output
    kinds = {v.series for v in parsed.vouchers}
    assert kinds == {"F", "K", "B"}, "invoices, card sales and invoices paid"
    # The dinners (12 %) bought afterwards and the tickets (25 %).
    assert parsed.totals()["2621"] < 0 and parsed.totals()["2611"] < 0
    assert parsed.accounts["2611"] == "Utgående moms på försäljning inom Sverige, 25 %"
    # Swedish letters come through code page 437: å is byte 0x86 there.
    assert any("Umeå kommun" in v.text for v in parsed.vouchers)
    assert "Umeå".encode("cp437") in data and "Umeå".encode() not in data
    assert parsed.objects[("6", "summit2027")] == summit.name_sv


# A world checked by hand -----------------------------------------------------------------


@pytest.fixture
def summit(make_event, db):
    event = make_event(
        slug="summit2027", cancel_policy=CancelPolicy.REFUND_MINUS_FEE, cancel_fee=20000
    )
    return event


def test_a_card_sale_with_a_discount_add_ons_and_a_refund(db, summit):
    regular = ticket_type(db, summit, "Ordinarie", price=150000, vat_percent=25)
    evening = ticket_type(db, summit, "Kulturkväll", price=30000, vat_percent=6)
    dinner = world.addon(db, summit, "Middag", 45000, 12)
    world.discount(db, summit, DiscountKind.PERCENT, 10, types=[regular])
    order = world.buy(summit, {regular: 2, evening: 1}, {1: [dinner], 2: [dinner]}, "RABATT")
    # 2 × 1 350 kr (10 % off) + 300 kr (6 %) + 2 × 450 kr (12 %) = 3 900 kr.
    assert order.payments[0].amount == 390000
    world.refund_ticket(order, 1, keep=20000)  # the ticket and its dinner, less 200 kr

    parsed = read(export([summit]))
    check(parsed, world.expected(db, summit), "summit2027")
    sale, refund = parsed.vouchers
    assert (sale.series, refund.series) == ("K", "R")
    amounts = {t.account: t.amount for t in sale.trans}
    # VAT as on the receipt: each item's VAT, summed per rate.
    assert amounts == {
        "1580": 390000,
        "3041": -216000,  # 2 × (1 350 − 270)
        "2611": -54000,
        "3043": -28302,  # 300 kr at 6 %: 16,98 kr VAT
        "2631": -1698,
        "3042": -80358,  # 2 × (450 − 48,21)
        "2621": -9642,
    }
    back = {t.account: t.amount for t in refund.trans}
    # 1 600 kr back: the dinner whole (450 kr), the ticket less the 200 kr kept (1 150 kr).
    assert back == {"1580": -160000, "3041": 92000, "2611": 23000, "3042": 40179, "2621": 4821}


def test_an_invoice_its_credit_note_and_its_payment(db, summit):
    regular = ticket_type(db, summit, "Ordinarie", price=150000, vat_percent=25)
    dinner = world.addon(db, summit, "Middag", 45000, 12)
    world.discount(db, summit, DiscountKind.FIXED, 10001)  # 100,01 kr off: öresavrundning
    buyer = "Åsa Öberg-Lindqvist Konsult AB"
    order = world.buy(summit, {regular: 3}, {1: [dinner]}, "RABATT", invoice=buyer)
    world.cancel_ticket(order, 2)  # the attendee cancels: a credit note, 200 kr kept
    payments.mark_invoice_paid(order)

    data = export([summit])
    parsed = read(data)
    expected = world.expected(db, summit)
    check(parsed, expected, "summit2027")
    invoice, credit_note, paid = parsed.vouchers
    assert [v.series for v in parsed.vouchers] == ["F", "F", "B"]
    assert invoice.text == f"Faktura {invoice.number} {buyer}"
    assert credit_note.text.startswith(f"Kreditfaktura {credit_note.number} på faktura")
    assert buyer.encode("cp437") in data
    # What is still owed after the credit was paid: nothing left on receivables.
    assert parsed.totals()["1510"] == 0
    assert parsed.totals()["1930"] == by_account(paid, {"1930"}) > 0


def test_a_paid_invoice_refunded_and_a_free_order(db, summit):
    regular = ticket_type(db, summit, "Ordinarie", price=150000, vat_percent=25)
    speaker = ticket_type(db, summit, "Talare", price=0, vat_percent=0)
    order = world.buy(summit, {regular: 2}, invoice="Malmö stad")
    payments.mark_invoice_paid(order)
    world.refund_ticket(order, 1, keep=0)  # back by bank transfer, and a credit note
    world.buy(summit, {speaker: 1}, email="talare@example.org")  # free: no voucher

    parsed = read(export([summit]))
    check(parsed, world.expected(db, summit), "summit2027")
    # One day: the invoices first, then the bank, then the refund.
    assert [v.series for v in parsed.vouchers] == ["F", "F", "B", "R"]
    refund = parsed.vouchers[-1]
    assert {t.account: t.amount for t in refund.trans} == {"1510": 150000, "1930": -150000}
    assert parsed.totals()["1930"] == 150000


def test_money_paid_on_a_forgotten_checkout_is_owed_back_not_sold(db, summit):
    regular = ticket_type(db, summit, "Ordinarie", price=150000, vat_percent=25)
    order = reserved_order(summit, {regular: 1})
    payments.start_payment(order, PaymentMethod.DEV)  # a tab the buyer left open
    payments.start_payment(order, PaymentMethod.DEV)
    forgotten, paying = order.payments
    # Paid first on the forgotten tab (given back: the order waits for the newer one),
    # then on the newer one, which buys the ticket.
    payments.record_payment(forgotten, forgotten.amount, "SEK")
    payments.record_payment(paying, paying.amount, "SEK")
    db.session.expire_all()
    assert forgotten.refunds[0].reason == "superseded" and order.paid_at == paying.settled_at

    parsed = read(export([summit]))
    check(parsed, world.expected(db, summit), "summit2027")
    lines = {v.text: {t.account: t.amount for t in v.trans} for v in parsed.vouchers}
    assert lines[f"Betalning utan köp, order {order.reference}"] == {
        "1580": 150000,
        "2420": -150000,
    }
    assert lines[f"Återbetalning utan köp, order {order.reference}"] == {
        "1580": -150000,
        "2420": 150000,
    }
    assert parsed.totals()["2420"] == 0 and parsed.totals()["1580"] == 150000
    assert parsed.totals()["3041"] == -120000


def test_the_organizers_accounts_are_used_and_named(db, summit):
    regular = ticket_type(db, summit, "Ängström-dagen", price=150000, vat_percent=25)
    bookkeeping.save_accounts(
        summit,
        {"card_clearing": "1581", "vat_25": "2610", "sales_12": "3002"},
        {regular: "3045"},
    )
    world.buy(summit, {regular: 1})
    parsed = read(export([summit]))
    assert {t.account for t in parsed.vouchers[0].trans} == {"1581", "2610", "3045"}
    assert parsed.accounts["3045"] == "Försäljning Ängström-dagen"
    assert parsed.accounts["1581"] == "Fordringar för kontokort och kuponger"
    assert parsed.account_types == {"1581": "T", "2610": "S", "3045": "I"}


def test_only_the_period_is_exported_and_refunds_count_against_earlier_sales(db, summit, clock):
    regular = ticket_type(db, summit, "Ordinarie", price=150000, vat_percent=25)
    clock.set(utcnow() - timedelta(days=40))
    order = world.buy(summit, {regular: 2})
    clock.set(utcnow() + timedelta(days=40))
    world.refund_ticket(order, 1, keep=0)
    today = utcnow().astimezone(summit.tz).date()
    parsed = read(export([summit], today - timedelta(days=1), today))
    [refund] = parsed.vouchers
    assert refund.series == "R" and refund.date == today
    assert {t.account: t.amount for t in refund.trans} == {
        "1580": -150000,
        "3041": 120000,
        "2611": 30000,
    }
    assert (
        read(export([summit], today + timedelta(days=1), today + timedelta(days=9))).vouchers == []
    )


# Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "field"),
    [
        ({"bank": "193"}, "bank"),
        ({"bank": "19300"}, "bank"),
        ({"bank": "19a0"}, "bank"),
        ({"bank": "0930"}, "bank"),
        ({"bank": "3041"}, "bank"),  # not an asset
        ({"sales_25": "2611"}, "sales_25"),
        ({"vat_6": "१९३०"}, "vat_6"),  # digits of another script
    ],
)
def test_an_account_that_is_not_one_is_refused_and_nothing_changes(db, summit, roles, field):
    bookkeeping.save_accounts(summit, {"bank": "1932"}, {})
    with pytest.raises(BookkeepingError) as refused:
        bookkeeping.save_accounts(summit, roles, {})
    assert refused.value.field == field
    db.session.expire_all()
    assert summit.ledger_accounts == {"bank": "1932"}


def test_a_ticket_types_account_is_a_sales_account(db, summit):
    regular = ticket_type(db, summit, "Ordinarie", price=150000)
    with pytest.raises(BookkeepingError) as refused:
        bookkeeping.save_accounts(summit, {"bank": "1932"}, {regular: "1930"})
    assert refused.value.field == f"ticket_type_{regular.id}"
    db.session.expire_all()
    assert summit.ledger_accounts == {} and regular.sales_account is None


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        (date(2027, 2, 1), date(2027, 1, 31), "period_order"),
        (date(2025, 1, 1), date(2027, 1, 1), "period_long"),
        (date(2024, 2, 29), date(2026, 3, 1), "period_long"),
    ],
)
def test_a_period_backwards_or_too_long_is_refused(db, summit, first, last, reason):
    with pytest.raises(BookkeepingError) as refused:
        bookkeeping.book([summit], first, last)
    assert refused.value.reason == reason


def test_two_years_is_the_longest_period(db, summit):
    assert bookkeeping.book([summit], date(2025, 1, 1), date(2026, 12, 31)).vouchers == []
    assert bookkeeping.book([summit], date(2024, 2, 29), date(2026, 2, 28)).vouchers == []


def test_an_unbalanced_voucher_is_never_written(db, summit):
    lopsided = Voucher("K", 1, TODAY, "Fel", summit, [("1580", 100), ("3041", -99)])
    with pytest.raises(UnbalancedVoucher, match="off by 1"):
        bookkeeping.sie_file(Book([summit], TODAY, TODAY, [lopsided], {}), TODAY)
    empty = Voucher("K", 2, TODAY, "Tom", summit, [])
    with pytest.raises(UnbalancedVoucher):
        bookkeeping.sie_file(Book([summit], TODAY, TODAY, [empty], {}), TODAY)


def test_texts_are_quoted_and_survive_code_page_437(db, summit):
    words = 'Åsa Öberg-Lindqvist säger "hej"\\ på\nrad: Dvořák 5 €'
    assert text(words) == '"Åsa Öberg-Lindqvist säger \\"hej\\"/ på rad: Dvorák 5 ?"'
    voucher = Voucher("K", 1, TODAY, words, summit, [("1580", 100), ("3041", -100)])
    data = bookkeeping.sie_file(Book([summit], TODAY, TODAY, [voucher], {}), TODAY)
    assert read(data).vouchers[0].text == 'Åsa Öberg-Lindqvist säger "hej"/ på rad: Dvorák 5 ?'


def test_the_reader_refuses_what_is_not_sie():
    with pytest.raises(SieSyntaxError, match="line 3"):
        read(b'#FLAGGA 0\r\n#VER A 1 20270101 "x"\r\n#TRANS 1930 {} 1.00\r\n')
    with pytest.raises(SieSyntaxError, match="not an amount"):
        read(b'#VER A 1 20270101 "x"\r\n{\r\n#TRANS 1930 {} 1,00\r\n}\r\n')


# Any world -------------------------------------------------------------------------------

ACTIONS = st.one_of(
    st.tuples(st.just("cancel"), st.integers(1, 4)),
    st.tuples(st.just("refund"), st.integers(1, 4), st.sampled_from([0, 1, 5000, 99999])),
    st.tuples(st.just("refund_all")),
    st.tuples(st.just("provider"), st.sampled_from([0.1, 0.33, 0.5, 1.0])),
    st.tuples(st.just("pay")),
    st.tuples(st.just("cancel_order")),
)
ORDERS = st.fixed_dictionaries(
    {
        "tickets": st.lists(st.integers(0, 2), min_size=1, max_size=3),
        "extras": st.lists(st.integers(0, 3), max_size=3),
        "code": st.booleans(),
        "invoice": st.booleans(),
        "actions": st.lists(ACTIONS, max_size=4),
    }
)
PRICES = st.integers(100, 900_000)
RATES = st.sampled_from([25, 12, 6])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    types=st.lists(st.tuples(PRICES, RATES), min_size=1, max_size=3),
    extras=st.lists(st.tuples(PRICES, RATES), max_size=2),
    discount=st.one_of(
        st.none(),
        st.tuples(st.just(DiscountKind.PERCENT), st.integers(1, 60)),
        st.tuples(st.just(DiscountKind.FIXED), st.integers(1, 50_000)),
    ),
    fee=st.sampled_from([0, 1, 20_000]),
    orders=st.lists(ORDERS, min_size=1, max_size=4),
)
def test_any_sales_balance_and_agree_with_receipts_and_documents(
    db, make_event, types, extras, discount, fee, orders
):
    event = make_event(cancel_policy=CancelPolicy.REFUND_MINUS_FEE, cancel_fee=fee)
    kinds = [
        ticket_type(db, event, f"Typ {n}", price=price, vat_percent=rate, max_per_order=10)
        for n, (price, rate) in enumerate(types)
    ]
    addons = [world.addon(db, event, f"Tillval {n}", p, r) for n, (p, r) in enumerate(extras)]
    if discount:
        world.discount(db, event, *discount)
    for n, spec in enumerate(orders):
        quantities: dict[TicketType, int] = {}
        for index in spec["tickets"]:
            kind = kinds[index % len(kinds)]
            quantities[kind] = quantities.get(kind, 0) + 1
        count = sum(quantities.values())
        chosen = {
            number: [addons[i % len(addons)]]
            for number, i in enumerate(spec["extras"][:count], start=1)
            if addons
        }
        order = world.buy(
            event,
            quantities,
            chosen,
            "RABATT" if discount and spec["code"] else None,
            invoice="Region Skåne" if spec["invoice"] else None,
            email=f"k{n}@example.org",
        )
        for action in spec["actions"]:
            db.session.expire_all()
            world.act(order, action)
    db.session.expire_all()
    parsed = read(export([event]))
    check(parsed, world.expected(db, event), event.slug)
