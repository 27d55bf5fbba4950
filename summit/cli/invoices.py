"""`flask invoices ...`: an event's invoices and credit notes as Peppol e-invoices, one
file each, and the bookkeeping (SIE 4) from the command line."""

import os
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Invoice, Order, utcnow
from ..services import bookkeeping
from ..services.billing import peppol
from ..services.events import get_event

invoices_cli = AppGroup("invoices", help="Invoices, credit notes and bookkeeping.")


@invoices_cli.command("peppol")
@click.argument("slug")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write to (made if missing).",
)
def export_peppol(slug, out):
    """Write every invoice and credit note of the event SLUG as a Peppol BIS Billing 3.0
    e-invoice (UBL): faktura-<number>.xml and kreditfaktura-<number>.xml in --out."""
    event = get_event(slug)
    if event is None:
        raise click.ClickException(f"no event {slug!r}")
    documents = db.session.scalars(
        select(Invoice).join(Order).where(Order.event_id == event.id).order_by(Invoice.number)
    ).all()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.ClickException(f"cannot make {out}: {error.strerror}") from error
    for document in documents:
        target = out / peppol.filename(document)
        # Written beside and renamed: an interrupted run leaves no half a file.
        partial = target.with_name(f".{target.name}.partial")
        try:
            partial.write_bytes(peppol.ubl(document))
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise click.ClickException(f"cannot write {target}: {error.strerror}") from error
    click.echo(f"{len(documents)} e-invoices of {event.slug} written to {out.resolve()}")


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
