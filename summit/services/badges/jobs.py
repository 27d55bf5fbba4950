"""Print runs of badges: asked for on the badge page, rendered by `flask worker`, the
PDF kept for a day.

A run is counted when it is asked for and renders exactly the tickets counted then (their
ids are kept in its selection), so the number on the page is the number printed. The web
process only queues it: rendering a thousand badges takes seconds of CPU and a hundred
megabytes, which belong in a worker process, not in a thread that answers the door.
Whichever worker comes first renders it and holds it by its claim (status RUNNING, its
own started_at, its name in `renderer`, a lease it extends as chunks finish); the claim
is one conditional UPDATE, so a run is never rendered by two at once. If that worker
dies, another takes the run over once the lease (BADGE_RUN_LEASE seconds) has ended.
The badges are logged as printed in the same commit that marks the run done.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...logs import current_request_id
from ...models import (
    BadgeJob,
    BadgeJobStatus,
    BadgePrint,
    Event,
    Order,
    OrderStatus,
    PrintChannel,
    Ticket,
    TicketStatus,
    TicketType,
    User,
    utcnow,
)
from .. import runs
from ..refusal import Refusal
from .printing import (
    LOCALES,
    SORTS,
    badges_for,
    printable_ticket_ids,
    printable_tickets,
    record_prints,
)
from .render import LAYOUTS, render_badges

log = logging.getLogger(__name__)

KEEP_PDF = timedelta(days=1)
UNATTENDED = runs.UNATTENDED


class BadgeJobError(Refusal):
    """A run that cannot be made as asked. `field` names what was wrong (layout, sort,
    locale, ticket_types, only_unprinted, tickets), `reason` says how; str() is for
    people who read English (the CLI), `message` for the badge page."""

    messages = {
        "unknown_layout": lambda p: _("Choose one of the badge layouts."),
        "unknown_sort": lambda p: _("Choose one of the options."),
        "unknown_locale": lambda p: _("Choose one of the options."),
        "unknown_ticket_type": lambda p: _("Choose among this event's ticket types."),
        "all_printed": lambda p: _(
            "Every badge of this choice has been printed already. Choose “All” to print them again."
        ),
        "none": lambda p: _(
            "No paid or invoiced tickets of this choice: there is nothing to print."
        ),
        "not_valid": lambda p: _("Only valid tickets of paid or invoiced orders have a badge."),
    }


@dataclass(frozen=True)
class TypeCounts:
    tickets: int  # valid tickets of confirmed orders: each gets a badge
    printed: int  # of which a badge has been printed at least once


def badge_counts(event: Event) -> dict[int, TypeCounts]:
    """Per ticket type id of the event: how many tickets get a badge and how many of them
    have had one printed. Types without such tickets are missing."""
    printed = select(BadgePrint.id).where(BadgePrint.ticket_id == Ticket.id).exists()
    rows = db.session.execute(
        select(
            Ticket.ticket_type_id,
            func.count(Ticket.id),
            func.coalesce(func.sum(case((printed, 1), else_=0)), 0),
        )
        .join(Order, Order.id == Ticket.order_id)
        .where(
            Order.event_id == event.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,
        )
        .group_by(Ticket.ticket_type_id)
    )
    return {type_id: TypeCounts(int(n), int(p)) for type_id, n, p in rows}


def check_choice(
    *, layout: str | None = None, sort: str | None = None, locale: str | None = None
) -> None:
    """BadgeJobError for a layout, sort or badge language we do not have; what is not
    given is not checked (a locale of None is each order's own language)."""
    if layout is not None and layout not in LAYOUTS:
        raise BadgeJobError(
            "unknown_layout",
            "layout",
            detail=f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}",
        )
    if sort is not None and sort not in SORTS:
        raise BadgeJobError(
            "unknown_sort",
            "sort",
            detail=f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}",
        )
    if locale is not None and locale not in LOCALES:
        raise BadgeJobError(
            "unknown_locale",
            "locale",
            detail=f"unknown badge language {locale!r}; choose one of {', '.join(LOCALES)}",
        )


