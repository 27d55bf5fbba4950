"""The waiting list in real browsers (issue 16, acceptance 2): a sold-out ticket, two
people join its list from their phones, the ticket's attendee cancels it herself within
the event's policy (full refund until 30 April), the first in line gets the offer by mail
and lets it run out, and the second buys through theirs.
Mail goes through the worker to a real SMTP server; the pages are Swedish."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from summit.models import (
    CancelPolicy,
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitingStatus,
    utcnow,
)
from summit.services import worker
from summit.services.tickets.ordering import holding_condition
from tests.smtp import app_config, running_smtp

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(app, db, make_event, make_ticket_type, live_server):
    """A summit whose workshop day has one seat, bought by Karin Lindberg; attendees may
    cancel with a full refund until 30 April."""
    event = make_event(
        slug="summit2027",
        name_sv="Social Innovation Summit 2027",
        name_en="Social Innovation Summit 2027",
        cancel_policy=CancelPolicy.FULL_REFUND,
        cancel_deadline=datetime(2027, 4, 30, 23, 59, tzinfo=ZoneInfo("Europe/Stockholm")),
    )
    day = make_ticket_type(event, "Workshopdag", name_en="Workshop day", price=0, capacity=1)
    order = Order(
        event=event,
        status=OrderStatus.PAID,
        expires_at=utcnow(),
        payment_method=PaymentMethod.FREE,
        buyer_name="Karin Lindberg",
        buyer_email="karin@malmo.se",
    )
    order.tickets.append(
        Ticket(ticket_type=day, price=0, vat_percent=25, attendee_name="Karin Lindberg")
    )
    db.session.add(order)
    db.session.commit()
    with app_config(app, BASE_URL=live_server):
        yield event, day, order


def fresh(db):
    db.session.commit()
    db.session.expire_all()


def join(browsing, name: str, email: str):
    page = browsing.new_page()
    page.goto("/events/summit2027/tickets/")
    expect(page.get_by_text("Slutsåld")).to_be_visible()
    page.get_by_role("link", name=re.compile("Ställ dig på väntelistan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ställ dig på väntelistan")
    page.get_by_label("Workshopdag").check()
    page.get_by_label("Ditt namn").fill(name)
    page.get_by_label("Din e-postadress").fill(email)
    page.get_by_label("Antal biljetter").fill("1")
    browsing.screenshot(page, f"join-{email.split('@')[0]}")
    page.get_by_role("button", name="Ställ dig på väntelistan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du står på väntelistan")
    expect(page.get_by_role("status")).to_contain_text(email)
    return page


def mails_to(smtp, address: str) -> list:
    return [m for m in smtp.messages if m["To"] == address]


def link_in(mail, path: str) -> str:
    body = mail.get_body(("plain",)).get_content()
    match = re.search(rf"https?://\S+{path}", body)
    assert match, body
    return match.group(0)


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_a_freed_seat_goes_to_the_first_in_line_then_to_the_second(browsing, workshop, app, db):
    _event, day, karins = workshop
    karins_token, capacity = karins.token, day.capacity  # the worker's rounds end the session
    asa = join(browsing, "Åsa Öberg-Lindqvist", "asa@umea.se")
    mohammed = join(browsing, "Mohammed Yilmaz", "mohammed@fryshuset.se")

    with running_smtp(app) as smtp:
        worker.one_round()
        joined = [m["To"] for m in smtp.messages]
        assert sorted(joined) == ["asa@umea.se", "mohammed@fryshuset.se"]

        # Karin cannot go: she cancels her ticket from her order page, within the policy.
        karin = browsing.new_page()
        karin.goto(f"/events/summit2027/orders/{karins_token}/")
        karin.get_by_role("link", name=re.compile("Avboka biljett")).click()
        expect(karin.get_by_role("heading", level=1)).to_have_text("Avboka biljett")
        browsing.screenshot(karin, "attendee-cancels")
        karin.get_by_role("button", name="Ja, avboka biljetten").click()
        expect(karin.get_by_text("Biljetten är avbokad.")).to_be_visible()
        # The seat is the line's: the shop does not sell it to whoever comes first.
        visitor = browsing.new_page()
        visitor.goto("/events/summit2027/tickets/")
        expect(visitor.get_by_text("Ställ dig på väntelistan")).to_be_visible()

        worker.one_round()
        offer = mails_to(smtp, "asa@umea.se")[-1]
        assert "Biljetter till Social Innovation Summit 2027 väntar på dig" in offer["Subject"]
        assert mails_to(smtp, "mohammed@fryshuset.se") == [
            mails_to(smtp, "mohammed@fryshuset.se")[0]
        ]
        asa.goto(link_in(offer, r"/checkout"))
        expect(asa.get_by_role("heading", level=1)).to_have_text("Dina uppgifter")
        browsing.screenshot(asa, "offer-checkout")

        # Åsa lets the offer run out (its 48 hours pass).
        fresh(db)
        asas = db.session.scalar(
            select(WaitingListEntry).where(WaitingListEntry.email == "asa@umea.se")
        )
        db.session.execute(
            update(Order).where(Order.id == asas.order_id).values(expires_at=utcnow())
        )
        db.session.commit()
        worker.one_round()
        assert "gått vidare" in mails_to(smtp, "asa@umea.se")[-1]["Subject"]
        offer = mails_to(smtp, "mohammed@fryshuset.se")[-1]
        assert "väntar på dig" in offer["Subject"]

        # Mohammed buys through his offer.
        mohammed.goto(link_in(offer, r"/checkout"))
        expect(mohammed.get_by_role("heading", level=1)).to_have_text("Dina uppgifter")
        mohammed.get_by_role("group", name=re.compile("Biljett 1")).get_by_label(
            "Namn", exact=True
        ).fill("Mohammed Yilmaz")
        browsing.screenshot(mohammed, "second-checkout")
        mohammed.get_by_role("button", name="Anmäl dig").click()
        expect(mohammed).to_have_url(re.compile(r"/events/summit2027/orders/[\w-]+/$"))
        browsing.screenshot(mohammed, "second-order")
        worker.one_round()

    fresh(db)
    entries = {e.email: e.status for e in db.session.scalars(select(WaitingListEntry)).all()}
    assert entries == {
        "asa@umea.se": WaitingStatus.LAPSED,
        "mohammed@fryshuset.se": WaitingStatus.BOUGHT,
    }
    held = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .join(Order)
        .where(Ticket.status == TicketStatus.VALID, holding_condition(utcnow()))
    )
    assert held == capacity == 1
    bought = db.session.scalar(
        select(Order)
        .join(WaitingListEntry, WaitingListEntry.order_id == Order.id)
        .where(WaitingListEntry.email == "mohammed@fryshuset.se")
    )
    assert bought.status is OrderStatus.PAID
    assert [t.attendee_name for t in bought.valid_tickets] == ["Mohammed Yilmaz"]
    assert browsing.console_errors == []


@pytest.mark.parametrize("browsing", ["phone"], indirect=True)
def test_the_organizer_offers_a_raised_seat_by_hand_in_english(
    browsing, workshop, app, db, make_user, grant
):
    from summit.models import Role
    from summit.services.tickets import waitlist
    from tests.conftest import PASSWORD

    event, day, _karins = workshop
    waitlist.join(event, day.id, "Åsa Öberg-Lindqvist", "asa@umea.se", 2)
    waitlist.join(event, day.id, "Mohammed Yilmaz", "mohammed@fryshuset.se", 1)
    organizer = grant(make_user("anna@msi.se", name="Anna Ek"), event, Role.ORGANIZER)
    day.capacity = 2  # one more seat: not enough for Åsa's two, first in line
    db.session.commit()
    page = browsing.new_page(locale="en-GB")
    page.goto("/login?next=/manage/events/summit2027/waiting-list/")
    page.get_by_label("Email", exact=True).fill(organizer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Waiting lists", level=2)).to_be_visible()
    table = main.get_by_role("table", name="Waiting list for Workshop day")
    expect(table.get_by_role("row")).to_have_count(3)
    browsing.screenshot(page, "organizer-list")
    main.get_by_role("button", name="Offer now Mohammed Yilmaz").click()
    expect(page.get_by_text("The offer is sent to Mohammed Yilmaz.")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("Mohammed Yilmaz"))).to_contain_text("Offered")
    # Åsa's two cannot be offered: one seat was free, and it is Mohammed's now.
    main.get_by_role("button", name="Offer now Åsa Öberg-Lindqvist").click()
    expect(
        page.get_by_text("No seat is free for this offer. Raise the capacity first.")
    ).to_be_visible()
    browsing.screenshot(page, "organizer-offered")
    fresh(db)
    statuses = {e.name: e.status for e in db.session.scalars(select(WaitingListEntry))}
    assert statuses == {
        "Åsa Öberg-Lindqvist": WaitingStatus.WAITING,
        "Mohammed Yilmaz": WaitingStatus.OFFERED,
    }
    assert browsing.console_errors == []
