"""The bank payments page (site admins): a BgMax file read in shows what it did, a bad
file is refused with its line and changes nothing, the same file twice says so, and
what waits is settled by hand. The overdue invoices list and the reminder setting are
the organizers'."""

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from summit.models import BankFile, OrderStatus, Role
from summit.services.billing import invoice_of, reminders
from summit.services.payments import core as payments
from tests.bank_world import bank_file, invoiced_order, paying, state
from tests.bgmax_samples import payment
from tests.conftest import STOCKHOLM, csrf_token

PAGE = "/manage/bank/"


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def admin(make_user, login):
    user = make_user("kassor@example.org", "Kim Kassör", is_site_admin=True)
    login(user)
    return user


def upload(client, data: bytes, name="bgmax_20270402.txt", token=True):
    form = {"bank_file": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = csrf_token(client, PAGE)
    return client.post(PAGE, data=form, content_type="multipart/form-data")


def files(db) -> int:
    return db.session.scalar(select(func.count()).select_from(BankFile))


def test_reading_in_a_file_pays_the_invoice_and_shows_the_result(client, db, event, admin):
    order = invoiced_order(db, event)
    response = upload(client, bank_file(paying(order)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Filen är inläst" in page and "Betalade fakturan" in page
    assert state(db, order) == (OrderStatus.PAID, 0)
    assert "bgmax_20270402.txt" in page  # among the files read in
    assert "Inget väntar" in page

    again = upload(client, bank_file(paying(order))).get_data(as_text=True)
    assert "Filen lästes in redan" in again and "Ingenting ändrades" in again
    assert files(db) == 1

    detail = client.get(f"/manage/events/summit2027/orders/{order.reference}").get_data(
        as_text=True
    )
    assert "Från banken" in detail and "Betalade fakturan" in detail


def test_a_bad_file_is_refused_with_its_line_and_nothing_stored(client, db, event, admin):
    order = invoiced_order(db, event)
    data = bank_file(paying(order)).replace(b"0000000150000", b"00000001500x0")
    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Rad 3 i filen: ett tal väntades på position 38–55." in page
    assert files(db) == 0 and state(db, order) == (OrderStatus.INVOICED, 150000)

    assert upload(client, b"%PDF-1.4 not a bank file").status_code == 422
    assert upload(client, bank_file(paying(order)), token=False).status_code == 400
    assert files(db) == 0


def test_what_waits_is_matched_or_settled_by_hand(client, db, event, admin):
    order = invoiced_order(db, event, price=150000)
    number = invoice_of(order).number
    upload(
        client,
        bank_file(
            payment(
                "Konferensen", 150000, "000000000001", reference_code=4, name="Sölvesborgs kommun"
            ),
            payment("Okänd", 4200, "000000000002", reference_code=4),
        ),
    )
    page = client.get(PAGE).get_data(as_text=True)
    assert "Väntar på dig (2)" in page and "Sölvesborgs kommun" in page
    first, second = [int(n) for n in re.findall(r'id="payment-(\d+)"', page)]

    token = csrf_token(client, PAGE)
    refused = client.post(
        f"/manage/bank/payments/{first}/match",
        data={"invoice_number": "999999", "csrf_token": token},
    )
    assert refused.status_code == 302
    assert "Det finns ingen faktura med nummer 999999" in client.get(PAGE).get_data(as_text=True)

    client.post(
        f"/manage/bank/payments/{first}/match",
        data={"invoice_number": str(number), "csrf_token": token},
    )
    assert state(db, order) == (OrderStatus.PAID, 0)

    client.post(f"/manage/bank/payments/{second}/settle", data={"note": "", "csrf_token": token})
    assert "Väntar på dig (1)" in client.get(PAGE).get_data(as_text=True)
    client.post(
        f"/manage/bank/payments/{second}/settle",
        data={"note": "Återbetald till avsändaren.", "csrf_token": token},
    )
    assert "Väntar på dig (0)" in client.get(PAGE).get_data(as_text=True)


def test_organizers_of_an_event_do_not_see_the_bank_page(
    client, db, event, make_user, grant, login
):
    login(grant(make_user("omar@example.org"), event, Role.ORGANIZER))
    assert client.get(PAGE).status_code == 403


def test_the_overdue_list_and_the_reminder_setting(
    client, db, event, make_user, grant, login, clock
):
    organizer = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM))
    late = invoiced_order(db, event, email="sen@example.se")
    paid = invoiced_order(db, event, email="betald@example.se")
    payments.mark_invoice_paid(paid)
    reminders.send_due_reminders(datetime(2027, 4, 10, 12, 0, tzinfo=STOCKHOLM))
    reminders.send_due_reminders(datetime(2027, 4, 20, 12, 0, tzinfo=STOCKHOLM))
    clock.set(datetime(2027, 4, 21, 12, 0, tzinfo=STOCKHOLM))
    login(organizer)

    response = client.get("/manage/events/summit2027/invoices/overdue")
    assert response.status_code == 200, response.headers
    page = response.get_data(as_text=True)
    reminded_twice = page.split("Påmind två gånger")[1].split("Efter förfallodagen")[0]
    assert late.reference in reminded_twice and "sen@example.se" in reminded_twice
    assert "betald@example.se" not in page
    assert "21 dagar sen" in page

    form = client.get("/manage/events/summit2027/").get_data(as_text=True)
    assert 'name="invoice_reminder_days"' in form and 'value="10"' in form
