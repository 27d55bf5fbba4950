"""Input hardening (issue 13, part 3): what an attacker sends must get a clear 400/404 or
a normal answer, never a 500; the door's rate limit holds however the header is spelled;
personal pages are never stored by a browser or a proxy."""

import io

import pytest
from sqlalchemy import func, select

from summit.models import Order, OutboxMessage, Role, Ticket, User
from tests.checkin_world import station, ticket_type
from tests.conftest import csrf_token, event_day_noon, sign_in

API = "/api/v1/events/summit2027/checkin"
DEEP = "[" * 30_000 + "]" * 30_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000


def count(db, model) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def summit(make_event, clock):
    """The summit on its first day, at noon: the door is open and the shop still sells."""
    clock.set(event_day_noon())
    return make_event(slug="summit2027")


@pytest.fixture
def regular(summit):
    return ticket_type(summit, "Ordinarie", name_en="Regular", price=150000, capacity=100)


@pytest.fixture
def token(summit):
    return station(summit, "Entré A")[1]


def reserve(client, quantity, regular):
    data = {f"qty-{regular.id}": str(quantity), "code": ""}
    data["csrf_token"] = csrf_token(client, "/events/summit2027/tickets/")
    response = client.post("/events/summit2027/tickets/", data=data)
    assert response.status_code == 302
    return response.headers["Location"]


# 7. The door's rate limit is per station, however the header is written -------------


@pytest.mark.parametrize(
    "spelling", ["bearer {}", "BEARER {}", "Bearer  {}", "Bearer {} ", "bEaReR   {}  "]
)
def test_rate_limit_is_per_station_however_the_header_is_spelled(
    app, client, summit, regular, token, spelling
):
    app.config["CHECKIN_RATE_LIMIT"] = "3 per minute"
    try:
        first = [
            client.post(
                API, json={"secret": "Q" * 32}, headers={"Authorization": f"Bearer {token}"}
            ).status_code
            for _ in range(3)
        ]
        respelled = client.post(
            API, json={"secret": "Q" * 32}, headers={"Authorization": spelling.format(token)}
        )
    finally:
        app.config["CHECKIN_RATE_LIMIT"] = "600 per minute"
    assert first == [200, 200, 200]
    assert respelled.status_code == 429, respelled.get_json()
    assert respelled.get_json()["error"] == "rate_limited"


def test_unknown_tokens_are_limited_per_client_address(app, client, summit, token):
    app.config["CHECKIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post(
                API, json={"secret": "x"}, headers={"Authorization": f"Bearer guess{i:040d}"}
            ).status_code
            for i in range(4)
        ]
        # Another address is not held back by the guesses.
        other = client.post(
            API,
            json={"secret": "Q" * 32},
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": "10.1.2.3"},
        )
    finally:
        app.config["CHECKIN_RATE_LIMIT"] = "600 per minute"
    assert codes == [401, 401, 401, 429]
    assert other.status_code == 200


# 8. Deep JSON -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [DEEP, DEEP_OBJECT, '{"secret": 1e999}', '{"ticket_id": 99999999999999999999}']
)
@pytest.mark.parametrize("path", ["", "/batch", "/undo"])
def test_deep_json_at_the_door_is_a_400(client, db, summit, regular, token, path, body):
    response = client.post(
        API + path,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.is_json and response.get_json()["status"] == "error"


def test_deep_json_to_the_agenda_and_the_editor_is_a_400(app, client, db, summit, make_user, grant):
    organizer = grant(make_user("org@example.org"), summit, Role.ORGANIZER)
    sign_in(client, organizer)
    token = csrf_token(client, "/account")
    for path in (
        "/events/summit2027/program/agenda/items",
        "/manage/events/summit2027/program/schedule/place",
    ):
        response = client.post(
            path, data=DEEP, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code in (400, 404), (path, response.status_code)
        assert response.status_code != 500


def test_deep_json_to_a_form_is_a_400(client, db, summit):
    response = client.post("/login", data=DEEP, content_type="application/json")
    assert response.status_code == 400


# 8. NUL and control characters ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/events/%00/",
        "/events/summit2027%00/",
        "/events/summit2027/orders/%00/",
        "/events/summit2027/orders/abc%00def/checkout",
        "/events/summit2027/orders/abc%00/tickets.pdf",
        "/payments/stripe/return/%00",
        "/payments/stripe/cancel/%00",
        "/payments/dev/%00/%00",
        "/events/summit2027/program/sessions/%00",
        "/login/link/%00",
        "/events/%01x/",
    ],
)
def test_control_characters_in_a_path_are_404(client, summit, path):
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/payments/stripe/return/abc?session_id=cs_%00",
        "/manage/events/summit2027/orders/?q=%00",
        "/events/summit2027/tickets/?code=%00",
    ],
)
def test_nul_in_a_query_is_400(app, client, summit, make_user, path):
    sign_in(client, make_user("admin@example.org", is_site_admin=True))
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)


def test_nul_in_the_buyer_name_is_a_form_error_and_the_checkout_goes_on(
    client, db, summit, regular
):
    checkout = reserve(client, 1, regular)
    data = {
        "buyer_name": "Sara\x00 Lind",
        "buyer_email": "sara@example.org",
        "buyer_organisation": "",
        "attendees-0-name": "Sara Lind",
        "attendees-0-organisation": "",
        "method": "dev",
        "csrf_token": csrf_token(client, checkout),
    }
    response = client.post(checkout, data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    # The same checkout works with the name written properly.
    data["buyer_name"] = "Sara Lind"
    data["csrf_token"] = csrf_token(client, checkout)
    response = client.post(checkout, data=data)
    assert response.status_code == 302
    assert db.session.scalars(select(Order)).one().buyer_name == "Sara Lind"


def test_nul_in_a_form_field_is_refused_in_swedish(client, db, make_user):
    user = make_user("sara@example.org")
    sign_in(client, user)
    data = {"name": "Sara\x00", "locale": "sv", "password": "", "csrf_token": ""}
    data["csrf_token"] = csrf_token(client, "/account")
    response = client.post("/account", data=data)
    assert response.status_code == 422
    assert "styrtecknen" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).name == "Test Person"


