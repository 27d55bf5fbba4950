"""Check-in at the door: lists (what a scan admits to), stations (the phones and hand
scanners at the doors) and the check-ins themselves.

"One active check-in per ticket per list" is a database guarantee, not a check in
Python: a partial unique index on (ticket, list) over the check-ins not undone. Two
doors scanning the same ticket at the same moment both try the INSERT; the database
lets exactly one through.
"""

import hashlib
import secrets
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .events import Event
from .orders import Ticket
from .tickets import TicketType
from .types import UTCDateTime, utcnow
from .users import User

checkin_list_ticket_types = Table(
    "checkin_list_ticket_types",
    db.metadata,
    Column("checkin_list_id", ForeignKey("checkin_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_type_id", ForeignKey("ticket_types.id", ondelete="CASCADE"), primary_key=True),
)


def new_station_token() -> str:
    """A station's bearer token (256 bits); only its hash is stored."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class CheckinList(db.Model):
    """What a scan admits to: the whole event, or one day of it, for some ticket types
    (none chosen: all of them)."""

    __tablename__ = "checkin_lists"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    day: Mapped[date | None] = mapped_column(Date)  # in the event's time zone
    # A workshop's door: admits only the tickets signed up for this session.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), unique=True
    )
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    session: Mapped["ProgramSession | None"] = relationship()  # noqa: F821
    ticket_types: Mapped[list[TicketType]] = relationship(
        secondary=checkin_list_ticket_types, order_by="TicketType.position"
    )

    def admits(self, ticket_type_id: int) -> bool:
        return not self.ticket_types or any(t.id == ticket_type_id for t in self.ticket_types)


class Station(db.Model):
    """A door: a phone or hand scanner signed in with a bearer token for one event and
    one list. The token is shown once when made; only its SHA-256 is kept."""

    __tablename__ = "checkin_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # NO ACTION: a list stations scan on is not deleted (checked at the end of the
    # statement, so deleting the whole event still cascades).
    checkin_list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Print on arrival: after an OK scan the station offers the attendee's badge, one
    # badge per page in this layout (a6 or ql-62, see services/badges/render.py).
    prints_badges: Mapped[bool] = mapped_column(default=False, server_default=false())
    badge_layout: Mapped[str] = mapped_column(String(20), default="a6", server_default="a6")

    event: Mapped[Event] = relationship()
    checkin_list: Mapped[CheckinList] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Checkin(db.Model):
    """A ticket let in on a list, by a station or a door-staff account. Undoing keeps
    the row (undone_at) so the history stays; a new scan then makes a new row."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index(
            "uq_checkins_active_ticket_list",
            "ticket_id",
            "checkin_list_id",
            unique=True,
            sqlite_where=text("undone_at IS NULL"),
            postgresql_where=text("undone_at IS NULL"),
        ),
        # A retried request (same station or account, same client nonce) counts once.
        UniqueConstraint("station_id", "nonce"),
        UniqueConstraint("user_id", "nonce"),
        Index("ix_checkins_list_created", "checkin_list_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    checkin_list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_stations.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nonce: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(10), default="online")  # online | offline
    offline_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_by_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_stations.id", ondelete="SET NULL")
    )

    ticket: Mapped[Ticket] = relationship()
    checkin_list: Mapped[CheckinList] = relationship()
    station: Mapped[Station | None] = relationship(foreign_keys=[station_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])

    @property
    def scanned_at(self) -> datetime:
        """When the person came through the door (offline scans: the phone's clock)."""
        return self.offline_scanned_at or self.created_at


class CheckinConflict(db.Model):
    """An offline scan that reached the server after the ticket had been checked in
    elsewhere: the same ticket let in at two doors while the network was down. Kept
    for the organizers to look into; it never counts as a check-in."""

    __tablename__ = "checkin_conflicts"
    # An upload sent again (same door, same nonce) is one conflict.
    __table_args__ = (UniqueConstraint("station_id", "nonce"), UniqueConstraint("user_id", "nonce"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    checkin_list_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_lists.id", ondelete="CASCADE"), index=True
    )
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_stations.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(  # the check-in that was first
        ForeignKey("checkins.id", ondelete="SET NULL")
    )
    nonce: Mapped[str | None] = mapped_column(String(64))
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    checkin_list: Mapped[CheckinList] = relationship()
    station: Mapped[Station | None] = relationship()
    checkin: Mapped[Checkin | None] = relationship()
