"""My tickets (/my/tickets): everything bought by or for a signed-in person's email
address, grouped by event with upcoming events first. A buyer reaches their order
pages; an attendee who did not buy gets their own ticket and nothing else of the order."""

import re
from datetime import timedelta

import pytest

from summit.models import Order, OrderStatus, Ticket, TicketType, utcnow
from tests.conftest import csrf_token
from tests.web.test_auth import last_link
from tests.web.test_landing import soon

MINE = "deltagare@example.org"


def order(event, ticket_type, buyer, email, attendees, status=OrderStatus.PAID, **kwargs):
    """An order as checkout leaves it: `attendees` are (name, email, dietary needs)."""
    made = Order(
        event=event,
        status=status,
        expires_at=kwargs.pop("expires_at", utcnow() + timedelta(minutes=30)),
        buyer_name=buyer,
        buyer_email=email,
        buyer_organisation="Malmö stad",
        **kwargs,
    )
    for name, attendee_email, dietary in attendees:
        made.tickets.append(
            Ticket(
                ticket_type=ticket_type,
                price=ticket_type.price,
                vat_percent=25,
                attendee_name=name,
                attendee_email=attendee_email,
                dietary_needs=dietary,
            )
        )
    return made


@pytest.fixture
def world(db, make_event):
    summit = make_event(
        slug="summit2027", name_sv="Summit 2027", name_en="Summit 2027", starts_at=soon(160)
    )
    seminar = make_event(
        slug="hostseminariet",
        name_sv="Höstseminariet",
        name_en="Autumn seminar",
        starts_at=soon(12),
        days=1,
    )
    spring = make_event(
        slug="var2026", name_sv="Vårseminariet", name_en="Spring seminar", starts_at=soon(-90)
    )
    types = {
        e.slug: TicketType(event=e, name_sv="Ordinarie", name_en="Regular", price=150000)
        for e in (summit, seminar, spring)
    }
    orders = {
        # Bought by me for me and a colleague (the address typed in capitals).
        "mine": order(
            summit,
            types["summit2027"],
            "Dora Deltagare",
            "Deltagare@Example.org",
            [("Dora Deltagare", MINE, ""), ("Bo Bengtsson", "bo@example.org", "")],
        ),
        # Bought by my boss for me and someone else.
        "boss": order(
            seminar,
            types["hostseminariet"],
            "Chef Chefsson",
            "chef@example.org",
            [
                ("Dora Deltagare", "DELTAGARE@example.org", ""),
                ("Dan Dansson", "dan@example.org", "Nötallergi"),
            ],
            status=OrderStatus.INVOICED,
        ),
        # A past event.
        "spring": order(spring, types["var2026"], "Dora D", MINE, [("Dora D", MINE, "")]),
        # A reservation that ran out: nothing bought.
        "expired": order(
            summit,
            types["summit2027"],
            "Dora Deltagare",
            MINE,
            [("Dora Deltagare", MINE, "")],
            status=OrderStatus.EXPIRED,
            expires_at=utcnow() - timedelta(hours=1),
        ),
        # Someone else's.
        "other": order(
            summit, types["summit2027"], "Eva Annan", "eva@example.org", [("Eva Annan", "", "")]
        ),
    }
    db.session.add_all(orders.values())
    db.session.commit()
    return orders


def sign_in_by_link(client, db, email):
    client.post(
        "/login/link", data={"email": email, "csrf_token": csrf_token(client, "/login/link")}
    )
    link = last_link(db, email)
    return client.post(link, data={"csrf_token": csrf_token(client, link)})


def page_of(client, lang="en") -> str:
    response = client.get("/my/tickets", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_signed_in_by_link_a_person_sees_their_tickets_upcoming_first(client, db, world, make_user):
    make_user(MINE, name="Dora Deltagare", password=None)
    response = sign_in_by_link(client, db, MINE)
    assert response.headers["Location"] == "/my/tickets"
    html = page_of(client)
    assert "<h1>My tickets</h1>" in html
    # The header leads here, and no "Manage" for someone without a role.
    assert re.search(r'<a href="/my/tickets" aria-current="page">My tickets</a>', html)
    assert 'href="/manage/"' not in html
    # Grouped by event: the nearest upcoming event first, the past one last.
    seminar, summit, spring = (
        html.index(n) for n in ("Autumn seminar", "Summit 2027", "Spring seminar")
    )
    assert seminar < summit < spring
    assert html.index("Past events") < spring
    # My own order: its page, and every ticket in it.
    mine = world["mine"]
    assert f'href="/events/summit2027/orders/{mine.token}/"' in html
    assert "Bo Bengtsson" in html
    # Nothing of the expired reservation or of other people's orders.
    assert world["expired"].token not in html and world["expired"].reference not in html
    assert world["other"].reference not in html and "Eva Annan" not in html


def test_an_attendee_who_did_not_buy_sees_their_ticket_and_no_one_elses_data(
    client, db, world, make_user, login
):
    login(make_user(MINE, name="Dora Deltagare"))
    html = page_of(client)
    boss = world["boss"]
    # Their own ticket, as a PDF...
    pdf_link = re.search(
        r'href="(/my/tickets/[^"]+\.pdf)"[^>]*>\s*Ticket \(PDF\)',
        html[html.index("Autumn seminar") :],
    )
    assert pdf_link, html
    assert boss.token not in pdf_link[1]
    response = client.get(pdf_link[1])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    # ... but not the order page (where tickets can be moved to other people), nor the
    # others in the order, nor the buyer's details.
    assert boss.token not in html
    for secret in ("Dan Dansson", "dan@example.org", "Nötallergi", "chef@example.org", "Chefsson"):
        assert secret not in html
    # Someone else signed in cannot open that ticket; nor can anyone signed out.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get(pdf_link[1]).status_code == 302
    login(make_user("eva@example.org"))
    assert client.get(pdf_link[1]).status_code == 404


def test_a_person_with_no_tickets_is_told_so_in_swedish(client, world, make_user, login):
    login(make_user("ny@example.org"))
    html = page_of(client, "sv")
    assert "<h1>Mina biljetter</h1>" in html
    assert "Du har inga biljetter" in html
    assert 'href="/"' in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/my/tickets")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/my/tickets/NOPE/1.pdf",
        "/my/tickets/%00/1.pdf",
        "/my/tickets/{ref}/0.pdf",
        "/my/tickets/{ref}/3.pdf",
        "/my/tickets/{ref}/99999999999999999999999.pdf",
        "/my/tickets/{ref}/-1.pdf",
        "/my/tickets/" + "A" * 300 + "/1.pdf",
    ],
)
def test_garbage_ticket_links_are_not_found(client, world, make_user, login, path):
    login(make_user(MINE))
    response = client.get(path.format(ref=world["boss"].reference))
    assert response.status_code == 404


def test_a_cancelled_ticket_is_shown_without_its_pdf(client, db, world, make_user, login):
    world["boss"].tickets[0].status = world["boss"].tickets[0].status.CANCELLED
    db.session.commit()
    login(make_user(MINE))
    html = page_of(client)
    seminar = html[html.index("Autumn seminar") : html.index("Summit 2027")]
    assert "Cancelled" in seminar
    assert ".pdf" not in seminar
    assert client.get(f"/my/tickets/{world['boss'].reference}/1.pdf").status_code == 404
