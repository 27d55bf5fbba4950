"""`flask checkin ...`: set up doors from the command line."""

import click
from flask.cli import AppGroup

from ..services.checkin import setup as checkin_setup
from ..services.events import get_event

checkin_cli = AppGroup("checkin", help="Check-in at the door.")


@checkin_cli.command("station-token")
@click.argument("slug")
@click.argument("name")
def station_token(slug, name):
    """Create a check-in station NAME for the event SLUG and print its token (shown only
    this once). The event gets a check-in list "Entré" if it has none."""
    event = get_event(slug)
    if event is None:
        raise click.ClickException(f"no event {slug!r}")
    try:
        station, token = checkin_setup.create_station(event, name)
    except checkin_setup.SetupError as error:
        raise click.ClickException(f"{error.field}: {error.reason}") from error
    click.echo(
        f"station {station.name!r} on list {station.checkin_list.name!r} of {event.slug}",
        err=True,
    )
    click.echo(token)
