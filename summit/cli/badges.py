"""`flask badges SLUG --layout a6 --out badges.pdf`: an event's badges as one PDF, made
on the command line (logged as printed, channel "cli")."""

import os
from pathlib import Path

import click

from ..database import unit_of_work
from ..models import PrintChannel
from ..services.badges import jobs as badge_jobs
from ..services.badges.printing import SORTS, badges_for, record_prints
from ..services.badges.render import LAYOUTS, render_badges
from ..services.events import get_event
from ..services.privacy import audit
from ..services.tickets.sales import ticket_types


def _ticket_type_ids(event, wanted: tuple[str, ...]) -> list[int]:
    """Ticket types named by id or by (Swedish or English) name, case ignored."""
    types = ticket_types(event)
    ids = []
    for value in wanted:
        text = value.strip()
        found = [
            t
            for t in types
            if (text.isdigit() and t.id == int(text))
            or text.casefold() in {t.name_sv.casefold(), (t.name_en or "").casefold()}
        ]
        if not found:
            names = ", ".join(f"{t.id}: {t.name_sv}" for t in types) or "none"
            raise click.BadParameter(
                f"no ticket type {value!r} in {event.slug} (its ticket types: {names})",
                param_hint="--ticket-type",
            )
        ids.extend(t.id for t in found)
    return ids


@click.command("badges")
@click.argument("slug")
@click.option(
    "--layout", required=True, type=click.Choice(list(LAYOUTS)), help="How badges are placed."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The PDF file to write.",
)
@click.option(
    "--ticket-type",
    "ticket_type",
    multiple=True,
    metavar="NAME_OR_ID",
    help="Only this ticket type (repeat for several); none: every type.",
)
@click.option("--only-unprinted", is_flag=True, help="Leave out badges printed before.")
@click.option("--sort", type=click.Choice(SORTS), default="last_name", show_default=True)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en", "own"]),
    default="sv",
    show_default=True,
    help="Language of the words on the badges; own: each order's language.",
)
def badges(slug, layout, out, ticket_type, only_unprinted, sort, lang):
    """Write the badges of the event SLUG to one PDF and log them as printed."""
    event = get_event(slug)
    if event is None:
        raise click.ClickException(f"no event {slug!r}")
    ids = _ticket_type_ids(event, ticket_type)
    try:
        tickets = badge_jobs.select_tickets(
            event, ticket_type_ids=ids, sort=sort, only_unprinted=only_unprinted
        )
    except badge_jobs.BadgeJobError as error:
        hint = " (without --only-unprinted they are printed again)"
        raise click.ClickException(
            f"{error}{hint}" if error.reason == "all_printed" else str(error)
        ) from error
    total = len(tickets)
    click.echo(f"{total} badges of {event.slug}, layout {layout}...", err=True)

    def progress(done):
        if done < total:
            click.echo(f"  {done} of {total}", err=True)

    pdf = render_badges(badges_for(tickets, None if lang == "own" else lang), layout, progress)
    # Write next to the target and rename: an interrupted run leaves no half a PDF.
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(pdf)
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {out}: {error.strerror}") from error
    with unit_of_work():
        record_prints([t.id for t in tickets], PrintChannel.CLI, layout)
    audit.record("badge_cli", event, total, None)
    click.echo(f"{total} badges written to {out.resolve()}")
