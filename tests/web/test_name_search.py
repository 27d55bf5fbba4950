"""Finding people by name wherever names are searched: the door's search page and its
JSON API, and the organizer's order search. Swedish names are found in any case and
with or without Å, Ä, Ö typed, on SQLite (whose lower() folds only A–Z) as on
PostgreSQL."""

import re

import pytest

from summit.models import Role
from tests import checkin_world
from tests.checkin_world import DAY_END, DAY_START
from tests.conftest import event_day_noon
from tests.unit.test_sales import buy

SLUG = "summit2027"
API = f"/api/v1/events/{SLUG}/checkin/search"
DOOR_SEARCH = f"/manage/events/{SLUG}/checkin/search"
ORDERS = f"/manage/events/{SLUG}/orders/"

PEOPLE = ("Karin Öberg-Lindqvist", "Ahmed Åberg", "Lars Ängström", "Åsa Nilsson", "Bertil Berg")

# What door staff type, and whom they should find.
QUERIES = [
    ("Öberg-Lindqvist", {"Karin Öberg-Lindqvist"}),
    ("öberg", {"Karin Öberg-Lindqvist"}),
    ("ÖBERG", {"Karin Öberg-Lindqvist"}),
    ("oberg", {"Karin Öberg-Lindqvist"}),
    ("OBERG-lindqvist", {"Karin Öberg-Lindqvist"}),
    ("Åberg", {"Ahmed Åberg"}),
    ("aberg", {"Ahmed Åberg"}),
    ("Ängström", {"Lars Ängström"}),
    ("ANGSTROM", {"Lars Ängström"}),
    ("ängström", {"Lars Ängström"}),
    ("Åsa", {"Åsa Nilsson"}),
    ("åsa", {"Åsa Nilsson"}),
    ("asa nil", {"Åsa Nilsson"}),
    ("berg", {"Karin Öberg-Lindqvist", "Ahmed Åberg", "Bertil Berg"}),
    # The organisation is searched too, folded the same way.
    ("malmo", set(PEOPLE)),
]

# Garbage in the query string: a normal answer, never a 500, and no wildcard that
# matches everyone.
GARBAGE = [
    "%",
    "%%",
    "_",
    "__",
    "\\",
    "\\%",
    "'; DROP TABLE tickets; --",
    "ö" * 500,
]


@pytest.fixture
def summit(make_event, clock):
    clock.set(event_day_noon())  # running today, so the entrance list admits now
    return make_event(slug=SLUG, starts_at=DAY_START, ends_at=DAY_END)


@pytest.fixture
def people(summit):
    """One ticket each, in orders of their own, for the PEOPLE."""
    regular = checkin_world.ticket_type(summit)
    for name in PEOPLE:
        checkin_world.ticket(summit, regular, name=name, organisation="Malmö stad")


