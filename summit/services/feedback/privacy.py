"""What the session feedback holds about a person, for their data request (GDPR art. 15)
and erasure (art. 17): the ratings given with their tickets, and the after-event mails.

A person is found by email, in any case: the tickets made out to them, and the tickets
of orders they bought that are made out to nobody else (as my_tickets.own_tickets).
Erasing keeps each score (the session's statistics stay true) and drops the comment
and the link to the ticket; the after-event mail rows (a ticket id and a time) go.
"""

from flask_babel import ngettext
from sqlalchemy import and_, delete, func, or_, select, update

from ...extensions import db
from ...models import AfterEventMail, Event, Order, ProgramSession, SessionRating, Ticket
from ...models.events import localized


def _clean(email: str) -> str:
    return (email or "").strip().lower()


def _ticket_ids(email: str):
    """The person's tickets, as a subquery of ids."""
    return (
        select(Ticket.id)
        .join(Order, Order.id == Ticket.order_id)
        .where(
            or_(
                func.lower(Ticket.attendee_email) == email,
                and_(func.lower(Order.buyer_email) == email, Ticket.attendee_email == ""),
            )
        )
    )


def export_person(email: str) -> list[dict[str, str]]:
    """The person's ratings and after-event mails, one row each, readable keys."""
    email = _clean(email)
    if not email:
        return []
    rows = []
    ratings = db.session.execute(
        select(SessionRating, ProgramSession.title, Event.name_sv, Event.name_en)
        .join(ProgramSession, ProgramSession.id == SessionRating.session_id)
        .join(Event, Event.id == ProgramSession.event_id)
        .where(SessionRating.ticket_id.in_(_ticket_ids(email)))
        .order_by(SessionRating.id)
    ).all()
    for rating, title, name_sv, name_en in ratings:
        rows.append(
            {
                "Kind": "Session rating",
                "Event": localized(name_sv, name_en),
                "Session": title,
                "Score (1–5)": str(rating.score),
                "Comment": rating.comment,
                "Rated at": rating.created_at.isoformat(),
                "Last changed": rating.updated_at.isoformat(),
            }
        )
    mails = db.session.execute(
        select(AfterEventMail.queued_at, Event.name_sv, Event.name_en)
        .join(Event, Event.id == AfterEventMail.event_id)
        .where(AfterEventMail.ticket_id.in_(_ticket_ids(email)))
        .order_by(AfterEventMail.id)
    ).all()
    for queued_at, name_sv, name_en in mails:
        rows.append(
            {
                "Kind": "After-event mail (thank you, rating link)",
                "Event": localized(name_sv, name_en),
                "Sent at": queued_at.isoformat(),
            }
        )
    return rows


def erase_person(email: str) -> str:
    """Anonymise the person's ratings (score kept, comment and ticket link dropped) and
    delete their after-event mail rows, in the caller's transaction (the erasure's, with
    every other holder: services/privacy/registry.py). One line on what was kept and
    why, '' when the person had no ratings."""
    email = _clean(email)
    if not email:
        return ""
    ids = list(db.session.scalars(_ticket_ids(email)))
    if not ids:
        return ""
    kept = db.session.execute(
        update(SessionRating)
        .where(SessionRating.ticket_id.in_(ids))
        .values(ticket_id=None, comment="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(delete(AfterEventMail).where(AfterEventMail.ticket_id.in_(ids)))
    if not kept:
        return ""
    return ngettext(
        "%(num)d session rating kept as a score only (no comment, no link to the person), "
        "so that the sessions' statistics stay true.",
        "%(num)d session ratings kept as a score only (no comment, no link to the person), "
        "so that the sessions' statistics stay true.",
        kept,
    )
