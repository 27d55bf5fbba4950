"""The log of who took personal data out in bulk: an attendee list, a badge run, a
report, a person's own data. Every bulk export route calls record()."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import DataAccess, Event, User

KINDS = {
    "attendee_csv": _l("Attendee list (CSV)"),
    "signups_csv": _l("Workshop sign-ups (CSV)"),
    "vouchers_csv": _l("Vouchers (CSV)"),
    "badge_run": _l("Badge print run"),
    "badge_cli": _l("Badges from the command line"),
    "impact_report": _l("Impact report"),
    "certificate_run": _l("Certificates (ZIP)"),
    "person_export": _l("A person's own data (art. 15)"),
    "sie_export": _l("Bookkeeping export (SIE)"),
}


def label(what: str) -> str:
    return str(KINDS.get(what, what))


def record(what: str, event: Event | None, rows: int, user: User | None) -> None:
    """Logs the access in a transaction of its own, whatever the page does next."""
    with unit_of_work(durable=False):
        db.session.add(
            DataAccess(
                what=what,
                event_id=event.id if event is not None else None,
                rows=rows,
                user_id=user.id if user is not None else None,
                user_email=user.email if user is not None else "",
            )
        )


def entries(event: Event | None = None, limit: int = 200) -> list[DataAccess]:
    """The latest first; for one event, or all."""
    query = select(DataAccess).order_by(DataAccess.at.desc(), DataAccess.id.desc()).limit(limit)
    if event is not None:
        query = query.where(DataAccess.event_id == event.id)
    return list(db.session.scalars(query))
