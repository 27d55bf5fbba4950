"""The app factory and its configuration."""

import pytest

from summit import create_app
from summit.config import ConfigError


@pytest.mark.parametrize("key", ["", "dev", "change-me", "short-key"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    monkeypatch.setenv("SUMMIT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret_key(monkeypatch):
    monkeypatch.setenv("SUMMIT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SUMMIT_ENV"] == "production"
    assert app.config["PROXY_FIX"] is True


def test_database_url_from_environment_uses_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/summit")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@db.internal:5432/summit"
    )


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///") and uri.endswith("/instance/summit.db")


def test_rate_limit_storage_follows_redis_url(monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
