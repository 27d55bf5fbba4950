"""Every route declares who may use it, and every protected route refuses the others.

The routes are read from the app's URL map, so a new route is tested the day it is
added: without an access declaration it fails here, and with one it is probed as an
anonymous visitor, as a person without the role, and as a person with it.
"""

import pytest

from summit import create_app
from summit.access import ACCESS_LEVELS
from summit.models import (
    Checkin,
    DiscountCode,
    DiscountKind,
    Order,
    OrderStatus,
    OutboxMessage,
    Role,
    Ticket,
    TicketType,
    utcnow,
)
from summit.services import checkin_setup
from tests.conftest import csrf_token, sign_in

PROTECTED_PREFIXES = ("/manage", "/api", "/door", "/checkin")
# A value for every URL variable a route can have; a new variable needs one here.
SAMPLE_VALUES = {
    "slug": "summit2027",
    "message_id": None,
    "attachment_id": 999999,  # the outbox: an attachment that is not found
    "token": "not-a-real-token",
    "reference": "ACCESS23",  # the order made in `world`
    "type_id": None,
    "code_id": None,
    "station_id": None,  # check-in: the station, list, ticket and check-in made in `world`
    "list_id": None,
    "ticket_id": None,
    "checkin_id": None,
    # Call for speakers (organizers' pages): ids that match the route and are not found.
    "format_id": 999999,
    "track_id": 999999,
    "question_id": 999999,
    "criterion_id": 999999,
    "access_code_id": 999999,
    "reviewer_id": 999999,
    "kind": "accepted",
    # The program: days are ISO dates in the URL; rooms and days of the setup pages ids.
    "day": "2027-05-11",
    "room_id": 999999,
    "day_id": 999999,
    "number": 999999,
    "locale": "sv",
}


def _rules():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((rule.rule, rule.endpoint, method, getattr(view, "access", None)))
    return rules


RULES = _rules()
PROTECTED = [r for r in RULES if r[3] not in (None, "public", "api_token")]
# The door JSON API: a station's bearer token (or a door account's session), JSON answers.
API = [r for r in RULES if r[3] == "api_token"]


def test_every_route_declares_its_access():
    undeclared = [f"{endpoint} {rule}" for rule, endpoint, _m, access in RULES if access is None]
    assert not undeclared, f"routes without @public/@signed_in/@..._required: {undeclared}"
    for _rule, endpoint, _method, access in RULES:
        assert access in ACCESS_LEVELS or isinstance(access, tuple), endpoint


def test_organizer_and_door_areas_are_never_public():
    public = [rule for rule, _e, _m, access in RULES if rule.startswith(PROTECTED_PREFIXES)]
    exposed = [rule for rule, _e, _m, access in RULES if rule in public and access == "public"]
    assert not exposed


def test_there_are_protected_routes_to_check():
    # Guards against the URL map walk silently finding nothing.
    assert len(PROTECTED) >= 10


@pytest.fixture
def world(db, make_event, make_user, grant):
    """summit2027 and a person in every relation to it."""
    event = make_event(slug="summit2027")
    other = make_event(slug="annat-event")
    message = OutboxMessage(to_address="a@example.org", subject="Hej", body_text="Hej")
    ticket_type = TicketType(event=event, name_sv="Ordinarie", price=150000)
    code = DiscountCode(event=event, code="ACCESS", kind=DiscountKind.PERCENT, value=10)
    order = Order(event=event, reference="ACCESS23", status=OrderStatus.PAID, expires_at=utcnow())
    order.tickets.append(Ticket(ticket_type=ticket_type, price=150000, vat_percent=25))
    db.session.add_all([message, code, order])
    db.session.commit()
    people = {
        "admin": make_user("admin@example.org", is_site_admin=True),
        "nobody": make_user("nobody@example.org"),
        "elsewhere": make_user("elsewhere@example.org"),
    }
    for role in Role:
        people[role.value] = grant(make_user(f"{role.value}@example.org"), event, role)
        grant(people["elsewhere"], other, role)
    station, _token = checkin_setup.create_station(event, "Entré A")
    guest = order.tickets[0]
    made = Checkin(ticket=guest, checkin_list=station.checkin_list, station=station)
    db.session.add(made)
    db.session.commit()
    ids = {
        "message_id": message.id,
        "type_id": ticket_type.id,
        "code_id": code.id,
        "station_id": station.id,
        "list_id": station.checkin_list_id,
        "ticket_id": guest.id,
        "checkin_id": made.id,
    }
    return {"event": event, "message": message, "people": people, "ids": ids}