def check_ticket_types(event: Event, ticket_type_ids) -> list[int]:
    """The ids as ints, each one of the event's ticket types; BadgeJobError otherwise."""
    try:
        ids = sorted({int(i) for i in ticket_type_ids})
    except (TypeError, ValueError):
        raise BadgeJobError(
            "unknown_ticket_type", "ticket_types", detail="ticket types must be ids"
        ) from None
    if ids:
        known = set(
            db.session.scalars(
                select(TicketType.id).where(TicketType.event_id == event.id, TicketType.id.in_(ids))
            )
        )
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise BadgeJobError(
                "unknown_ticket_type",
                "ticket_types",
                detail=f"ticket type(s) {unknown} are not ticket types of {event.slug}",
            )
    return ids


def select_tickets(
    event: Event,
    *,
    ticket_type_ids=(),
    sort: str = "last_name",
    only_unprinted: bool = False,
) -> list[Ticket]:
    """printable_tickets, with the choice checked first (BadgeJobError on garbage), never
    empty: BadgeJobError("all_printed") when every badge of the choice has
    been printed already, ("none") when the choice has no tickets to print."""
    check_choice(sort=sort)
    ids = check_ticket_types(event, ticket_type_ids)
    tickets = printable_tickets(
        event, ticket_type_ids=ids, sort=sort, only_unprinted=bool(only_unprinted)
    )
    if not tickets:
        _nothing_to_print(event, ids, only_unprinted)
    return tickets


def _nothing_to_print(event: Event, ids: list[int], only_unprinted: bool):
    """Why a choice has no ticket to print, as the BadgeJobError to raise."""
    if only_unprinted and any(not ids or t in ids for t in badge_counts(event)):
        raise BadgeJobError(
            "all_printed",
            "only_unprinted",
            detail="nothing to print: every badge of this choice has been printed already",
        )
    raise BadgeJobError(
        "none",
        "ticket_types",
        detail="nothing to print: no paid or invoiced tickets of this choice",
    )


def start_job(
    event: Event,
    layout: str,
    ticket_type_ids=(),
    sort: str = "last_name",
    only_unprinted: bool = True,
    locale: str | None = "sv",
    requested_by: User | None = None,
) -> BadgeJob:
    """A queued run of the event's badges as asked, committed, with `total` counted now.
    Raises BadgeJobError (nothing written) for an unknown layout, sort, language or
    ticket type, or when no ticket matches (reasons as select_tickets). `flask worker`
    renders it (run_pending_jobs); run_job() renders it here and now (the CLI, tests)."""
    check_choice(layout=layout, locale=locale, sort=sort)
    ids = check_ticket_types(event, ticket_type_ids)
    # Only the ids: the worker loads and sorts the tickets when it renders.
    ticket_ids = printable_ticket_ids(
        event, ticket_type_ids=ids, only_unprinted=bool(only_unprinted)
    )
    if not ticket_ids:
        _nothing_to_print(event, ids, only_unprinted)
    with unit_of_work():
        job = BadgeJob(
            event_id=event.id,
            requested_by_id=requested_by.id if requested_by is not None else None,
            layout=layout,
            selection={
                "ticket_type_ids": ids,
                "sort": sort,
                "only_unprinted": bool(only_unprinted),
                "locale": locale,
                # What was counted is what is printed: a ticket sold meanwhile waits for
                # the next run, one printed at the door meanwhile is printed again.
                "ticket_ids": ticket_ids,
            },
            status=BadgeJobStatus.QUEUED,
            total=len(ticket_ids),
            done=0,
            request_id=current_request_id(),
        )
        db.session.add(job)
    return job


def job_by_token(event: Event, token: str) -> BadgeJob | None:
    """The event's run with this token; None for another event's or a made-up token."""
    return runs.by_token(BadgeJob, event.id, token)


@dataclass(frozen=True)
class JobRow:
    job: BadgeJob
    has_pdf: bool


def recent_jobs(event: Event, limit: int = 10) -> list[JobRow]:
    """The event's latest runs, newest first, without loading their PDFs."""
    return [JobRow(*row) for row in runs.recent(BadgeJob, event.id, BadgeJob.pdf, limit)]


def job_pdf(job: BadgeJob) -> bytes | None:
    """The finished run's PDF; None before it is done or after it was purged."""
    return runs.stored_file(job, BadgeJob.pdf)


def job_has_pdf(job: BadgeJob) -> bool:
    """Whether the run's PDF is still kept (it is dropped a day after the run)."""
    return bool(db.session.scalar(select(BadgeJob.pdf.is_not(None)).where(BadgeJob.id == job.id)))


