"""Another app made in a test must not change how the test app limits afterwards (see
conftest's limiter_kept, which every test runs in)."""

from summit import create_app
from tests.conftest import csrf_token, limiter_kept


def forgot_password_answers(client) -> list[int]:
    data = {"csrf_token": csrf_token(client, "/password/forgot"), "email": "a@example.org"}
    return [client.post("/password/forgot", data=data).status_code for _ in range(11)]


def test_the_test_app_still_limits_after_other_apps_were_made(client, monkeypatch):
    with limiter_kept():
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
        elsewhere = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
        monkeypatch.delenv("REDIS_URL")
        unlimited = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_ENABLED": False})
    assert elsewhere.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"
    assert unlimited.config["RATELIMIT_ENABLED"] is False
    answers = forgot_password_answers(client)
    assert 429 not in answers[:10] and answers[10] == 429
