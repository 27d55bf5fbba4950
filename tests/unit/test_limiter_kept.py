"""Another app made in a test must not change how the test app limits (see conftest's
_limiter_kept): these run in order in one process (one xdist group)."""

import pytest

from summit import create_app
from tests.conftest import csrf_token

pytestmark = pytest.mark.xdist_group("limiter_kept")


def test_an_app_limiting_elsewhere_is_made(app, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    other = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert other.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"


def test_an_app_without_limits_is_made(app):
    other = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False})
    assert other.config["RATELIMIT_ENABLED"] is False


def test_the_test_app_still_limits_afterwards(client):
    data = {"csrf_token": csrf_token(client, "/password/forgot"), "email": "a@example.org"}
    answers = [client.post("/password/forgot", data=data).status_code for _ in range(11)]
    assert 429 not in answers[:10] and answers[10] == 429
