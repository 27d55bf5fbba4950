"""An event's tracks (themes) as the call for speakers offers them: added and renamed
here; the program uses the same rows."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, Track
from .cfp_setup import next_position
from .errors import CfpError
from .validation import clean_text

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class TrackData:
    name_sv: str
    name_en: str = ""
    color: str = "#1f5f8b"


def save_track(event: Event, data: TrackData, track: Track | None = None) -> Track:
    """Add a track to the event or change one; the Swedish name is unique in the event."""
    name_sv = clean_text(data.name_sv, "name_sv", 120, required=True)
    name_en = clean_text(data.name_en, "name_en", 120)
    color = data.color if isinstance(data.color, str) else ""
    if not COLOR_RE.match(color):
        raise CfpError("invalid_color", "color")
    with unit_of_work():
        taken = db.session.scalar(
            select(Track.id).where(
                Track.event_id == event.id, func.lower(Track.name_sv) == name_sv.lower()
            )
        )
        if taken is not None and (track is None or taken != track.id):
            raise CfpError("name_taken", "name_sv")
        if track is None:
            track = Track(
                event_id=event.id,
                position=next_position(Track.position, Track.event_id == event.id),
            )
            db.session.add(track)
        track.name_sv, track.name_en, track.color = name_sv, name_en, color.lower()
        return track
