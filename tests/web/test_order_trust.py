"""Issue 12, "day-one trust", in the shop and on the order pages: a failed payment says
so, an ended reservation keeps what was typed, a discount shows wherever the total
does, errors are in the visitor's language, free orders are "confirmed", and seats
held only by reservations are not called sold out."""

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    DiscountCode,
    DiscountKind,
    Order,
    OrderStatus,
    Role,
    Ticket,
    utcnow,
)
from summit.services.outbox import deliver_pending
from tests import fakestripe
from tests.conftest import STOCKHOLM, csrf_token, sign_in
from tests.pdf import text as pdf_text
from tests.smtp import running_smtp

BUYER = {
    "buyer_name": "Sara Lind",
    "buyer_email": "sara@example.org",
    "buyer_organisation": "Malmö stad",
}
EN = {"Accept-Language": "en"}


def visible(response) -> str:
    """The page's text as a reader gets it: tags out, entities decoded, one space."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event, make_ticket_type):
    event = make_event(slug="summit2027")
    regular = make_ticket_type(event, "Ordinarie", price=150000, capacity=100, name_en="Regular")
    student = make_ticket_type(event, "Dagbiljett", price=50000, capacity=2, name_en="Day ticket")
    return event, regular, student


def reserve(client, event, quantities, code="", headers=None):
    data = {f"qty-{t.id}": str(q) for t, q in quantities.items()}
    data["code"] = code
    data["csrf_token"] = csrf_token(client, f"/events/{event.slug}/tickets/")
    return client.post(f"/events/{event.slug}/tickets/", data=data, headers=headers or {})


def details(*names, method="dev", **extra):
    data = dict(BUYER, method=method, **extra)
    for i, name in enumerate(names):
        data[f"attendees-{i}-name"] = name
        data[f"attendees-{i}-organisation"] = "Malmö stad"
    return data


def submit(client, checkout, data, headers=None):
    data = dict(data, csrf_token=csrf_token(client, checkout))
    return client.post(checkout, data=data, headers=headers or {})


def only_order(db) -> Order:
    return db.session.scalars(select(Order)).one()


# 6. A failed payment says so and offers to try again ------------------------------------


def test_a_failed_test_payment_says_so_and_offers_to_try_again(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    pay = submit(client, checkout, details("Sara Lind")).headers["Location"]
    pay = pay.removeprefix("http://summit.test")

    response = client.post(pay, data={"csrf_token": csrf_token(client, pay), "fail": "1"})
    page = client.get(response.headers["Location"])

    text = visible(page)
    assert "Betalningen gick inte igenom" in text
    order = only_order(db)
    assert order.status is OrderStatus.RESERVED
    # Trying again is the checkout form, filled in with what was typed.
    assert 'value="Sara Lind"' in page.get_data(as_text=True)
    assert re.search(r"<button[^>]*>\s*Gå vidare till betalning", page.get_data(as_text=True))
    again = submit(client, checkout, details("Sara Lind"))
    pay = again.headers["Location"].removeprefix("http://summit.test")
    client.post(pay, data={"csrf_token": csrf_token(client, pay), "pay": "1"})
    db.session.expire_all()
    assert only_order(db).status is OrderStatus.PAID


def test_a_failed_test_payment_in_english(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}, headers=EN).headers["Location"]
    pay = submit(client, checkout, details("Sara Lind"), EN).headers["Location"]
    pay = pay.removeprefix("http://summit.test")
    response = client.post(
        pay, data={"csrf_token": csrf_token(client, pay), "fail": "1"}, headers=EN
    )
    text = visible(client.get(response.headers["Location"], headers=EN))
    assert "The payment did not go through" in text


@pytest.fixture
def fake(app):
    with fakestripe.running(app) as running:
        yield running


def test_coming_back_from_stripe_without_paying_says_it_did_not_go_through(
    client, db, fake, summit
):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    assert submit(client, checkout, details("Sara Lind", method="stripe")).status_code == 302
    session = fake.session()

    # The buyer presses "back" on Stripe's page: Stripe sends them to the cancel_url.
    back = client.get(session["cancel_url"].removeprefix("http://summit.test"))
    while back.status_code == 302:
        back = client.get(back.headers["Location"].removeprefix("http://summit.test"))

    assert "Betalningen gick inte igenom" in visible(back)
    assert 'value="Sara Lind"' in back.get_data(as_text=True)
    db.session.expire_all()
    assert only_order(db).status is OrderStatus.RESERVED


@pytest.mark.parametrize("what", ["checkout.session.expired", "async_payment_failed"])
def test_stripe_telling_the_payment_failed_shows_on_the_order_page(client, db, fake, summit, what):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    submit(client, checkout, details("Sara Lind", method="stripe"))
    if what == "async_payment_failed":
        fake.pay(settles_later=True)
        fake.deliver(client, fake.event("checkout.session.completed", fake.session()))
        assert only_order(db).status is OrderStatus.PENDING
        session = fake.settle(succeeded=False)
        fake.deliver(client, fake.event("checkout.session.async_payment_failed", session))
    else:
        fake.deliver(client, fake.event(what, fake.expire()))

    order = only_order(db)
    page = client.get(f"/events/summit2027/orders/{order.token}/")
    text = visible(page)
    assert "Betalningen gick inte igenom" in text
    assert f'href="/events/summit2027/orders/{order.token}/checkout"' in page.get_data(as_text=True)
    assert "Försök igen" in text


# 7. An ended reservation says so and keeps what was typed ------------------------------


def expire(db, order):
    order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_submitting_after_the_reservation_ended_keeps_the_details(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 2}).headers["Location"]
    token = csrf_token(client, checkout)
    expire(db, only_order(db))

    response = client.post(
        checkout, data=dict(details("Sara Lind", "Ali Hassan"), csrf_token=token)
    )

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    text = visible(response)
    assert "Din reservation har gått ut" in text
    assert "mejlat" not in text
    for typed in ("Sara Lind", "sara@example.org", "Ali Hassan", "Malmö stad"):
        assert f'value="{typed}"' in body, typed
    # The seats are still free: one click reserves them again, with the details.
    match = re.search(r'formaction="([^"]+/renew)"', body)
    assert match, "no one-click restart"
    renewed = client.post(
        match.group(1),
        data=dict(details("Sara Lind", "Ali Hassan"), csrf_token=token),
    )
    assert renewed.status_code == 302
    new_checkout = renewed.headers["Location"]
    assert new_checkout.startswith("/events/summit2027/orders/")
    assert new_checkout.split("?")[0] != checkout and "/checkout" in new_checkout
    page = client.get(new_checkout)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    for typed in ("Sara Lind", "sara@example.org", "Ali Hassan"):
        assert f'value="{typed}"' in body, typed
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert [o.status is OrderStatus.RESERVED and o.holds_seats(utcnow()) for o in orders] == [
        False,
        True,
    ]
    assert len(orders[1].tickets) == 2


def test_opening_an_ended_reservation_says_so_and_when_seats_are_gone_offers_the_shop(
    client, db, summit
):
    event, _regular, day = summit
    checkout = reserve(client, event, {day: 2}).headers["Location"]
    order = only_order(db)
    expire(db, order)
    assert reserve(client, event, {day: 2}).status_code == 302  # someone else took them

    response = client.get(checkout)

    text = visible(response)
    assert "Din reservation har gått ut" in text
    assert "mejlat" not in text
    body = response.get_data(as_text=True)
    assert "/renew" not in body
    assert 'href="/events/summit2027/tickets/"' in body
    order_page = visible(client.get(f"/events/summit2027/orders/{order.token}/"))
    assert "mejlat" not in order_page


def test_an_unpaid_order_page_does_not_claim_an_email_was_sent(client, db, summit):
    event, regular, _ = summit
    reserve(client, event, {regular: 1})
    order = only_order(db)
    text = visible(client.get(f"/events/summit2027/orders/{order.token}/"))
    assert "mejlat" not in text


# 8. Discount codes ---------------------------------------------------------------------


def discount(db, event, code, types=(), percent=20):
    made = DiscountCode(event_id=event.id, code=code, kind=DiscountKind.PERCENT, value=percent)
    made.ticket_types = list(types)
    db.session.add(made)
    db.session.commit()
    return made


def test_a_code_for_other_tickets_says_what_it_is_for(client, db, summit):
    event, regular, day = summit
    discount(db, event, "DAG20", [day])

    response = reserve(client, event, {regular: 1}, code="dag20")

    assert response.status_code == 422
    text = visible(response)
    assert "Koden gäller inte de biljetter du valt; den gäller: Dagbiljett" in text
    assert count(db, Order) == 0
    response = reserve(client, event, {regular: 1}, code="dag20", headers=EN)
    assert "The code does not apply to the tickets you chose; it applies to: Day ticket" in (
        visible(response)
    )


def test_an_applied_discount_shows_on_every_page_mail_and_document(
    app, client, db, summit, make_user, grant
):
    event, regular, day = summit
    discount(db, event, "DAG20", [day])
    checkout = reserve(client, event, {day: 1, regular: 1}, code="DAG20").headers["Location"]

    text = visible(client.get(checkout))
    assert "Koden gäller Dagbiljett" in text
    assert re.search(r"Rabatt \(DAG20\) −100 kr", text), text
    assert "Totalt 1 900 kr" in text
    order = only_order(db)
    assert sorted((t.price, t.discount_amount) for t in order.tickets) == [
        (40000, 10000),
        (150000, 0),
    ]

    pay = submit(client, checkout, details("Sara Lind", "Ali Hassan")).headers["Location"]
    pay = pay.removeprefix("http://summit.test")
    client.post(pay, data={"csrf_token": csrf_token(client, pay), "pay": "1"})
    text = visible(client.get(f"/events/summit2027/orders/{order.token}/"))
    assert re.search(r"Rabatt \(DAG20\) −100 kr", text)

    with running_smtp(app) as smtp:
        deliver_pending()
    (mail,) = [m for m in smtp.messages if m["To"] == "sara@example.org"]
    plain = mail.get_body(("plain",)).get_content().replace("\xa0", " ")
    rich = mail.get_body(("html",)).get_content()
    rich = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", rich))).replace("\xa0", " ")
    for body in (plain, rich):
        assert re.search(r"Rabatt \(DAG20\):? −100 kr", body), body
        assert "1 900 kr" in body
    # The receipt is a link in the mail, to the PDF.
    assert not [p for p in mail.iter_attachments() if p.get_filename().startswith("kvitto")]
    receipt_link = re.search(r"http://summit\.test(/\S+/receipt\.pdf)", plain)[1]
    assert receipt_link in html.unescape(mail.get_body(("html",)).get_content())
    receipt = client.get(receipt_link)
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    receipt_text = pdf_text(receipt.data)
    assert "Rabatt (DAG20) 25 % −80 kr −100 kr" in receipt_text
    assert "Totalt 1 900 kr" in receipt_text

    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    text = visible(client.get(f"/manage/events/summit2027/orders/{order.reference}"))
    assert re.search(r"Rabatt \(DAG20\) −100 kr", text)


def test_an_invoice_shows_the_discount(client, db, summit):
    event, regular, _ = summit
    discount(db, event, "ALLA10", percent=10)
    checkout = reserve(client, event, {regular: 1}, code="ALLA10").headers["Location"]
    assert "Koden gäller alla biljetter" in visible(client.get(checkout))
    data = details("Sara Lind", method="invoice", org_number="212000-1124", invoice_address="Box 1")
    assert submit(client, checkout, data).status_code == 302
    order = only_order(db)
    invoice = client.get(f"/events/summit2027/orders/{order.token}/invoice.pdf")
    text = pdf_text(invoice.data)
    assert (
        "Ordinarie Sara Lind 1 25 % 1 200 kr 1 500 kr Rabatt (ALLA10) 1 25 % −120 kr −150 kr"
        in text
    )
    assert "Moms 25 % 1 080 kr 270 kr 1 350 kr" in text and "Att betala 1 350 kr" in text


# 9. Errors in the visitor's language, with the field's label ---------------------------


def paid_order(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    data = details("Sara Lind", method="invoice", org_number="212000-1124", invoice_address="B")
    submit(client, checkout, data)
    return only_order(db)


def test_change_attendee_errors_name_the_field_in_swedish(client, db, summit):
    order = paid_order(client, db, summit)
    path = f"/events/summit2027/orders/{order.token}/attendees/1"
    response = client.post(
        path,
        data={
            "attendee-name": "x" * 1000,
            "attendee-organisation": "y" * 201,
            "attendee-email": "nope",
            "csrf_token": csrf_token(client, path),
        },
    )
    assert response.status_code == 422
    summary = re.search(
        r'class="error-summary".*?</div>', response.get_data(as_text=True), re.S
    ).group(0)
    summary = visible(type("R", (), {"get_data": lambda self, as_text: summary})())
    assert "dietary_needs" not in summary and "Attendee" not in summary
    assert "Namn: Högst 200 tecken." in summary
    assert "Organisation: Högst 200 tecken." in summary
    assert "E-post:" in summary
    assert "longer than" not in visible(response)
    db.session.refresh(order.tickets[0])
    assert order.tickets[0].attendee_name == "Sara Lind"


def test_checkout_errors_are_in_english_for_english_visitors(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}, headers=EN).headers["Location"]
    data = details("x" * 1000, method="bitcoin")
    data["buyer_name"] = "y" * 300
    response = submit(client, checkout, data, EN)
    assert response.status_code == 422
    text = visible(response)
    assert "Your name: At most 200 characters." in text
    assert "Ticket 1 – Name: At most 200 characters." in text
    assert "Payment: Choose one of the payment options shown." in text
    assert "Not a valid choice" not in text
    assert only_order(db).buyer_name == ""


def test_checkout_errors_are_in_swedish(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    data = details("x" * 1000, method="bitcoin")
    response = submit(client, checkout, data)
    text = visible(response)
    assert "Högst 200 tecken." in text
    assert "cannot be longer" not in text and "Not a valid choice" not in text


# 10. Free orders are confirmed; seats held by reservations may free up ------------------


def test_a_free_registration_is_confirmed_not_paid(
    client, db, make_event, make_ticket_type, make_user, grant
):
    event = make_event(slug="seminarium", days=1)
    free = make_ticket_type(event, "Deltagare", price=0, vat_percent=0)
    checkout = reserve(client, event, {free: 1}).headers["Location"]
    submit(client, checkout, details("Sara Lind", method="free"))
    order = only_order(db)
    assert order.status is OrderStatus.PAID
    page = visible(client.get(f"/events/seminarium/orders/{order.token}/"))
    assert "Bekräftad" in page and "Betald" not in page
    page = visible(client.get(f"/events/seminarium/orders/{order.token}/", headers=EN))
    assert "Confirmed" in page and "Paid" not in page
    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    listing = visible(client.get("/manage/events/seminarium/orders/"))
    assert "Bekräftad" in listing
    detail = visible(client.get(f"/manage/events/seminarium/orders/{order.reference}"))
    assert "Bekräftad" in detail
    sheet = client.get("/manage/events/seminarium/attendees.csv").get_data(as_text=True)
    assert ";Bekräftad;" in sheet and "Betald" not in sheet


def test_seats_held_only_by_reservations_may_free_up(app, client, db, summit, clock):
    # Noon in Stockholm, a month before: the reservations end later the same day, which
    # the page says with the time alone (near midnight it names the day too).
    clock.set(datetime(2027, 4, 18, 12, 0, tzinfo=STOCKHOLM))
    event, _regular, day = summit
    assert reserve(client, event, {day: 1}).status_code == 302
    assert reserve(app.test_client(), event, {day: 1}).status_code == 302  # another buyer
    first, second = db.session.scalars(select(Order).order_by(Order.id)).all()
    first.expires_at = utcnow() + timedelta(minutes=7)
    second.expires_at = utcnow() + timedelta(minutes=21)
    db.session.commit()
    local = first.expires_at.astimezone(event.tz).strftime("%H:%M")

    text = visible(client.get("/events/summit2027/tickets/"))
    assert "Slutsåld" not in text
    assert f"Alla platser är reserverade just nu. Platser kan bli lediga igen kl. {local}." in text
    text = visible(client.get("/events/summit2027/tickets/", headers=EN))
    assert f"Seats may become free again at {local}." in text
    assert count(db, Ticket) == 2


def test_organizer_ticket_forms_refuse_garbage_in_swedish(client, db, summit, make_user, grant):
    event, regular, _ = summit
    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    path = "/manage/events/summit2027/tickets/new"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "name_sv": "x" * 1000,
            "price": "100",
            "vat_percent": "7",
            "badge_role": "kung",
            "max_per_order": "10",
        },
    )
    assert response.status_code == 422
    text = visible(response)
    assert "Namn (svenska): Högst 120 tecken." in text
    assert "Momssats: Välj ett av alternativen." in text
    assert "Not a valid choice" not in text and "longer than" not in text

    path = "/manage/events/summit2027/discounts/new"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "code": "SOMMAR",
            "kind": "gratis",
            "percent": "10",
            "ticket_types": ["999999", "abc"],
        },
    )
    assert response.status_code == 422
    text = visible(response)
    assert "Välj ett av alternativen." in text
    assert "valid choice" not in text and "coerce" not in text
    assert count(db, DiscountCode) == 0


def test_a_code_in_the_shop_link_says_what_it_applies_to(client, db, summit):
    event, _regular, day = summit
    discount(db, event, "DAG20", [day])
    text = visible(client.get("/events/summit2027/tickets/?code=dag20"))
    assert "Koden DAG20 gäller Dagbiljett." in text
    text = visible(client.get("/events/summit2027/tickets/?code=nonsense", headers=EN))
    assert "We do not recognise that code" in text
    text = visible(client.get("/events/summit2027/tickets/?code=" + "x" * 1000))
    assert "Vi känner inte igen koden" in text


def test_reserving_again_twice_makes_one_new_reservation(client, db, summit):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 1}).headers["Location"]
    token = csrf_token(client, checkout)
    expire(db, only_order(db))
    renew = checkout.replace("/checkout", "/renew")
    data = dict(details("Sara Lind"), csrf_token=token)
    first = client.post(renew, data=data)
    second = client.post(renew, data=data)  # a double click, or the back button
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    assert count(db, Order) == 2
    # The old link leads to the new reservation too.
    assert (
        client.get(checkout).headers["Location"].split("?")[0]
        == (first.headers["Location"].split("?")[0])
    )
    old = db.session.scalars(select(Order).order_by(Order.id)).first()
    page = client.get(f"/events/summit2027/orders/{old.token}/").get_data(as_text=True)
    assert first.headers["Location"].split("?")[0] in page


def test_a_garbage_code_is_called_unknown_not_an_expired_form(client, db, summit):
    event, regular, _ = summit
    response = reserve(client, event, {regular: 1}, code="x" * 1000)
    assert response.status_code == 422
    text = visible(response)
    assert "Vi känner inte igen koden" in text and "gått ut" not in text
    assert count(db, Order) == 0


def test_choosing_seats_held_by_reservations_says_when_they_may_free_up(
    app, client, db, summit, clock
):
    clock.set(datetime(2027, 4, 18, 12, 0, tzinfo=STOCKHOLM))  # they end the same day
    event, _regular, day = summit
    assert reserve(app.test_client(), event, {day: 2}).status_code == 302  # another buyer
    held = only_order(db)
    local = held.expires_at.astimezone(event.tz).strftime("%H:%M")
    response = reserve(client, event, {day: 1})
    assert response.status_code == 422
    text = visible(response)
    assert "slutsåld" not in text.lower()
    assert f"Platser kan bli lediga igen kl. {local}." in text
