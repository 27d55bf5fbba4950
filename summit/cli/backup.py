"""`flask backup create | verify | restore`: the database in one file with its manifest,
and back (services/backup holds the rules)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..services import backup
from ..services.backup import BackupError, Manifest
from ..services.health import migration_heads

backup_cli = AppGroup("backup", help="Backups of the database, and restoring them.")

BACKUP_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _refused(error: BackupError):
    return click.ClickException(str(error))


@backup_cli.command("create")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default: BACKUP_DIR/NAME-TIMESTAMP.dump); FILE.json beside it.",
)
def create(out: Path | None):
    """Back up DATABASE_URL: pg_dump (custom format) on PostgreSQL, SQLite's online
    backup on SQLite, consistent while the app runs. Prints the file and its size."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if out is None:
        directory = Path(current_app.config["BACKUP_DIR"])
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        out = backup.default_path(directory, url)
    try:
        manifest = backup.create_backup(url, out)
    except BackupError as error:
        raise _refused(error) from None
    click.echo(f"{out} ({_size(manifest.size)}): {_contents(manifest)}")


@backup_cli.command("verify")
@click.argument("file", type=BACKUP_FILE)
def verify(file: Path):
    """Check that FILE is whole (as its manifest FILE.json says) and readable."""
    try:
        manifest = backup.verify_backup(file)
    except BackupError as error:
        raise _refused(error) from None
    click.echo(f"{file} is whole: {_contents(manifest)}, made {manifest.created_at}")


@backup_cli.command("restore")
@click.argument("file", type=BACKUP_FILE)
@click.option(
    "--into", "into", metavar="DATABASE_URL", help="Restore there instead of DATABASE_URL."
)
@click.option("--force", is_flag=True, help="Replace everything in a database that has tables.")
def restore(file: Path, into: str | None, force: bool):
    """Restore FILE into an empty database, then compare it with FILE's manifest:
    revision, schema (as `flask db check`) and the rows of every table. Exits 1 when
    anything differs."""
    url = into or current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        report = backup.restore_backup(file, url, force=force)
    except BackupError as error:
        raise _refused(error) from None
    manifest = report.manifest
    click.echo(f"restored {file.name} into {report.target}")
    click.echo(f"  revision  {', '.join(report.revision) or 'none'}")
    if report.schema_checked:
        click.echo("  schema    compared with the models")
    else:
        click.echo(
            f"  schema    not compared: this code's revision is {', '.join(migration_heads())}"
            " (an older backup: `flask db upgrade`)"
        )
    click.echo(f"  rows      {manifest.rows} in {len(manifest.tables)} tables in the backup")
    for problem in report.problems:
        click.echo(f"  DIFFERS   {problem}", err=True)
    if not report.ok:
        raise click.exceptions.Exit(1)
    click.echo("ok: the database is as the backup says")


def _contents(manifest: Manifest) -> str:
    revision = ", ".join(manifest.revision) or "none"
    return f"{len(manifest.tables)} tables, {manifest.rows} rows, revision {revision}"


def _size(size: int) -> str:
    value, unit = float(size), "bytes"
    for larger in ("kB", "MB", "GB", "TB"):
        if value < 1000:
            break
        value, unit = value / 1000, larger
    return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
