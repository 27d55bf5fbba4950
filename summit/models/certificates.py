"""Certificates of attendance and of presentation, and the organizers' bulk runs of them.

A Certificate is what was certified when it was first made: the name, the days (of
attendance) or sessions (of a presentation), and when. Its random token is the address
of its public verification page; nothing else identifies it in a URL. A record is never
edited: when what would be certified changes (another day checked in), the next PDF is
a new certificate, and the older one stays genuine (it was true); an organizer may
withdraw one, and its page then says so.
"""

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .badges import RunProgress
from .events import Event
from .orders import Ticket
from .types import StrEnum, UTCDateTime, utcnow
from .users import User


class CertificateKind(enum.Enum):
    ATTENDANCE = "attendance"  # the days the ticket was checked in
    PRESENTATION = "presentation"  # the published sessions the person spoke in

    @property
    def label(self):
        return {
            CertificateKind.ATTENDANCE: _l("Certificate of attendance"),
            CertificateKind.PRESENTATION: _l("Certificate of presentation"),
        }[self]


def new_certificate_token() -> str:
    return secrets.token_urlsafe(18)  # 144 bits


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        Index("ix_certificates_ticket", "ticket_id"),
        Index("ix_certificates_user_event", "user_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_certificate_token)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CertificateKind] = mapped_column(StrEnum(CertificateKind))
    # Whose: the ticket (attendance) or the speaker's account (presentation).
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What it certifies, as printed: the name, the days ("2027-05-18", in the event's
    # time zone) or the sessions ({"title", "starts_at" ISO UTC}).
    name: Mapped[str] = mapped_column(String(200))
    days: Mapped[list] = mapped_column(JSON, default=list)
    sessions: Mapped[list] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CertificateRun(RunProgress, db.Model):
    """An organizer's bulk run: every certificate of a kind for the event, one PDF each
    in one ZIP, rendered by `flask worker` as badge runs are (services/runs.py)."""

    __tablename__ = "certificate_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_certificate_token)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[CertificateKind] = mapped_column(StrEnum(CertificateKind))
    locale: Mapped[str | None] = mapped_column(String(5))  # None: each person's own
    archive: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    event: Mapped[Event] = relationship()
    requested_by: Mapped[User | None] = relationship()
