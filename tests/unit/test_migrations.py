"""The migrations build the schema the models describe, on SQLite and on PostgreSQL.

Runs the real commands on an empty database: `flask db upgrade` from the shell as an
operator does, then `flask db check` and `flask db downgrade base`; SQLite always,
PostgreSQL when TEST_DATABASE_URL points at one (a fresh database is created next to it
and dropped afterwards). All but the first command run in this process (`db_command`):
a fresh interpreter for each would take seconds to start.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PG_URL
from tests.shell import db_command, flask

ROOT = Path(__file__).resolve().parents[2]


def upgrade_then_check(database_url: str) -> None:
    import sqlalchemy as sa

    upgraded = flask(database_url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    checked = db_command(database_url, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The same check fails on a schema the models do not describe, and names the drift.
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE not_in_the_models (id integer PRIMARY KEY)"))
    drifted = db_command(database_url, "check")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE not_in_the_models"))
    engine.dispose()
    assert drifted.returncode != 0
    assert "New upgrade operations detected" in drifted.stdout
    assert "not_in_the_models" in drifted.stdout
    # And back down to nothing, so a bad downgrade is found before it is needed.
    downgraded = db_command(database_url, "downgrade", "base")
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


def _seed_at_0006(database_url: str) -> None:
    """An event with an order and a ticket for Åsa Öberg-Lindqvist, written as of 0006."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    now = "2027-05-18 07:00:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO events (id, slug, kind, status, format, name_sv, name_en,"
                " description_sv, description_en, venue_name, venue_address, stream_url,"
                " starts_at, ends_at, timezone, currency, created_at, updated_at)"
                " VALUES (1, 'e', 'summit', 'published', 'on_site', 'E', '', '', '', '', '',"
                " '', :t, :t, 'Europe/Stockholm', 'SEK', :t, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO ticket_types (id, event_id, name_sv, name_en, description_sv,"
                " description_en, price, vat_percent, is_visible, is_active, max_per_order,"
                " position) VALUES (1, 1, 'Dag', '', '', '', 150000, 25, true, true, 5, 0)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO orders (id, event_id, token, reference, status, expires_at,"
                " created_at, locale, buyer_name, buyer_email, buyer_organisation, org_number,"
                " invoice_address, invoice_reference) VALUES (1, 1, 'tok', 'REF12345', 'paid',"
                " :t, :t, 'sv', 'Åsa Öberg-Lindqvist', 'asa@example.se', 'Malmö stad', '', '', '')"
            ),
            {"t": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO tickets (id, order_id, ticket_type_id, secret, status, price,"
                " vat_percent, refunded_amount, attendee_name, attendee_email,"
                " attendee_organisation, dietary_needs, accessibility_needs)"
                " VALUES (1, 1, 1, 'secret', 'valid', 150000, 25, 0, 'Åsa Öberg-Lindqvist',"
                " 'asa@example.se', 'Malmö stad', '', '')"
            )
        )
    engine.dispose()


def _count_and_folded(database_url: str) -> tuple[int, str | None]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar()
        folded = conn.execute(sa.text("SELECT search_text FROM tickets")).scalar()
    engine.dispose()
    return count, folded


def upgrade_keeps_data(database_url: str) -> None:
    assert db_command(database_url, "upgrade", "0006_program").returncode == 0
    _seed_at_0006(database_url)
    upgraded = db_command(database_url, "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    # Rebuilding a table must not cascade into the rows pointing at it, and the names
    # already stored are folded for search.
    assert _count_and_folded(database_url) == (1, "asa oberg-lindqvist asa@example.se malmo stad")
    downgraded = db_command(database_url, "downgrade", "0006_program")
    assert downgraded.returncode == 0, downgraded.stderr
    assert db_command(database_url, "upgrade").returncode == 0
    assert _count_and_folded(database_url)[0] == 1


def test_upgrades_keep_existing_orders_on_sqlite(tmp_path):
    upgrade_keeps_data(f"sqlite:///{tmp_path / 'existing.db'}")


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL")
def test_upgrades_keep_existing_orders_on_postgresql():
    name = f"summit_migrations_{secrets.token_hex(4)}"
    admin_url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base, _, _ = admin_url.rpartition("/")
        upgrade_keeps_data(f"{base}/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_refunds_recorded_before_0009_are_succeeded(tmp_path):
    """Refunds had no status before 0009_payments and were all taken as final: they are
    backfilled as succeeded, and a payment gets no dispute."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'refunds.db'}"
    assert db_command(url, "upgrade", "0006_program").returncode == 0
    _seed_at_0006(url)
    assert db_command(url, "upgrade", "0008_vouchers").returncode == 0
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO payments (id, order_id, method, status, amount, currency,"
                " provider_ref, provider_intent, refunded_amount, refund_due, created_at)"
                " VALUES (1, 1, 'stripe', 'succeeded', 150000, 'SEK', 'cs_1', 'pi_1', 150000,"
                " false, '2027-05-18 07:00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO refunds (id, payment_id, ticket_id, amount, provider_ref, reason,"
                " created_at) VALUES (1, 1, 1, 150000, 're_1', 'stripe', '2027-05-18 08:00:00')"
            )
        )

    upgraded = db_command(url, "upgrade", "0009_payments")

    assert upgraded.returncode == 0, upgraded.stderr
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM refunds")).all() == [("succeeded",)]
        assert conn.execute(sa.text("SELECT dispute_ref FROM payments")).all() == [(None,)]
    engine.dispose()


def test_the_heads_readyz_expects_are_alembics():
    """/readyz reads the migration heads from the files without Alembic (10 MB a web
    process); they must be the ones Alembic finds."""
    from alembic.script import ScriptDirectory

    from summit.services import health

    alembic_heads = ScriptDirectory(str(health.MIGRATIONS)).get_heads()
    assert health.migration_heads() == frozenset(alembic_heads) and len(alembic_heads) == 1


def test_a_web_process_does_not_load_alembic(tmp_path):
    """gunicorn's app (wsgi.py, not the flask command) answers without Alembic loaded."""
    code = (
        "import sys, wsgi; wsgi.app.test_client().get('/readyz');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "s" * 40}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
