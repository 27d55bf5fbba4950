"""The backup round trip as an operator makes it, for tests/unit/test_backup.py (SQLite)
and tests/pg/test_backup.py (PostgreSQL): `flask backup create` and `flask backup
restore` from the shell, `flask db check` on what was restored (in this process), every table's rows
counted on both sides, and a ticket, a receipt, an invoice and a sheet of badges
rendered from both databases and compared as people read them (text and page images).

BackupTests holds the tests; a module runs them with a subclass and a fixture
`new_database`, a function giving the URL of a fresh, empty database each call."""

import hashlib
import json
import re
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from summit.extensions import db
from summit.models import Invoice, Order, OrderStatus, Ticket, TicketStatus
from summit.services.badges.printing import badges_for
from summit.services.badges.render import render_badges
from summit.services.tickets.documents import render_document
from tests import pdf
from tests.conftest import app_like
from tests.shell import db_command, flask

NewDatabase = Callable[[], str]
CHANGED = "Changed after the backup"


def table_counts(url: str) -> dict[str, int]:
    """Every table of the database at `url` and its rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {
                table: conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
                for table in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def sample_documents() -> dict[str, bytes]:
    """PDFs of this app's database: the first valid ticket, the receipt of the first paid
    order, the first invoice, and a sheet of badges of the first eight tickets."""
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.VALID).order_by(Ticket.id).limit(8)
    ).all()
    paid = db.session.scalars(
        select(Order.id).where(Order.status == OrderStatus.PAID).order_by(Order.id)
    ).first()
    invoiced = db.session.scalars(select(Invoice.order_id).order_by(Invoice.number)).first()
    return {
        "ticket": render_document(f"ticket:{tickets[0].id}"),
        "receipt": render_document(f"receipt:{paid}"),
        "invoice": render_document(f"invoice:{invoiced}"),
        "badges": render_badges(badges_for(list(tickets)), "a6x4"),
    }


def read(document: bytes) -> tuple[list[str], list[bytes]]:
    """What a reader gets of a PDF: each page's text and each page's picture."""
    return pdf.page_texts(document), [image.tobytes() for image in pdf.page_images(document)]


def round_trip(app, new_database: NewDatabase, backups: Path) -> None:
    """The test app's database (the demo in it, at the migrations' head) backed up and
    restored into a new database, which then holds the same: see the module."""
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    before = table_counts(source)
    assert before["tickets"] > 100 and before["invoices"] > 0 and before["alembic_version"] == 1

    made = flask(source, "backup", "create", BACKUP_DIR=str(backups))
    assert made.returncode == 0, made.stderr
    said = re.fullmatch(
        r"(\S+) \(\d+\.\d [kM]B\): \d+ tables, \d+ rows, revision \S+\n", made.stdout
    )
    assert said, made.stdout
    path = Path(said[1])
    assert path.parent == backups
    for written in (path, path.with_name(path.name + ".json")):
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(path.with_name(path.name + ".json").read_text())["tables"] == before

    target = new_database()
    restored = flask(source, "backup", "restore", str(path), "--into", target)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "ok: the database is as the backup says" in restored.stdout

    checked = db_command(target, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert table_counts(target) == before

    expected = {name: read(document) for name, document in sample_documents().items()}
    other = app_like(app, SQLALCHEMY_DATABASE_URI=target)
    with other.app_context():
        try:
            found = {name: read(document) for name, document in sample_documents().items()}
        finally:
            db.session.remove()
            db.engine.dispose()
    for name, (texts, images) in expected.items():
        assert found[name][0] == texts, name
        assert found[name][1] == images, f"{name}: the pages look different"
    # The ticket the documents were made of: the first by id (on PostgreSQL rows come
    # back in any order without one).
    first = db.session.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.VALID).order_by(Ticket.id)
    )
    assert first.first().attendee_name in expected["ticket"][0][0]


def restore(app, backup: Path, target: str, *more: str):
    """`flask backup restore` run in this process (the refusals need no fresh one)."""
    return app.test_cli_runner().invoke(
        args=["backup", "restore", str(backup), "--into", target, *more]
    )


def create(app, out: Path) -> Path:
    made = app.test_cli_runner().invoke(args=["backup", "create", "--out", str(out)])
    assert made.exit_code == 0, made.output
    return out


def refuses_a_database_with_tables(app, new_database: NewDatabase, backups: Path) -> None:
    """A target with tables is left alone without --force, and replaced with it."""
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    backup = create(app, backups / "one.backup")
    target = new_database()
    assert restore(app, backup, target).exit_code == 0
    engine = create_engine(target, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE users SET name = '{CHANGED}'"))  # noqa: S608
    counts = table_counts(target)
    changed = text(f"SELECT count(*) FROM users WHERE name = '{CHANGED}'")  # noqa: S608

    refused = restore(app, backup, target)

    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--force" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert table_counts(target) == counts
    with engine.connect() as conn:
        assert conn.execute(changed).scalar() > 0

    replaced = restore(app, backup, target, "--force")

    assert replaced.exit_code == 0, replaced.output
    assert table_counts(target) == table_counts(source)
    with engine.connect() as conn:
        assert conn.execute(changed).scalar() == 0
    engine.dispose()


def refuses_damaged_backups(
    app, new_database: NewDatabase, backups: Path, unreadable: str, tail: int
) -> Path:
    """A truncated file, a file of garbage, and a file missing its last `tail` bytes
    whose manifest was rewritten to match it are refused with a line saying so, the
    target untouched. The last gets as far as reading the file (and says `unreadable`);
    it is returned, for the test to show how far."""
    backup = create(app, backups / "whole.backup")
    verified = app.test_cli_runner().invoke(args=["backup", "verify", str(backup)])
    assert verified.exit_code == 0 and " is whole: " in verified.output, verified.output
    whole = backup.read_bytes()
    manifest = json.loads(backup.with_name(backup.name + ".json").read_text())

    def damaged(name: str, content: bytes, manifest: dict | None) -> Path:
        path = backups / name
        path.write_bytes(content)
        if manifest is not None:
            path.with_name(name + ".json").write_text(json.dumps(manifest))
        return path

    tail_cut = whole[:-tail]
    matching = {**manifest, "size": len(tail_cut), "sha256": hashlib.sha256(tail_cut).hexdigest()}
    cases = [
        (damaged("truncated.backup", whole[: len(whole) // 2], manifest), "truncated or changed"),
        (damaged("garbage.backup", b"\x00garbage" * 4096, None), "no manifest"),
        (damaged("tail-cut.backup", tail_cut, matching), unreadable),
    ]
    target = new_database()
    for path, words in cases:
        for command in (["verify", str(path)], ["restore", str(path), "--into", target]):
            refused = app.test_cli_runner().invoke(args=["backup", *command])
            assert refused.exit_code == 1, (command, refused.output)
            assert refused.output.startswith("Error: ") and words in refused.output, refused.output
            assert len(refused.output.strip().splitlines()) == 1, refused.output
            assert table_counts(target) == {}, command
    return cases[-1][0]


class BackupTests:
    """The round trip and the refusals, for a subclass that says how its database's
    check names an unreadable file (`unreadable`), how many bytes of the end of a backup
    to cut off for it (`tail`), and what the cut file still is (`cut_file_is`)."""

    unreadable: str
    tail: int

    def test_a_backup_restores_into_a_new_database_as_it_was(
        self, app, demo, at_head, new_database, tmp_path
    ):
        round_trip(app, new_database, tmp_path / "backups")

    def test_a_database_with_tables_is_replaced_only_with_force(
        self, app, at_head, make_user, new_database, tmp_path
    ):
        make_user()
        refuses_a_database_with_tables(app, new_database, tmp_path)

    def test_a_damaged_backup_is_refused_and_changes_nothing(
        self, app, at_head, make_user, new_database, tmp_path
    ):
        make_user()
        cut = refuses_damaged_backups(app, new_database, tmp_path, self.unreadable, self.tail)
        self.cut_file_is(cut)

    def cut_file_is(self, cut: Path) -> None:
        """Assert what the database's own tools make of the file cut short."""
