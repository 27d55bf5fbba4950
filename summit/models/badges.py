"""Badges: each badge printed, and the print runs organizers
start from the badge page (rendered in the background, the PDF kept until fetched).

A badge counts as printed when its PDF was made for printing: a sheet run, the CLI, or a
door station after a scan. "Only those not printed yet" means: no BadgePrint row.
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .events import Event
from .orders import Ticket
from .types import StrEnum, UTCDateTime, utcnow
from .users import User


class PrintChannel(enum.Enum):
    SHEETS = "sheets"  # a run from the organizers' badge page
    CLI = "cli"  # `flask badges`
    ARRIVAL = "arrival"  # a door station, after an OK scan

    @property
    def label(self):
        return {
            PrintChannel.SHEETS: _l("Badge page"),
            PrintChannel.CLI: _l("Command line"),
            PrintChannel.ARRIVAL: _l("At the door"),
        }[self]


class BadgeJobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return {
            BadgeJobStatus.QUEUED: _l("Waiting"),
            BadgeJobStatus.RUNNING: _l("Rendering"),
            BadgeJobStatus.DONE: _l("Ready"),
            BadgeJobStatus.FAILED: _l("Failed"),
        }[self]


def new_job_token() -> str:
    return secrets.token_urlsafe(16)


class RunProgress:
    """The columns of a run `flask worker` renders (services/runs.py): its status and
    progress, error, times, the lease of the worker rendering it, and which worker."""

    status: Mapped[BadgeJobStatus] = mapped_column(
        StrEnum(BadgeJobStatus), default=BadgeJobStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A renderer holds the run until then; past it, another may take the run over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which worker renders (or rendered) it, as "host pid"; for the operator.
    renderer: Mapped[str | None] = mapped_column(String(120))
    # The id of the request that asked for it, carried into the worker's log lines.
    request_id: Mapped[str | None] = mapped_column(String(64))


class BadgeJob(RunProgress, db.Model):
    """One run of badges for printing, asked for on the badge page and rendered by
    `flask worker`. `selection` holds what was asked (ticket type ids, sort, only those
    not printed yet); `total` and `done` are its progress; `pdf` the result."""

    __tablename__ = "badge_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_job_token)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    layout: Mapped[str] = mapped_column(String(20))
    selection: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    event: Mapped[Event] = relationship()
    requested_by: Mapped[User | None] = relationship()


class BadgePrint(db.Model):
    """One badge made for printing: whose, when, by whom, how."""

    __tablename__ = "badge_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[PrintChannel] = mapped_column(StrEnum(PrintChannel))
    layout: Mapped[str] = mapped_column(String(20))
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_stations.id", ondelete="SET NULL")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("badge_jobs.id", ondelete="SET NULL"))

    ticket: Mapped[Ticket] = relationship()
    printed_by: Mapped[User | None] = relationship()
