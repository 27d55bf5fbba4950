"""/metrics for Prometheus: requests by endpoint, Stripe webhooks by outcome, and the
organizers' figures from the database; only for the token's bearer or an allowed
address."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from summit.extensions import db
from summit.models import MessageStatus, OrderStatus, OutboxMessage, utcnow
from tests.checkin_world import DAY_END, DAY_START, station, ticket, ticket_type
from tests.conftest import event_day_noon

PROMETHEUS = {"REMOTE_ADDR": "127.0.0.1"}


def samples(client, **kwargs) -> dict[tuple, float]:
    response = client.get("/metrics", environ_base=PROMETHEUS, **kwargs)
    assert response.status_code == 200, response.status
    assert response.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(found, name, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def summit(make_event, clock):
    clock.set(event_day_noon())
    return make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_END)


def test_requests_are_counted_and_timed_by_endpoint(client):
    before = samples(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    after = samples(client)
    ok = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert (
        value(after, "summit_http_requests_total", **ok)
        - value(before, "summit_http_requests_total", **ok)
        == 3
    )
    missing = {"endpoint": "unknown", "method": "GET", "status": "404"}
    assert (
        value(after, "summit_http_requests_total", **missing)
        == value(before, "summit_http_requests_total", **missing) + 1
    )
    timed = {"endpoint": "ops.healthz", "method": "GET"}
    assert value(after, "summit_http_request_duration_seconds_count", **timed) >= 3
    # No URL, token or id becomes a label: one series per endpoint.
    assert not any("no-such-page" in str(key) for key in after)


def test_the_organizers_figures_come_from_the_database(client, summit):
    regular = ticket_type(summit, "Ordinarie", price=150000)
    paid = [ticket(summit, regular, name=f"Åsa {n}") for n in range(3)]
    ticket(summit, regular, status=OrderStatus.RESERVED)
    door, token = station(summit, "Entré A")
    client.post(
        "/api/v1/events/summit2027/checkin",
        json={"secret": paid[0].secret},
        headers={"Authorization": f"Bearer {token}"},
    )
    db.session.add(
        OutboxMessage(
            to_address="mohammed@example.org",
            subject="Din biljett",
            body_text="Hej",
            status=MessageStatus.PENDING,
            created_at=utcnow() - timedelta(minutes=7),
        )
    )
    db.session.commit()

    found = samples(client)
    assert value(found, "summit_tickets_sold", event="summit2027") == 3
    assert value(found, "summit_orders", event="summit2027", status="paid") == 3
    assert value(found, "summit_orders", event="summit2027", status="reserved") == 1
    assert value(found, "summit_checkins", event="summit2027", station="Entré A") == 1
    assert value(found, "summit_outbox_messages", status="pending") == 1
    assert value(found, "summit_outbox_messages", status="failed") == 0
    assert 7 * 60 <= value(found, "summit_outbox_oldest_unsent_seconds") < 8 * 60
    assert value(found, "summit_badge_runs", status="queued") == 0


def test_refused_stripe_webhooks_are_counted(client):
    before = value(samples(client), "summit_stripe_webhooks_total", outcome="refused")
    assert client.post("/payments/stripe/webhook", data=b"{}").status_code == 400
    after = value(samples(client), "summit_stripe_webhooks_total", outcome="refused")
    assert after == before + 1


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.8", "::ffff:1.2.3.4"])
def test_others_are_refused(client, address):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 403
    assert b"summit_" not in response.get_data()


def test_the_token_opens_it_from_anywhere(app, client):
    app.config["METRICS_TOKEN"] = "prometheus-scrape-token-0123456789"
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    try:
        right = {"Authorization": "Bearer prometheus-scrape-token-0123456789"}
        wrong = {"Authorization": "Bearer prometheus-scrape-token-0123456788"}
        assert client.get("/metrics", environ_base=elsewhere, headers=right).status_code == 200
        assert client.get("/metrics", environ_base=elsewhere, headers=wrong).status_code == 403
        assert client.get("/metrics", environ_base=elsewhere).status_code == 403
    finally:
        app.config["METRICS_TOKEN"] = ""