def pdf_filename(job: BadgeJob) -> str:
    return f"namnbrickor-{job.event.slug}-{job.layout}.pdf"


# Running -------------------------------------------------------------------------------


# Claiming, progress and the lease: services/runs.py, shared with certificate runs.
_LostClaim = runs.LostClaim
lease, renderer_name, waits_for_worker = runs.lease, runs.renderer_name, runs.waits_for_worker


def _claim(job_id: int) -> datetime | None:
    return runs.claim(BadgeJob, job_id)


def _update(job_id: int, mark: datetime, **values) -> None:
    runs.progress(BadgeJob, job_id, mark, **values)


def _tickets_of(job: BadgeJob) -> list[Ticket]:
    """The run's tickets in its order, leaving out any refunded or cancelled since."""
    selection = job.selection or {}
    wanted = set(selection.get("ticket_ids") or [])
    tickets = printable_tickets(
        job.event,
        ticket_type_ids=selection.get("ticket_type_ids") or [],
        sort=selection.get("sort", "last_name"),
    )
    return [t for t in tickets if t.id in wanted]


def run_job(job_id: int) -> bool:
    """Render the run if nobody else is: claim it, render it (progress in `done`, the
    lease extended as chunks finish, no transaction held while rendering), then store the
    PDF, mark it DONE and log each badge as printed (channel SHEETS, by the requester) in
    one commit. On an error the run is FAILED with the error's text. Lines logged
    meanwhile carry the id of the request that asked for the run. Returns True when
    this call rendered it (done or failed), False when it was not ours to render."""
    return runs.render_run(
        BadgeJob,
        job_id,
        _render,
        log,
        "Badge run",
        lambda job: f"{job.total} badges, layout {job.layout}",
    )


def _render(job: BadgeJob, mark: datetime) -> None:
    job_id = job.id
    tickets = _tickets_of(job)
    if not tickets:
        raise ValueError("none of the run's tickets is valid any more")
    badges = badges_for(tickets, job.selection.get("locale"))
    layout, requested_by_id, counted = job.layout, job.requested_by_id, job.total
    ticket_ids = [t.id for t in tickets]
    end_reads()  # rendering holds no transaction
    if len(badges) != counted:  # some were refunded since
        _update(job_id, mark, total=len(badges))
    pdf = render_badges(badges, layout, progress=lambda done: _update(job_id, mark, done=done))
    with unit_of_work():
        runs.finish(BadgeJob, job_id, mark, pdf=pdf, done=len(badges))
        # The log of prints is written in the same commit as DONE.
        record_prints(
            ticket_ids,
            PrintChannel.SHEETS,
            layout,
            by_id=requested_by_id,
            job_id=job_id,
            now=utcnow(),
        )


def purge_old_pdfs(now: datetime | None = None) -> int:
    """Drop the PDFs of runs finished more than a day ago (the run and its log stay)."""
    return runs.drop_old_files(BadgeJob, BadgeJob.pdf, KEEP_PDF, now or utcnow())


def run_pending_jobs(now: datetime | None = None) -> int:
    """For `flask worker`: purge old PDFs, then render the runs nobody is rendering,
    oldest first: queued, or running with an ended lease (their worker died). Returns
    how many it rendered."""
    now = now or utcnow()
    purge_old_pdfs(now)
    ids = db.session.scalars(
        select(BadgeJob.id)
        .where(runs.unattended(BadgeJob, now))
        .order_by(BadgeJob.created_at, BadgeJob.id)
    ).all()
    end_reads()
    return sum(1 for job_id in ids if run_job(job_id))


# One badge -----------------------------------------------------------------------------


def print_single_badge(ticket: Ticket, by: User | None = None, layout: str = "a6") -> bytes:
    """One ticket's badge (in its order's language), logged as printed from the badge
    page. Only valid tickets of confirmed orders have badges (BadgeJobError otherwise)."""
    check_choice(layout=layout)
    if ticket.status is not TicketStatus.VALID or ticket.order.status not in OrderStatus.CONFIRMED:
        raise BadgeJobError(
            "not_valid", "tickets", detail="only valid, confirmed tickets get a badge"
        )
    pdf = render_badges(badges_for([ticket]), layout)
    with unit_of_work():
        record_prints([ticket.id], PrintChannel.SHEETS, layout, by_id=by.id if by else None)
    return pdf
