"""The migrations build the schema the models describe, on SQLite and on PostgreSQL.

Runs the real commands (`flask db upgrade`, then `flask db check`) on an empty
database: SQLite always; PostgreSQL when TEST_DATABASE_URL points at one (a fresh
database is created next to it and dropped afterwards).
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        SECRET_KEY="migration-test-secret-key-long-enough",
    )
    return subprocess.run(
        [FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def upgrade_then_check(database_url: str) -> None:
    upgraded = flask(database_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    checked = flask(database_url, "db", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
    # And back down to nothing, so a bad downgrade is found before it is needed.
    downgraded = flask(database_url, "db", "downgrade", "base")
    assert downgraded.returncode == 0, downgraded.stderr


def test_migrations_match_models_on_sqlite(tmp_path):
    upgrade_then_check(f"sqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL")
def test_migrations_match_models_on_postgresql():
    name = f"summit_migrations_{secrets.token_hex(4)}"
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base, _, _ = admin_url.rpartition("/")
        upgrade_then_check(f"{base}/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
