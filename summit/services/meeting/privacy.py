"""What the participant list holds about a person, for their data request (GDPR art. 15)
and erasure (art. 17): their listings, found by their account's email (any case).
Erasing deletes them; nothing is kept."""

from sqlalchemy import delete, func, select

from ...extensions import db
from ...models import Event, ParticipantListing, User
from ...models.events import localized


def _users(email: str):
    return select(User.id).where(func.lower(User.email) == (email or "").strip().lower())


def export_person(email: str) -> list[dict[str, str]]:
    """The person's participant-list entries, one row each, readable keys."""
    if not (email or "").strip():
        return []
    rows = db.session.execute(
        select(ParticipantListing, Event.name_sv, Event.name_en)
        .join(Event, Event.id == ParticipantListing.event_id)
        .where(ParticipantListing.user_id.in_(_users(email)))
        .order_by(ParticipantListing.id)
    ).all()
    return [
        {
            "Kind": "Participant list entry",
            "Event": localized(name_sv, name_en),
            "Name": listing.name,
            "Organisation": listing.organisation,
            "Sektor": listing.sektor,
            "I want to meet": listing.wants_to_meet,
            "Consent given": listing.consent_text,
            "Consent given at": listing.consented_at.isoformat(),
            "Last changed": listing.updated_at.isoformat(),
        }
        for listing, name_sv, name_en in rows
    ]


def erase_person(email: str) -> str:
    """Deletes the person's participant-list entries, in the caller's transaction (the
    erasure's, with every other holder: services/privacy/registry.py). Nothing is kept."""
    if not (email or "").strip():
        return ""
    db.session.execute(
        delete(ParticipantListing).where(ParticipantListing.user_id.in_(_users(email)))
    )
    return ""
