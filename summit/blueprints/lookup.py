"""What a URL names, or 404: the views' one way to say "no such page". Another event's
row answers exactly as a missing one does, so an id in an organizer's URL tells
nothing about other events."""

from flask import abort, g

from ..extensions import db
from ..models import Event
from ..services import events


def found_or_404(found):
    """What a lookup found; nothing is a 404."""
    if found is None:
        abort(404)
    return found


def of_event_or_404(model, row_id: int):
    """The row of `model` with this id, if it is one of the URL's event's (g.event, as
    event_role_required loads it); else 404."""
    row = db.session.get(model, row_id)
    if row is None or row.event_id != g.event.id:
        abort(404)
    return row


def event_or_404(slug: str) -> Event:
    """An event by its address, published or not (a speaker's links work before it is)."""
    return found_or_404(events.get_event(slug))


def public_event_or_404(slug: str) -> Event:
    """A published event by its address; an unpublished one is a 404 to the public."""
    return found_or_404(events.get_public_event(slug))
