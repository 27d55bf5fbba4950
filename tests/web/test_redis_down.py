"""Redis, where production keeps the rate limits that every worker and node shares, down
or hung: the door, sign-in and the shop keep answering, each process counts in its own
memory meanwhile and says so in the log, and the shared counts are used again once Redis
answers.

The app under test is made as production makes it (create_app with a Redis URL), on the
test database; "refused" is a port where nothing listens, "hung" a socket that takes
connections and never answers, and "stopped" a real redis-server of the test's own,
killed in the middle of the run and started again.
"""

import contextlib
import logging
import socket
import time as real_time

import flask_limiter._extension
import pytest
import redis

from tests.checkin_world import station, ticket, ticket_type
from tests.conftest import PASSWORD, app_like, csrf_token, event_day_noon
from tests.redis_server import RedisServer, free_port

API = "/api/v1/events/summit2027/checkin"
LIMITER_LOG = "flask-limiter"


@contextlib.contextmanager
def refused():
    yield f"redis://127.0.0.1:{free_port()}/0"


@contextlib.contextmanager
def hung():
    """Takes connections (the kernel does, into the backlog) and never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.fixture
def summit(make_event, clock):
    from tests.checkin_world import DAY_END, DAY_START

    clock.set(event_day_noon())
    event = make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_END)
    event.regular = ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    return event


@pytest.fixture
def production_like(app):
    """An app made as production makes it, with its rate limits in Redis at `url`, on the
    test database (the limiter is put back afterwards, as after every test)."""

    def make(url: str):
        return app_like(app, RATELIMIT_STORAGE_URI=url)

    return make


def exercise(client, event, person, guest, token):
    """What must keep working: a scan at the door (and the second scan of the same
    ticket refused), a sign-in, and seats reserved in the shop. Returns how long the
    slowest request took."""
    slowest = 0.0

    def timed(call):
        nonlocal slowest
        started = real_time.monotonic()
        response = call()
        slowest = max(slowest, real_time.monotonic() - started)
        return response

    headers = {"Authorization": f"Bearer {token}"}
    first = timed(lambda: client.post(API, json={"secret": guest.secret}, headers=headers))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["status"] == "ok"
    second = timed(lambda: client.post(API, json={"secret": guest.secret}, headers=headers))
    assert second.get_json()["reason"] == "already_checked_in"

    data = {"email": person.email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    signed = timed(lambda: client.post("/login", data=data))
    assert signed.status_code == 302, signed.get_data(as_text=True)

    shop = f"/events/{event.slug}/tickets/"
    order = {f"qty-{event.regular.id}": "2", "code": "", "csrf_token": csrf_token(client, shop)}
    reserved = timed(lambda: client.post(shop, data=order))
    assert reserved.status_code == 302 and "/checkout" in reserved.headers["Location"]
    return slowest


@pytest.mark.parametrize("outage", [refused, hung], ids=["refused", "hung"])
def test_the_door_sign_in_and_shop_keep_answering(
    production_like, summit, make_user, caplog, outage
):
    caplog.set_level(logging.WARNING, logger=LIMITER_LOG)
    person = make_user("asa.oberg-lindqvist@example.org", name="Åsa Öberg-Lindqvist")
    guest = ticket(summit, summit.regular, name="Mohammed Ängström")
    token = station(summit, "Entré A")[1]
    with outage() as url:
        client = production_like(url).test_client()
        slowest = exercise(client, summit, person, guest, token)
    assert slowest < 2.0  # a hung Redis costs a request its timeout, not forever
    assert "falling back to in-memory storage" in caplog.text


def test_limits_still_hold_per_process_while_redis_is_down(production_like, make_user):
    make_user("mohammed@example.org")
    client = production_like(f"redis://127.0.0.1:{free_port()}/0").test_client()
    data = {"email": "mohammed@example.org", "password": "wrong", "csrf_token": None}
    answers = []
    for _ in range(12):
        data["csrf_token"] = csrf_token(client, "/login")
        answers.append(client.post("/login", data=data).status_code)
    assert 429 in answers, answers  # LOGIN_RATE_LIMIT: 10 per minute from one address


class LimiterClock:
    """Flask-Limiter's clock, moved on by hand: it looks at Redis again only after 1, 2,
    4… seconds of fallback, and the test moves past that instead of waiting."""

    def __init__(self):
        self.ahead = 0.0

    def time(self) -> float:
        return real_time.time() + self.ahead


def test_redis_stopped_mid_run_then_back(
    production_like, summit, make_user, caplog, tmp_path, monkeypatch
):
    caplog.set_level(logging.INFO, logger=LIMITER_LOG)
    clock = LimiterClock()
    monkeypatch.setattr(flask_limiter._extension, "time", clock)
    server = RedisServer(tmp_path)
    server.start()
    try:
        person = make_user("asa@example.org", name="Åsa Öberg-Lindqvist")
        guests = [ticket(summit, summit.regular, name=f"Gäst {n}") for n in range(3)]
        token = station(summit, "Entré A")[1]
        client = production_like(server.url).test_client()
        shared = redis.Redis.from_url(server.url)
        exercise(client, summit, person, guests[0], token)
        assert shared.dbsize() > 0  # the counts are in Redis while it runs

        server.stop()
        exercise(client, summit, person, guests[1], token)
        assert "falling back to in-memory storage" in caplog.text

        server.start()  # empty: --save "" keeps nothing
        clock.ahead = 3600.0  # past the longest wait between looks (32 s)
        client.get("/")  # a page without limits of its own: the limiter looks then
        assert "Rate limit storage recovered" in caplog.text
        exercise(client, summit, person, guests[2], token)
        assert shared.dbsize() > 0  # counted in Redis again
    finally:
        server.stop()
