"""`flask backup` on PostgreSQL: the demo dumped from the shell, restored into a new
database and found the same (tests/backups.py); a database with tables is not touched
without --force; damaged backups are refused before anything is restored, even a dump
missing only its last 64 bytes, whose table of contents still reads; a restore that
differs from the manifest says how; and what keeps a backup from being made is said in
one line. Each restore goes to a new database
summit_backup_*, dropped afterwards."""

import json
import secrets
import stat
import subprocess

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests import backups
from tests.backups import BackupTests
from tests.conftest import app_like


@pytest.fixture
def new_database(database_url):
    server = make_url(database_url)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    made = []

    def new() -> str:
        name = f"summit_backup_{secrets.token_hex(4)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield new
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TestOnPostgreSQL(BackupTests):
    unreadable = "pg_restore cannot read"
    tail = 64

    def cut_file_is(self, cut):
        # Its table of contents alone reads well: the whole archive is read to find out.
        listed = subprocess.run(["pg_restore", "--list", cut], capture_output=True, timeout=60)
        assert listed.returncode == 0, listed.stderr


def _older_pg_dump(bin_dir):
    script = bin_dir / "pg_dump"
    script.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("no pg_dump", "pg_dump is not installed: install the Debian package postgresql-client"),
        ("older pg_dump", "pg_dump 9.6 is older than the server"),
        ("no server", "cannot reach the database postgresql://postgres@127.0.0.1:1/summit"),
    ],
)
def test_what_keeps_a_backup_from_being_made_is_said_in_one_line(
    app, tmp_path, monkeypatch, setting, words
):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    made_by = app
    if setting == "no pg_dump":
        monkeypatch.setenv("PATH", str(bin_dir))
    elif setting == "older pg_dump":
        _older_pg_dump(bin_dir)
        monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    else:
        made_by = app_like(
            app, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/summit"
        )
    out = tmp_path / "backups" / "summit.dump"
    out.parent.mkdir()

    with made_by.app_context():  # the command runs in the app whose context is current
        made = made_by.test_cli_runner().invoke(args=["backup", "create", "--out", str(out)])

    assert made.exit_code == 1
    assert made.output.startswith("Error: ") and words in made.output, made.output
    assert len(made.output.strip().splitlines()) == 1
    assert list(out.parent.iterdir()) == []


def test_a_restore_that_differs_from_its_manifest_says_how_and_exits_1(
    app, at_head, make_user, new_database, tmp_path
):
    make_user()
    backup = backups.create(app, tmp_path / "summit.dump")
    manifest_file = backup.with_name(backup.name + ".json")
    manifest = json.loads(manifest_file.read_text())
    manifest["tables"]["users"] += 1  # a row the file does not hold
    manifest_file.write_text(json.dumps(manifest))

    restored = app.test_cli_runner().invoke(
        args=["backup", "restore", str(backup), "--into", new_database()]
    )

    assert restored.exit_code == 1
    assert "DIFFERS   table users: 2 rows in the backup, 1 row restored" in restored.output
    assert "ok:" not in restored.output
