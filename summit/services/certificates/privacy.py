"""What the certificates hold about a person, for their data request (GDPR art. 15) and
erasure (art. 17): the certificates issued to them, with the name and days or sessions
printed on them.

A person's certificates are those of the tickets made out to them (the attendee's
email, in any case) and those issued to their account (presentation). Erasing
withdraws each and blanks what it said of the person: its verification page then says
it was withdrawn, and says nothing of who. Runs in the caller's transaction.
"""

from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Certificate, Event, Ticket, User, utcnow
from ...models.events import localized

ERASED = "–"


def _certificates(email: str) -> list[Certificate]:
    email = (email or "").strip().lower()
    if not email:
        return []
    return list(
        db.session.scalars(
            select(Certificate)
            .outerjoin(Ticket, Ticket.id == Certificate.ticket_id)
            .outerjoin(User, User.id == Certificate.user_id)
            .where(or_(func.lower(Ticket.attendee_email) == email, func.lower(User.email) == email))
            .order_by(Certificate.id)
        )
    )


def export_person(email: str) -> list[dict[str, str]]:
    rows = []
    for certificate in _certificates(email):
        event = db.session.get(Event, certificate.event_id)
        rows.append(
            {
                "Event": localized(event.name_sv, event.name_en),
                "Certificate": certificate.kind.value,
                "Name printed": certificate.name,
                "Days": ", ".join(str(day) for day in certificate.days or []),
                "Sessions": ", ".join(str(s) for s in certificate.sessions or []),
                "Issued at": certificate.issued_at.isoformat(),
                "Withdrawn at": certificate.withdrawn_at.isoformat()
                if certificate.withdrawn_at
                else "",
            }
        )
    return rows


def erase_person(email: str) -> str:
    """Withdraw the person's certificates and blank who they were for; nothing kept."""
    now = utcnow()
    for certificate in _certificates(email):
        certificate.name = ERASED
        certificate.days, certificate.sessions = [], []
        certificate.ticket_id = certificate.user_id = None
        certificate.withdrawn_at = certificate.withdrawn_at or now
    return ""
