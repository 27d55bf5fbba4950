"""`flask events ...`: events from the command line."""

import click
from flask.cli import AppGroup

from ..services.event_copy import copy_event
from ..services.events import EventError, get_event

events_cli = AppGroup("events", help="Events.")


@events_cli.command("copy")
@click.argument("source")
@click.argument("slug")
@click.option(
    "--starts", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD."
)
@click.option("--name-sv", default=None, help="The copy's Swedish name (default: the same).")
@click.option("--name-en", default=None, help="The copy's English name (default: the same).")
def copy(source, slug, starts, name_sv, name_en):
    """Copy the event SOURCE as a draft at SLUG starting on --starts: its ticket types,
    rooms, tracks, program days and call for speakers, dates moved; no people or orders."""
    event = get_event(source)
    if event is None:
        raise click.ClickException(f"no event {source!r}")
    try:
        made = copy_event(event, slug, starts.date(), name_sv=name_sv, name_en=name_en)
    except EventError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"{made.slug}: a draft from {made.starts_at:%Y-%m-%d} (copied from {event.slug})")