# 8. A file sent for a text field ----------------------------------------------------


def _file():
    return (io.BytesIO(b"not text"), "name.txt")


def test_a_file_for_the_login_email_is_a_form_error(client, make_user):
    make_user("sara@example.org")
    data = {"email": _file(), "password": "x", "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422), response.status_code


def test_a_file_for_account_fields_is_a_form_error(client, db, make_user):
    user = make_user("sara@example.org")
    sign_in(client, user)
    data = {"name": _file(), "locale": _file(), "password": _file()}
    data["csrf_token"] = csrf_token(client, "/account")
    response = client.post("/account", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422), response.status_code
    assert db.session.get(User, user.id).name == "Test Person"


def test_a_file_for_the_shop_and_the_checkout_is_a_form_error(client, db, summit, regular):
    data = {f"qty-{regular.id}": _file(), "code": _file()}
    data["csrf_token"] = csrf_token(client, "/events/summit2027/tickets/")
    response = client.post(
        "/events/summit2027/tickets/", data=data, content_type="multipart/form-data"
    )
    assert response.status_code in (400, 422), response.status_code
    assert count(db, Order) == 0
    checkout = reserve(client, 1, regular)
    data = {
        "buyer_name": _file(),
        "buyer_email": _file(),
        "attendees-0-name": _file(),
        "method": _file(),
        "csrf_token": csrf_token(client, checkout),
    }
    response = client.post(checkout, data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422), response.status_code
    assert db.session.scalars(select(Order)).one().buyer_name in (None, "")


def test_a_file_for_organizer_form_fields_is_a_form_error(client, db, make_user):
    admin = make_user("admin@example.org", is_site_admin=True)
    sign_in(client, admin)
    data = {
        "slug": _file(),
        "kind": _file(),
        "format": _file(),
        "name_sv": _file(),
        "starts_at": _file(),
        "ends_at": _file(),
        "stream_url": _file(),
        "accent_color": _file(),
        "csrf_token": csrf_token(client, "/manage/events/new"),
    }
    response = client.post("/manage/events/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422), response.status_code


def test_a_huge_number_in_a_form_is_a_form_error(client, db, summit, regular):
    data = {f"qty-{regular.id}": "9" * 25, "code": ""}
    data["csrf_token"] = csrf_token(client, "/events/summit2027/tickets/")
    response = client.post("/events/summit2027/tickets/", data=data)
    assert response.status_code in (200, 400, 422), response.status_code
    assert count(db, Order) == 0


# 8. Page numbers --------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "1e9", "abc", ""])
def test_page_numbers_out_of_range_are_never_a_500(client, db, summit, make_user, page):
    sign_in(client, make_user("admin@example.org", is_site_admin=True))
    db.session.add(OutboxMessage(to_address="a@example.org", subject="Hej", body_text="Hej"))
    db.session.commit()
    for path in ("/manage/outbox", "/manage/events/summit2027/orders/"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code in (200, 404), (path, page, response.status_code)


# 9. Personal pages are never stored ---------------------------------------------------


def test_personal_pages_say_no_store(client, db, summit, regular, make_user, token):
    checkout = reserve(client, 1, regular)
    assert "no-store" in client.get(checkout).headers.get("Cache-Control", "")
    data = {
        "buyer_name": "Sara Lind",
        "buyer_email": "sara@example.org",
        "attendees-0-name": "Sara Lind",
        "method": "dev",
        "csrf_token": csrf_token(client, checkout),
    }
    pay = client.post(checkout, data=data).headers["Location"].removeprefix("http://summit.test")
    assert "no-store" in client.get(pay).headers.get("Cache-Control", "")
    client.post(pay, data={"csrf_token": csrf_token(client, pay), "pay": "1"})
    order = db.session.scalars(select(Order)).one()
    order_page = f"/events/summit2027/orders/{order.token}/"
    anonymous = [
        order_page,
        order_page + "tickets/1.pdf",
        order_page + "receipt.pdf",
        "/login/link/some-token",
        "/login",
    ]
    for path in anonymous:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    api = client.get(API + "/door", headers={"Authorization": f"Bearer {token}"})
    assert "no-store" in api.headers.get("Cache-Control", "")
    sign_in(client, make_user("admin@example.org", is_site_admin=True))
    for path in (
        "/my/tickets",
        "/account",
        "/manage/",
        "/manage/events/summit2027/orders/",
        f"/manage/events/summit2027/orders/{order.reference}",
        "/manage/outbox",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_answers_with_their_own_caching_keep_it(client, db, summit):
    static = client.get("/static/css/summit.css")
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "no-cache" and static.headers.get("ETag")


def test_nothing_half_written_after_a_refused_checkout(client, db, summit, regular):
    checkout = reserve(client, 2, regular)
    before = count(db, Ticket)
    data = {
        "buyer_name": "Sara",
        "buyer_email": "sara@example.org",
        "attendees-0-name": "Sara\x00",
        "attendees-1-name": _file(),
        "method": "dev",
        "csrf_token": csrf_token(client, checkout),
    }
    response = client.post(checkout, data=data, content_type="multipart/form-data")
    assert response.status_code in (400, 422)
    assert count(db, Ticket) == before
    assert db.session.scalars(select(Order)).one().buyer_name in (None, "")
