"""SQLite backups: a copy made with SQLite's online backup API, which reads one
consistent state of the database while the app goes on writing, and restores the same
way into the target (one transaction: the target is either as it was or the copy)."""

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from .database import connect, revision, table_counts
from .errors import BackupError
from .manifest import Manifest


def copy(url: str, partial: Path) -> dict:
    source = _file(url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as live,
            closing(sqlite3.connect(partial)) as copied,
        ):
            live.backup(copied)
            # One self-contained file, whatever journal the live database keeps, without
            # the free pages the live one has collected.
            copied.execute("PRAGMA journal_mode=DELETE")
            copied.execute("VACUUM")
    except sqlite3.Error as error:
        raise BackupError(f"cannot back up {source}: {error}") from None
    engine = _read_only(partial)
    try:
        with connect(engine) as conn:
            made = {"revision": revision(conn), "tables": table_counts(conn)}
    finally:
        engine.dispose()
    return {**made, "made_by": f"SQLite {sqlite3.sqlite_version}"}


def check(path: Path, manifest: Manifest) -> None:
    """SQLite's integrity check passes and the tables hold the rows counted."""
    engine = _read_only(path)
    try:
        with connect(engine) as conn:
            verdict = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            counts = table_counts(conn) if verdict == "ok" else {}
    except (BackupError, DBAPIError) as error:
        reason = error.orig if isinstance(error, DBAPIError) else error
        raise BackupError(f"{path} is not a readable SQLite database: {reason}") from None
    finally:
        engine.dispose()
    if verdict != "ok":
        found = "; ".join(line for line in str(verdict).splitlines() if "***" not in line)
        raise BackupError(f"{path} fails SQLite's integrity check: {found}")
    if counts != manifest.tables:
        raise BackupError(f"{path} does not hold the rows its manifest counts")


def restore(path: Path, url: str, engine: Engine, wipe: bool) -> None:
    """The backup copied over the target with the backup API (`wipe` is implied: the
    copy replaces every page)."""
    target = _file(url)
    try:
        with (
            closing(sqlite3.connect(_uri(path), uri=True)) as backup,
            closing(sqlite3.connect(target, timeout=30)) as live,
        ):
            backup.backup(live)
    except sqlite3.Error as error:
        raise BackupError(f"cannot restore into {target}: {error}") from None


def _file(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"{url} is not a database file (sqlite:///path/to/file.db)")
    return Path(name)


def _uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _read_only(path: Path) -> Engine:
    return create_engine(
        "sqlite://",
        poolclass=NullPool,
        creator=lambda: sqlite3.connect(_uri(path), uri=True),
    )
