"""Logs: JSON lines in production, each line of a request with its request id, which
the answer carries back in X-Request-ID."""

import io
import json
import logging
import re

import pytest

from summit import create_app, logs
from summit.config import ConfigError

STRIPE_VIEWS = "summit.blueprints.payments.stripe_views"


@pytest.fixture
def json_lines():
    """What the production handler writes for the Stripe views' logger, as parsed lines."""
    stream = io.StringIO()
    made = logs.handler("json", stream)
    logger = logging.getLogger(STRIPE_VIEWS)
    logger.addHandler(made)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(made)


def test_an_answer_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_the_proxys_request_id_is_kept(client):
    answer = client.get("/healthz", headers={"X-Request-ID": "caddy-7f3a9c21-0001"})
    assert answer.headers["X-Request-ID"] == "caddy-7f3a9c21-0001"


@pytest.mark.parametrize("given", ["short", "x" * 65, "a b c d e f", "id\u00e5\u00e4\u00f6-12345"])
def test_a_request_id_that_is_not_sensible_is_replaced(client, given):
    answer = client.get("/healthz", headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_a_line_written_during_a_request_is_json_with_its_id(client, json_lines):
    answer = client.post(
        "/payments/stripe/webhook", data=b"{}", headers={"X-Request-ID": "req-0123456789"}
    )
    assert answer.status_code == 400
    (line,) = json_lines()
    assert line["level"] == "WARNING" and line["name"] == STRIPE_VIEWS
    assert line["request_id"] == "req-0123456789"
    assert line["message"].startswith("Refused a Stripe webhook")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line["time"])


def test_a_line_outside_a_request_has_no_id(app, json_lines):
    logging.getLogger(STRIPE_VIEWS).warning("Åsa Öberg-Lindqvist's refund: %s", "retry")
    (line,) = json_lines()
    assert line["request_id"] is None
    assert line["message"] == "Åsa Öberg-Lindqvist's refund: retry"


def test_production_logs_json_and_an_unknown_format_is_refused(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.delenv("LOG_FORMAT")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["LOG_FORMAT"] == "text"


def test_an_app_outside_testing_logs_through_one_handler_of_its_own(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "summit", False)]
    for _ in range(2):  # made twice (the flask command makes one more): one handler
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    ours = [h for h in root.handlers if getattr(h, "summit", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, logs.JsonFormatter)
    assert root.level == logging.INFO


def test_a_line_written_before_the_view_has_the_id_too(client, caplog):
    """Flask-WTF refuses a missing CSRF token before any view, and logs it."""
    stream = io.StringIO()
    made = logs.handler("json", stream)
    logger = logging.getLogger("flask_wtf.csrf")
    logger.addHandler(made)
    try:
        with caplog.at_level(logging.INFO, logger="flask_wtf.csrf"):
            answer = client.post(
                "/login", data={"email": "a@example.org"}, headers={"X-Request-ID": "req-csrf-0001"}
            )
    finally:
        logger.removeHandler(made)
    assert answer.status_code == 400
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines and all(line["request_id"] == "req-csrf-0001" for line in lines)