def _url(rule: str, world) -> str:
    values = dict(SAMPLE_VALUES, **world["ids"])
    url = rule
    for name, value in values.items():
        for converter in ("", "int:"):
            url = url.replace(f"<{converter}{name}>", str(value))
    assert "<" not in url, f"add a sample value for the variables of {rule}"
    return url


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/login")
    return client.open(url, method=method, data={"csrf_token": token})


def _refused(access) -> list[str]:
    """Who must be refused: everyone signed in who lacks the access."""
    if access == "login":
        return []
    if access == "site_admin":
        return ["nobody", "elsewhere", *[r.value for r in Role]]
    return ["nobody", "elsewhere", *[r.value for r in Role if r not in access]]


def _allowed(access) -> list[str]:
    if access == "login":
        return ["nobody", "admin"]
    if access == "site_admin":
        return ["admin"]
    return ["admin", *[r.value for r in access]]


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), PROTECTED)
def test_anonymous_is_sent_to_sign_in(client, world, rule, endpoint, method, access):
    response = _request(client, method, _url(rule, world))
    assert response.status_code == 302, endpoint
    assert response.headers["Location"].startswith("/login"), endpoint


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), PROTECTED)
def test_people_without_the_role_get_403(app, world, rule, endpoint, method, access):
    for who in _refused(access):
        client = app.test_client()
        sign_in(client, world["people"][who])
        response = _request(client, method, _url(rule, world))
        assert response.status_code == 403, f"{who} got {response.status_code} on {method} {rule}"


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), PROTECTED)
def test_people_with_the_role_get_in(app, world, rule, endpoint, method, access):
    for who in _allowed(access):
        client = app.test_client()
        sign_in(client, world["people"][who])
        response = _request(client, method, _url(rule, world))
        assert response.status_code not in (401, 403), f"{who} refused on {method} {rule}"
        location = response.headers.get("Location", "")
        assert not location.startswith("/login"), f"{who} sent to sign in on {method} {rule}"


# The door JSON API ---------------------------------------------------------------------


def test_there_are_api_routes_to_check():
    assert len(API) >= 5
    assert all(rule.startswith("/api/") for rule, *_ in API)


def _api_request(client, method: str, url: str, token: str | None = None, csrf: str = ""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if csrf:
        headers["X-CSRFToken"] = csrf
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, json={}, headers=headers)


@pytest.fixture
def stations(world, db):
    from summit.models import Station
    from summit.services import checkin_setup
    from summit.services.events import get_event

    _ok, valid = checkin_setup.create_station(world["event"], "Entré A")
    revoked, revoked_token = checkin_setup.create_station(world["event"], "Entré B")
    checkin_setup.revoke_station(db.session.get(Station, revoked.id))
    _other, elsewhere = checkin_setup.create_station(get_event("annat-event"), "Dörr")
    return {"valid": valid, "revoked": revoked_token, "elsewhere": elsewhere}


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_refuses_without_a_token(client, world, rule, endpoint, method, access):
    response = _api_request(client, method, _url(rule, world))
    assert response.status_code == 401 and response.is_json, endpoint
    response = _api_request(client, method, _url(rule, world), "not-a-real-station-token-000")
    assert response.status_code == 401, endpoint


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_refuses_revoked_and_other_events_stations(
    client, world, stations, rule, endpoint, method, access
):
    url = _url(rule, world)
    assert _api_request(client, method, url, stations["revoked"]).status_code in (401, 403)
    assert _api_request(client, method, url, stations["elsewhere"]).status_code == 403


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_lets_this_events_station_in(client, world, stations, rule, endpoint, method, access):
    response = _api_request(client, method, _url(rule, world), stations["valid"])
    assert response.status_code not in (401, 403), f"{response.status_code} on {method} {rule}"
    assert response.is_json


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_for_accounts_needs_the_door_or_organizer_role(
    app, world, rule, endpoint, method, access
):
    for who in ("nobody", "elsewhere", "reviewer"):
        client = app.test_client()
        sign_in(client, world["people"][who])
        response = _api_request(
            client, method, _url(rule, world), csrf=csrf_token(client, "/login")
        )
        assert response.status_code == 403, f"{who} got {response.status_code} on {method} {rule}"
    for who in ("door", "organizer", "admin"):
        client = app.test_client()
        sign_in(client, world["people"][who])
        response = _api_request(
            client, method, _url(rule, world), csrf=csrf_token(client, "/login")
        )
        assert response.status_code not in (401, 403), f"{who} refused on {method} {rule}"