@pytest.fixture
def door_staff(client, summit, people, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(grant(make_user("entre@example.org", name="Eva Entré"), summit, Role.DOOR))


def found_on_page(html: str) -> set[str]:
    return {name for name in PEOPLE if name in html}


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_door_search_page_finds_swedish_names(client, door_staff, query, expected):
    response = client.get(DOOR_SEARCH, query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert found_on_page(html) == expected
    assert "Nobody found" not in html


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_door_search_api_finds_swedish_names(client, summit, people, query, expected):
    _door, token = checkin_world.station(summit)
    response = client.get(
        API, query_string={"q": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert {hit["name"] for hit in response.get_json()["results"]} == expected


@pytest.mark.parametrize("query", GARBAGE)
def test_door_search_takes_garbage_calmly(client, summit, door_staff, query):
    _door, token = checkin_world.station(summit)
    page = client.get(DOOR_SEARCH, query_string={"q": query})
    assert page.status_code == 200
    assert found_on_page(page.get_data(as_text=True)) == set()
    answer = client.get(
        API, query_string={"q": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert answer.get_json()["results"] == []


@pytest.mark.parametrize("chosen", ["abc", "%C2%B2", "99999999999999999999999", "-1", ""])
def test_door_search_with_broken_encoding_or_list_is_not_an_error(
    client, summit, door_staff, chosen
):
    page = client.get(f"{DOOR_SEARCH}?q=%C3%28%FF&list={chosen}")
    assert page.status_code in (200, 404)
    page = client.get(f"{DOOR_SEARCH}?q=berg&list={chosen}")
    assert page.status_code in (200, 404)


@pytest.fixture
def orders(client, summit, make_user, grant, login, db):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(grant(make_user("arrangor@example.org"), summit, Role.ORGANIZER))
    regular = checkin_world.ticket_type(summit, "Dagbiljett", price=150000)
    return {
        "ingrid": buy(summit, {regular: 1}, buyer="Ingrid Ängström", email="ingrid@example.org"),
        "sara": buy(summit, {regular: 1}, buyer="Sara Lind", names=["Åsa Öberg"]),
        "ali": buy(summit, {regular: 1}, buyer="Ali Hassan", email="ali@kommun.se"),
    }


def listed(client, query) -> set[str]:
    response = client.get(ORDERS, query_string={"q": query})
    assert response.status_code == 200
    return set(re.findall(r"<code>([A-Z0-9]{8})</code>", response.get_data(as_text=True)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ängström", {"ingrid"}),
        ("angstrom", {"ingrid"}),
        ("ÄNGSTRÖM", {"ingrid"}),
        ("oberg", {"sara"}),  # an attendee, not the buyer
        ("ÖBERG", {"sara"}),
        ("asa", {"sara"}),
        ("lind", {"sara"}),
        ("kommun.se", {"ali"}),
    ],
)
def test_organizer_order_search_finds_swedish_names(client, orders, query, expected):
    assert listed(client, query) == {orders[key].reference for key in expected}


@pytest.mark.parametrize("query", GARBAGE[:-1])
def test_organizer_order_search_takes_garbage_calmly(client, orders, query):
    assert listed(client, query) == set()


@pytest.mark.parametrize("query", ["\x00\x00", "zq\x00"])
def test_a_nul_in_a_search_is_refused_as_a_bad_request(client, orders, summit, query):
    """PostgreSQL cannot hold a NUL: the request is refused before any search runs."""
    page = client.get(ORDERS, query_string={"q": query})
    assert page.status_code == 400
    assert "<h1" in page.get_data(as_text=True)
    _door, token = checkin_world.station(summit)
    answer = client.get(
        API, query_string={"q": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 400
    assert answer.get_json() == {"status": "error", "error": "bad_request"}


def test_organizer_order_search_too_long_is_explained(client, orders):
    response = client.get(ORDERS, query_string={"q": "ö" * 500, "page": "x"})
    assert response.status_code == 200
    assert "At most 200 characters." in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["x", "-3", "0", "99999999999999999999999"])
def test_organizer_order_search_with_a_strange_page_is_not_an_error(client, orders, page):
    response = client.get(ORDERS, query_string={"q": "oberg", "page": page})
    assert response.status_code in (200, 404)


def test_door_search_lists_people_in_swedish_order(client, summit):
    """Å, Ä, Ö come after Z and in that order (bytes would put Ä before Å); people
    whose own name matches come before those found through their buyer."""
    regular = checkin_world.ticket_type(summit)
    # Bought by "Berit Berg" for Agnes Ahl: found through the buyer, listed after.
    guest = checkin_world.ticket(summit, regular, name="Agnes Ahl", email="agnes@example.org")
    guest.order.buyer_name = "Berit Berg"
    for name in ("Örjan Berg", "Ärla Berg", "Åsa Berg", "Zara Berg", "anna berg", "Émile Berg"):
        checkin_world.ticket(summit, regular, name=name, organisation="Röda Korset")
    _door, token = checkin_world.station(summit)
    response = client.get(
        API, query_string={"q": "berg"}, headers={"Authorization": f"Bearer {token}"}
    )
    names = [hit["name"] for hit in response.get_json()["results"]]
    assert names == [
        *("anna berg", "Émile Berg", "Zara Berg", "Åsa Berg", "Ärla Berg", "Örjan Berg"),
        "Agnes Ahl",
    ]
