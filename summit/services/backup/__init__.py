"""Backups that restore, and restores that are checked.

create_backup(url, path) writes one file of the whole database: pg_dump's custom format
on PostgreSQL, a copy made with SQLite's online backup API on SQLite (consistent while
the app writes). Next to it, FILE.json, its manifest: the alembic revision and the rows
of every table, read in the same snapshot the file is made from, and the file's size and
SHA-256. Both are written under temporary names, mode 0600, and renamed when whole: a
file with a backup's name is complete.

verify_backup(path) finds a backup whole (size and SHA-256 as its manifest says) and
readable (pg_restore reads it through, into nothing, and finds data for every table;
SQLite's integrity check passes and the tables hold the rows the manifest counts).

restore_backup(path, url, force) verifies the backup first, refuses a target that has
tables unless `force` (which replaces everything in it), restores (PostgreSQL: pg_restore
in one transaction, all or nothing; SQLite: the backup API, one transaction), and then
compares the target with the manifest: the same revision, the schema the models describe
(what `flask db check` compares) and the same rows in every table.
"""

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url

from ...config import sqlalchemy_url
from ..health import migration_heads
from . import postgresql, sqlite
from .database import connect, engine_for, kind_of, revision, schema_drift, shown, table_counts
from .errors import BackupError
from .manifest import SUFFIXES, Manifest, manifest_path

__all__ = [
    "BackupError",
    "Manifest",
    "RestoreReport",
    "create_backup",
    "default_path",
    "restore_backup",
    "verify_backup",
]


@dataclass
class RestoreReport:
    """What was restored, and each way the target differs from the manifest."""

    target: str
    manifest: Manifest
    revision: list[str] = field(default_factory=list)
    schema_checked: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_path(directory: Path, url: str, now: datetime | None = None) -> Path:
    """DIRECTORY/NAME-YYYYMMDDTHHMMSSZ.dump (.sqlite3), NAME the database's."""
    parsed = make_url(sqlalchemy_url(url))
    name = Path(parsed.database or "summit").stem
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return directory / f"{name}-{stamp}{SUFFIXES[kind_of(url)]}"


# Creating ------------------------------------------------------------------------------


def create_backup(url: str, path: Path) -> Manifest:
    """The database at `url` backed up to `path` (which must not exist), its manifest
    beside it. BackupError, with nothing left behind, if it cannot be made."""
    kind = kind_of(url)
    make = postgresql.dump if kind == "postgresql" else sqlite.copy
    path = Path(path)
    for final in (path, manifest_path(path)):
        if final.exists():
            raise BackupError(f"{final} exists: choose another name")
    if not path.parent.is_dir():
        raise BackupError(f"no directory {path.parent} to write the backup in")
    partials = [_partial(path), _partial(manifest_path(path))]
    partial, manifest_partial = partials
    try:
        made = make(sqlalchemy_url(url), partial)
        _sync(partial)
        manifest = Manifest(
            kind=kind,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            database=shown(url),
            **made,
            size=partial.stat().st_size,
            sha256=_sha256(partial),
        )
        manifest_partial.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
        _sync(manifest_partial)
        # The manifest first: a file with the backup's name always has its manifest.
        os.replace(manifest_partial, manifest_path(path))
        os.replace(partial, path)
        _sync(path.parent)
    finally:
        for leftover in partials:
            leftover.unlink(missing_ok=True)
    return manifest


def _partial(final: Path) -> Path:
    """A new, empty file of mode 0600 to write `final` in, hidden, in its directory."""
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    return partial


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Verifying and restoring -----------------------------------------------------------------


def verify_backup(path: Path) -> Manifest:
    """The backup's manifest, once the file is found whole and readable."""
    path = Path(path)
    manifest = Manifest.read(path)
    if path.stat().st_size != manifest.size or _sha256(path) != manifest.sha256:
        raise BackupError(
            f"{path} is not the file its manifest describes ({path.stat().st_size} bytes, "
            f"{manifest.size} written): truncated or changed since"
        )
    (postgresql.check if manifest.kind == "postgresql" else sqlite.check)(path, manifest)
    return manifest


def restore_backup(path: Path, url: str, force: bool = False) -> RestoreReport:
    """The backup at `path` restored into the database at `url`, and the result
    compared with its manifest. BackupError, with the target unchanged, when the backup
    is not whole, is of the other kind of database, or the target has tables and not
    `force`; with `force`, a failing restore leaves the target empty."""
    manifest = verify_backup(path)
    url = sqlalchemy_url(url)
    if kind_of(url) != manifest.kind:
        raise BackupError(
            f"{path.name} is a {manifest.kind} backup: it restores into {manifest.kind}, "
            f"not into {shown(url)}"
        )
    engine = engine_for(url)
    try:
        with connect(engine) as conn:
            tables = inspect(conn).get_table_names()
        if tables and not force:
            raise BackupError(
                f"refused: {shown(url)} is not empty ({len(tables)} tables); restore into "
                "an empty database, or add --force to replace everything in it"
            )
        restore = postgresql.restore if manifest.kind == "postgresql" else sqlite.restore
        restore(Path(path), url, engine, wipe=bool(tables))
        return compare(engine, manifest, shown(url))
    finally:
        engine.dispose()


def compare(engine: Engine, manifest: Manifest, target: str) -> RestoreReport:
    """How the restored database differs from the manifest: revision, schema, rows."""
    report = RestoreReport(target=target, manifest=manifest)
    with connect(engine) as conn:
        report.revision = revision(conn)
        if report.revision != manifest.revision:
            report.problems.append(
                f"revision {', '.join(report.revision) or 'none'}, "
                f"the backup has {', '.join(manifest.revision) or 'none'}"
            )
        if set(report.revision) == set(migration_heads()):
            report.schema_checked = True
            report.problems.extend(f"schema: {diff}" for diff in schema_drift(conn))
        counts = table_counts(conn)
    for table in sorted(set(counts) | set(manifest.tables)):
        restored, backed_up = counts.get(table), manifest.tables.get(table)
        if restored != backed_up:
            report.problems.append(
                f"table {table}: {_rows(backed_up)} in the backup, {_rows(restored)} restored"
            )
    return report


def _rows(count: int | None) -> str:
    if count is None:
        return "missing"
    return f"{count} row" if count == 1 else f"{count} rows"
