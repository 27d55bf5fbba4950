"""The app factory and its configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from summit import create_app
from summit.config import ConfigError, _dev_secret_key
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SUMMIT_ENV": "production",
    "SECRET_KEY": "Vq3kZ8-pX2mR7tY0wB5nL1cH6jF4dS9gA_eU",
    "DATABASE_URL": "postgresql://summit@db.internal/summit",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "BASE_URL": "https://summit.motesplatssocialinnovation.se",
    "SMTP_HOST": "smtp.example.org",
    "MAIL_FROM": "Mötesplats Social Innovation <info@motesplatssocialinnovation.se>",
}


@pytest.fixture
def production(monkeypatch):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    return monkeypatch


def test_production_starts_with_production_settings(production):
    app = create_app()
    assert app.config["SUMMIT_ENV"] == "production"
    assert app.config["PROXY_FIX"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["LOG_FORMAT"] == "json"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("SECRET_KEY", "", "SECRET_KEY"),
        ("SECRET_KEY", "dev", "SECRET_KEY"),
        ("SECRET_KEY", "change-me", "SECRET_KEY"),
        ("SECRET_KEY", "short-key", "SECRET_KEY"),
        ("SECRET_KEY", "a" * 32, "SECRET_KEY"),
        ("SECRET_KEY", "1234" * 10, "SECRET_KEY"),
        ("DATABASE_URL", "", "DATABASE_URL"),
        ("DATABASE_URL", "sqlite:////srv/summit.db", "DATABASE_URL"),
        ("REDIS_URL", "", "REDIS_URL"),
        ("REDIS_URL", "memory://", "REDIS_URL"),
        ("BASE_URL", "http://summit.motesplatssocialinnovation.se", "BASE_URL"),
        ("SMTP_HOST", "", "SMTP_HOST"),
        ("MAIL_FROM", "Summit <noreply@localhost>", "MAIL_FROM"),
        ("ACCESS_POINT_URL", "http://ap.example.org/send", "ACCESS_POINT_URL"),
    ],
)
def test_production_refuses_each_development_setting(production, name, value, named):
    production.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        create_app()
    lines = str(refused.value).splitlines()
    assert len(lines) == 1 and lines[0].startswith(named), lines


@pytest.mark.parametrize("value", ["prod", "Production2", "staging"])
def test_an_unknown_environment_is_refused_not_taken_for_development(monkeypatch, value):
    monkeypatch.setenv("SUMMIT_ENV", value)
    with pytest.raises(ConfigError, match="SUMMIT_ENV"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_refusals_are_printed_one_line_each_from_the_shell():
    env = {**os.environ, "SUMMIT_ENV": "production", "FLASK_APP": "wsgi.py"}
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    env |= {"BASE_URL": "http://summit.test", "SMTP_HOST": ""}
    flask = str(Path(sys.executable).with_name("flask"))
    started = subprocess.run(
        [flask, "db", "current"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 4
    assert "Traceback" not in started.stderr
    said = started.stderr.strip().splitlines()
    assert said[0] == "summit will not start:"
    assert [line.split(" ", 1)[0] for line in said[1:]] == [
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "BASE_URL",
        "SMTP_HOST",
        "MAIL_FROM",
    ]


def test_the_development_key_is_written_once_and_kept(tmp_path):
    first = _dev_secret_key(tmp_path)
    assert _dev_secret_key(tmp_path) == first and len(first) >= 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no draft left behind


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


def test_gunicorn_refused_stops_instead_of_starting_processes_again_and_again(tmp_path):
    """Under gunicorn a refusal stops the whole instance ("App failed to load": the
    process exits 4), saying why once per process, instead of a loop of processes that
    start, say it and exit (an exit status of 1 is taken for a crash and the process
    started again). gunicorn's own status is 4, or 1 when the process failed while the
    master was still starting the others (its HaltServer then ends in a traceback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMIT_", "PROMETHEUS"))}
    env |= {
        "SUMMIT_ENV": "production",
        "SECRET_KEY": "a" * 32,
        "SUMMIT_BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
        "RUNTIME_DIRECTORY": str(tmp_path),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    stopped = subprocess.run(
        [gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stopped.returncode in (1, 4)  # it stopped by itself, within the timeout
    assert "App failed to load" in stopped.stderr
    assert 1 <= stopped.stderr.count("summit will not start:") <= 2
    assert "SECRET_KEY must be a random value" in stopped.stderr


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"SELLER_PAY_TO": "swish"}, "SELLER_PAY_TO='swish'"),
        ({"SELLER_PAY_TO": "plusgiro"}, "SELLER_PAY_TO=plusgiro needs SELLER_PLUSGIRO"),
        ({"SELLER_PAY_TO": "iban", "SELLER_IBAN": "SE4550000000058398257466"}, "SELLER_BIC"),
    ],
)
def test_invoices_must_say_where_to_pay(monkeypatch, settings, named):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
