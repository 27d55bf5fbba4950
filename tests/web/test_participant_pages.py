"""The participant list in the browser: joined from one's own page with the consent
shown, seen only by ticket holders on it (never by the public, never with email
addresses), searched by sektor and words, and left at once."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from summit.models import ParticipantListing
from summit.services.meeting import listing
from summit.services.meeting.listing import ListingData
from tests import checkin_world
from tests.conftest import csrf_token, sign_in

LIST = "/events/summit27/participants/"
ME = "/events/summit27/participants/me"


@pytest.fixture
def world(app, db, make_event, make_user):
    event = make_event(slug="summit27")
    of_type = checkin_world.ticket_type(event)
    people = {}
    for who, org in (
        ("eva", "Malmö stad"),
        ("olle", "Röda Korset"),
        ("karin", "Lunds universitet"),
    ):
        people[who] = make_user(f"{who}@example.org", name=who.capitalize())
        checkin_world.ticket(
            event,
            of_type,
            name=f"{who.capitalize()} Ek",
            email=f"{who}@example.org",
            organisation=org,
        )
    people["nobody"] = make_user("nobody@example.org", name="Nobody")
    for who, sektor, wants in (
        ("olle", "ideburen", "Kommuner som vill starta IOP"),
        ("karin", "akademi", "Praktiker som vill utvärdera"),
    ):
        listing.save_listing(
            event, people[who], ListingData(f"{who.capitalize()} Ek", "Org", sektor, wants, True)
        )
    return {"event": event, "people": people}


def listings(db):
    db.session.rollback()
    return db.session.execute(
        select(
            ParticipantListing.name, ParticipantListing.sektor, ParticipantListing.wants_to_meet
        ).order_by(ParticipantListing.id)
    ).all()


def test_the_public_never_sees_the_list(client, world):
    for url in (LIST, ME):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", ["eva", "nobody"])
def test_not_on_the_list_or_without_a_ticket_sees_no_one(client, world, login, who):
    login(world["people"][who])
    response = client.get(LIST)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Olle" not in html and "Karin" not in html
    assert ("Gå med i deltagarlistan" in html) is (who == "eva")
    assert client.get(ME).status_code == (200 if who == "eva" else 403)


def test_join_see_search_and_leave(client, db, world, login):
    login(world["people"]["eva"])
    form = client.get(ME).get_data(as_text=True)
    assert "Jag vill finnas med på evenemangets deltagarlista" in form
    assert 'value="Eva Ek"' in form and 'value="Malmö stad"' in form  # from the ticket
    token = csrf_token(client, ME)
    data = {
        "csrf_token": token,
        "name": "Eva Ek",
        "organisation": "Malmö stad",
        "sektor": "offentlig",
        "wants_to_meet": "Idéburna som vill samverka",
    }
    refused = client.post(ME, data=data)  # the box not ticked
    assert refused.status_code == 422 and "Kryssa i rutan" in refused.get_data(as_text=True)
    joined = client.post(ME, data={**data, "consent": "y"})
    assert joined.status_code == 303 and joined.headers["Location"] == LIST
    page = client.get(LIST)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    for name in ("Eva Ek", "Olle Ek", "Karin Ek"):
        assert name in html
    assert "Kommuner som vill starta IOP" in html and "Idéburen sektor" in html
    assert "@example.org" not in html.replace("eva@example.org", "")  # only the header's own
    only = client.get(LIST, query_string={"sektor": "akademi"}).get_data(as_text=True)
    assert "Karin Ek" in only and "Olle Ek" not in only
    words = client.get(LIST, query_string={"q": "IOP"}).get_data(as_text=True)
    assert "Olle Ek" in words and "Karin Ek" not in words
    odd = client.get(LIST, query_string={"sektor": "<script>", "q": "x" * 500})
    assert odd.status_code == 200 and "Karin Ek" in odd.get_data(as_text=True)

    left = client.post(f"{ME}/withdraw", data={"csrf_token": csrf_token(client, ME)})
    assert left.status_code == 303
    assert [row.name for row in listings(db)] == ["Olle Ek", "Karin Ek"]
    assert client.get(LIST).status_code == 403


def test_leaving_needs_the_csrf_token(client, db, world, login):
    login(world["people"]["olle"])
    assert client.post(f"{ME}/withdraw").status_code == 400
    assert len(listings(db)) == 2


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.one_of(st.just(""), st.text(max_size=5), st.just("x" * 201)),
    sektor=st.one_of(st.text(max_size=12), st.just("offentlig")),
    wants=st.one_of(st.text(max_size=20), st.just("ord " * 80), st.just("a\x00b")),
)
def test_bad_input_is_4xx_and_changes_nothing(app, db, world, name, sektor, wants):
    bad = (
        not name.strip()
        or len(name.strip()) > 200
        or sektor not in {"akademi", "naringsliv", "offentlig", "ideburen", "annat"}
        or len(" ".join(wants.split())) > 280
        or "\x00" in wants
        or any(ord(c) < 32 and c not in "\t\n\r" for c in name + wants)
    )
    if not bad:
        name = ""
    client = app.test_client()
    sign_in(client, world["people"]["eva"])
    before = listings(db)
    response = client.post(
        ME,
        data={
            "csrf_token": csrf_token(client, ME),
            "name": name,
            "sektor": sektor,
            "wants_to_meet": wants,
            "consent": "y",
        },
    )
    assert 400 <= response.status_code < 500, (name, sektor, wants, response.status_code)
    assert listings(db) == before


def test_a_holder_whose_ticket_was_cancelled_can_still_leave(client, db, world, login):
    from summit.models import OrderStatus, Ticket

    ticket = db.session.scalar(select(Ticket).where(Ticket.attendee_email == "olle@example.org"))
    ticket.order.status = OrderStatus.CANCELLED
    db.session.commit()
    login(world["people"]["olle"])
    page = client.get(ME)
    assert page.status_code == 403 and "Lämna deltagarlistan" in page.get_data(as_text=True)
    left = client.post(f"{ME}/withdraw", data={"csrf_token": csrf_token(client, ME)})
    assert left.status_code == 303
    assert [row.name for row in listings(db)] == ["Karin Ek"]
