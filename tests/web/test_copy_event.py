"""Next year from this year on the organizer's pages (issue 16.6): the copy form offers
next year's names, address and first day; a refused address changes nothing."""

import re

from sqlalchemy import func, select

from summit.models import Event, Role, TicketType, User
from summit.services.events import get_event
from tests.conftest import PASSWORD, csrf_token

PAGE = "/manage/events/summit2027/copy"


def signed_in_organizer(client, db):
    organizer = db.session.scalar(select(User).where(User.email == "arrangor@example.org"))
    organizer.set_password(PASSWORD)
    db.session.commit()
    token = csrf_token(client, "/login")
    client.post(
        "/login", data={"email": organizer.email, "password": PASSWORD, "csrf_token": token}
    )
    return organizer


def test_an_organizer_copies_the_summit_to_next_year(client, db, demo):
    organizer = signed_in_organizer(client, db)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    source = get_event("summit2027")
    assert re.search(r'name="slug"[^>]*value="summit2028"', html)
    assert "2028" in re.search(r'name="name_sv"[^>]*value="([^"]*)"', html)[1]
    first_day = re.search(r'name="starts_on"[^>]*value="([^"]*)"', html)[1]

    answer = client.post(
        PAGE,
        data={
            "name_sv": "Mötesplats Social Innovation 2028",
            "name_en": "Social Innovation Summit 2028",
            "slug": "summit2028",
            "starts_on": first_day,
            "csrf_token": csrf_token(client, PAGE),
        },
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/manage/events/summit2028/")
    made = get_event("summit2028")
    assert made.name_sv == "Mötesplats Social Innovation 2028"
    assert made.starts_at.astimezone(source.starts_at.tzinfo).date().isoformat() == first_day
    assert organizer.has_role(made, Role.ORGANIZER)
    assert client.get("/manage/events/summit2028/").status_code == 200


def test_garbage_and_a_taken_address_are_refused_and_nothing_is_made(client, db, demo):
    signed_in_organizer(client, db)
    events, types = (
        db.session.scalar(select(func.count()).select_from(m)) for m in (Event, TicketType)
    )
    for data, says in (
        ({"slug": "summit2027", "starts_on": "2028-05-16"}, "already has this address"),
        ({"slug": "Summit 2028!", "starts_on": "2028-05-16"}, "lowercase letters"),
        ({"slug": "summit2028", "starts_on": "16 maj"}, "starts_on-error"),
        ({"slug": "summit2028", "starts_on": ""}, "starts_on-error"),
    ):
        answer = client.post(
            PAGE,
            data={"name_sv": "X", **data, "csrf_token": csrf_token(client, PAGE)},
            headers={"Accept-Language": "en"},
        )
        assert answer.status_code == 422, data
        assert says in answer.get_data(as_text=True), data
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(m)) for m in (Event, TicketType)
    )
    assert counts == (events, types)
