"""Background runs rendered by `flask worker` (badge print runs, certificate runs): who
renders a run and for how long.

A run is a row with status, started_at, lease_until, renderer, done, total and error
columns (BadgeJob, CertificateRun). Whichever worker comes first claims it with one
conditional UPDATE (so two never render one run), holds it by its claim mark (its own
started_at) and a lease it extends as chunks finish; if that worker dies, another takes
the run over once the lease (BADGE_RUN_LEASE seconds) has ended.
"""

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from ..database import unit_of_work
from ..extensions import db
from ..logs import carrying
from ..models import BadgeJobStatus, utcnow

MAX_ERROR = 2000
# A run queued this long with no worker taking it: the page says the worker may be down.
UNATTENDED = timedelta(seconds=30)


def by_token(model, event_id: int, token) -> object | None:
    """The event's run with this token; None for another event's or a made-up token."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    return db.session.scalar(select(model).where(model.token == token, model.event_id == event_id))


def recent(model, event_id: int, stored, limit: int = 10) -> list[tuple[object, bool]]:
    """The event's latest runs, newest first, each with whether its file (the deferred
    column `stored`) is still kept, without loading the files."""
    rows = db.session.execute(
        select(model, stored.is_not(None))
        .where(model.event_id == event_id)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(limit)
    )
    return [(run, bool(kept)) for run, kept in rows]


def stored_file(run, stored) -> bytes | None:
    """The finished run's file (the deferred column `stored`); None before it is done
    or after it was dropped."""
    if run.status is not BadgeJobStatus.DONE:
        return None
    return db.session.scalar(select(stored).where(type(run).id == run.id))


def drop_old_files(model, stored, keep: timedelta, now: datetime) -> int:
    """Drop the files (the column `stored`) of runs finished more than `keep` ago; the
    runs stay. Returns how many were dropped."""
    with unit_of_work():
        return db.session.execute(
            update(model)
            .where(model.finished_at < now - keep, stored.is_not(None))
            .values({stored.key: None})
            .execution_options(synchronize_session=False)
        ).rowcount


class LostClaim(Exception):
    """Another renderer took the run over (our lease had ended)."""


def lease() -> timedelta:
    """How long a renderer holds a run without a sign of life (a finished chunk, a
    second or two of work): past it, another worker takes it over."""
    return timedelta(seconds=current_app.config["BADGE_RUN_LEASE"])


def renderer_name() -> str:
    """This process as the operator finds it: host and process id."""
    return f"{socket.gethostname()} {os.getpid()}"[:120]


def waits_for_worker(run, now: datetime | None = None) -> bool:
    """True when the run has been queued so long that no worker seems to be running."""
    now = now or utcnow()
    return run.status is BadgeJobStatus.QUEUED and run.created_at < now - UNATTENDED


def unattended(model, now: datetime):
    """SQL: the run is queued or running with an ended lease (its renderer died)."""
    return or_(
        model.status == BadgeJobStatus.QUEUED,
        and_(model.status == BadgeJobStatus.RUNNING, model.lease_until < now),
    )


def claim(model, run_id: int) -> datetime | None:
    """Take the run if it is queued or its renderer's lease has ended. Returns the claim's
    mark (the run's new started_at), or None when someone else holds it or it is over."""
    with unit_of_work():
        now = utcnow()
        claimed = db.session.execute(
            update(model)
            .where(model.id == run_id, unattended(model, now))
            .values(
                status=BadgeJobStatus.RUNNING,
                started_at=now,
                lease_until=now + lease(),
                renderer=renderer_name(),
                done=0,
                error="",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
    return now if claimed == 1 else None


def ours(model, run_id: int, mark: datetime):
    """SQL: the run is still held by the claim `mark`."""
    return (model.id == run_id, model.status == BadgeJobStatus.RUNNING, model.started_at == mark)


def progress(model, run_id: int, mark: datetime, **values) -> None:
    """Progress (or a corrected total), and a longer lease, in a short unit of work of
    its own; LostClaim if the run is no longer ours."""
    with unit_of_work():
        held = db.session.execute(
            update(model)
            .where(*ours(model, run_id, mark))
            .values(lease_until=utcnow() + lease(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
    if held != 1:
        raise LostClaim()


def finish(model, run_id: int, mark: datetime, **values) -> None:
    """Mark the run DONE with `values` (its file, its count), in the caller's unit of
    work; LostClaim if it is no longer ours."""
    finished = db.session.execute(
        update(model)
        .where(*ours(model, run_id, mark))
        .values(status=BadgeJobStatus.DONE, finished_at=utcnow(), lease_until=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if finished != 1:
        raise LostClaim()


def fail(model, run_id: int, mark: datetime, error: str) -> None:
    db.session.rollback()
    with unit_of_work():
        db.session.execute(
            update(model)
            .where(*ours(model, run_id, mark))
            .values(
                status=BadgeJobStatus.FAILED,
                error=error[:MAX_ERROR],
                finished_at=utcnow(),
                lease_until=None,
            )
            .execution_options(synchronize_session=False)
        )


def render_run(model, run_id: int, render, log, name: str, about: Callable) -> bool:
    """Render the run if nobody else is: claim it, then `render(run, mark)`, which
    finishes it (finish) or raises. On an error the run is FAILED with the error's text;
    lines logged meanwhile (to `log`, as "<name> <id> ...", the first saying `about(run)`)
    carry the id of the request that asked for it. True when this call rendered it
    (done or failed), False when it was not ours to render."""
    mark = claim(model, run_id)
    if mark is None:
        return False
    run = db.session.get(model, run_id)
    with carrying(run.request_id):
        log.info("%s %s: %s", name, run_id, about(run))
        try:
            render(run, mark)
            log.info("%s %s done", name, run_id)
            return True
        except LostClaim:
            log.warning("%s %s was taken over by another renderer", name, run_id)
            return False
        except Exception as error:
            log.exception("%s %s failed", name, run_id)
            fail(model, run_id, mark, str(error) or error.__class__.__name__)
            return True
        finally:
            db.session.expire_all()
