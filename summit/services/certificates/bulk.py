"""Organizers' bulk runs: every certificate of one kind for an event, rendered by
`flask worker` (claimed and leased as badge runs are: services/runs.py) into one ZIP
with a PDF per person, kept for a day.

Why a ZIP of PDFs and not one PDF of many pages: each file is exactly the document the
person downloads themselves (its own title, language and verification link, a valid
PDF/UA file on its own), so the organizer can mail or archive each one; a run of 2,000
is written one certificate at a time into the archive, in memory that does not grow
with a laid-out document, and needs no joining of tagged PDFs (which would have to
merge their structure trees). Rendering 2,000 takes a minute or two of CPU: the web
process only queues the run.
"""

import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...logs import current_request_id
from ...models import BadgeJobStatus, CertificateKind, CertificateRun, Event, User, utcnow
from .. import runs
from .document import certificate_pdf, filename
from .issuing import (
    LANGUAGES,
    CertificateRefused,
    attended_tickets,
    days_by_ticket,
    issue_attendance,
    issue_presentation,
    speakers_of,
)

log = logging.getLogger(__name__)

KEEP_ARCHIVE = timedelta(days=1)
PROGRESS_EVERY = 20  # certificates between progress updates (and lease renewals)


def people_count(event: Event, kind: CertificateKind) -> int:
    if kind is CertificateKind.ATTENDANCE:
        return len(attended_tickets(event))
    return len(speakers_of(event))


def start_run(
    event: Event, kind, locale: str | None, requested_by: User | None = None
) -> CertificateRun:
    """A queued run of the event's certificates of `kind` in `locale` (None: each
    person's own language), committed with its count. CertificateRefused (nothing
    written) for an unknown kind or language, or when nobody has earned one."""
    try:
        kind = CertificateKind(kind)
    except ValueError:
        raise CertificateRefused("invalid_choice", "kind") from None
    if locale is not None and locale not in LANGUAGES:
        raise CertificateRefused("invalid_choice", "language")
    total = people_count(event, kind)
    if not total:
        raise CertificateRefused("nobody", "kind")
    with unit_of_work():
        run = CertificateRun(
            event_id=event.id,
            requested_by_id=requested_by.id if requested_by is not None else None,
            kind=kind,
            locale=locale,
            status=BadgeJobStatus.QUEUED,
            total=total,
            done=0,
            request_id=current_request_id(),
        )
        db.session.add(run)
    return run


def run_by_token(event: Event, token: str) -> CertificateRun | None:
    return runs.by_token(CertificateRun, event.id, token)


@dataclass(frozen=True)
class RunRow:
    run: CertificateRun
    has_archive: bool


def recent_runs(event: Event, limit: int = 10) -> list[RunRow]:
    """The event's latest runs, newest first, without loading their ZIPs."""
    rows = runs.recent(CertificateRun, event.id, CertificateRun.archive, limit)
    return [RunRow(*row) for row in rows]


def run_archive(run: CertificateRun) -> bytes | None:
    """The finished run's ZIP; None before it is done or after it was purged."""
    return runs.stored_file(run, CertificateRun.archive)


def archive_filename(run: CertificateRun) -> str:
    kind = "deltagande" if run.kind is CertificateKind.ATTENDANCE else "medverkan"
    return f"intyg-{kind}-{run.event.slug}.zip"


# Rendering (the worker) --------------------------------------------------------------


def run_certificates(run_id: int) -> bool:
    """Render the run if nobody else is (services/runs.render_run): the ZIP stored and
    the run DONE in one commit, or FAILED with the error's text. True when this call
    rendered it, False when it was not ours to render."""
    return runs.render_run(
        CertificateRun,
        run_id,
        _render,
        log,
        "Certificate run",
        lambda run: f"{run.total} certificates of {run.kind.value}",
    )


def _render(run: CertificateRun, mark: datetime) -> None:
    run_id, event, kind, chosen = run.id, run.event, run.kind, run.locale
    if kind is CertificateKind.ATTENDANCE:
        tickets = attended_tickets(event)
        days = days_by_ticket([t.id for t in tickets], event)
        makers = [(lambda t=t: issue_attendance(t, days[t.id]), t.order.locale) for t in tickets]
    else:
        makers = [(lambda u=u: issue_presentation(event, u), u.locale) for u in speakers_of(event)]
    if not makers:
        raise ValueError("nobody has earned a certificate of this kind any more")
    if len(makers) != run.total:
        runs.progress(CertificateRun, run_id, mark, total=len(makers))
    out = io.BytesIO()
    # Stored, not deflated: a PDF's streams are compressed already.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for done, (make, own) in enumerate(makers, start=1):
            certificate = make()
            locale = chosen or (own if own in LANGUAGES else "sv")
            archive.writestr(filename(certificate, locale), certificate_pdf(certificate, locale))
            if done % PROGRESS_EVERY == 0:
                end_reads()
                runs.progress(CertificateRun, run_id, mark, done=done)
    with unit_of_work():
        runs.finish(CertificateRun, run_id, mark, archive=out.getvalue(), done=len(makers))


def purge_old_archives(now: datetime | None = None) -> int:
    """Drop the ZIPs of runs finished more than a day ago (the runs stay)."""
    return runs.drop_old_files(
        CertificateRun, CertificateRun.archive, KEEP_ARCHIVE, now or utcnow()
    )


def run_pending_runs(now: datetime | None = None) -> int:
    """For `flask worker`: purge day-old archives, then render the runs nobody is
    rendering, oldest first. Returns how many it rendered."""
    now = now or utcnow()
    purge_old_archives(now)
    ids = db.session.scalars(
        select(CertificateRun.id)
        .where(runs.unattended(CertificateRun, now))
        .order_by(CertificateRun.created_at, CertificateRun.id)
    ).all()
    end_reads()
    return sum(1 for run_id in ids if run_certificates(run_id))
