"""`flask invoices ...`: invoices and the bookkeeping from the command line."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..models import utcnow
from ..services import bookkeeping
from ..services.events import get_event

invoices_cli = AppGroup("invoices", help="Invoices, credit notes and bookkeeping.")


@invoices_cli.command("sie")
@click.argument("slugs", metavar="SLUG...", nargs=-1, required=True)
@click.option(
    "--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day."
)
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The SIE file to write (e.g. summit2027.se).",
)
def sie(slugs, first, last, out):
    """Write the SIE 4 file of the events' sales, payments, refunds, invoices and credit
    notes dated from --from to --to (both included, YYYY-MM-DD, the events' time)."""
    events = []
    for slug in dict.fromkeys(slugs):
        event = get_event(slug)
        if event is None:
            raise click.BadParameter(f"no event {slug!r}", param_hint="SLUG")
        events.append(event)
    try:
        made = bookkeeping.book(events, first.date(), last.date())
        data = bookkeeping.sie_file(made, utcnow().astimezone(events[0].tz).date())
    except bookkeeping.BookkeepingError as refused:
        raise click.ClickException(str(refused.message)) from refused
    out.write_bytes(data)
    click.echo(f"{out}: vouchers {len(made.vouchers)}, accounts {len(made.names)}")
