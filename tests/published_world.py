"""A realistic published program for the export and agenda tests: three days, three
rooms, two tracks, parallel sessions, a break, speakers with non-ASCII names and
abstracts with characters XML escapes. Published with services/program/releases.publish.
"""

from summit.extensions import db
from summit.models import SessionKind, Track
from summit.services.program import releases
from tests.schedule_world import at, program, session

TRICKY_ABSTRACT = "Kommun & civilsamhälle: när 3 < 5 och 7 > 2. \"Citat\" och 'apostrof'."


def published_summit(event, make_user):
    """Builds and publishes (release 1) the program; returns a dict of what it made."""
    rooms = program(event, rooms=("Stora salen", "Lilla salen", "Verkstaden"))
    track = db.session.query(Track).filter_by(event_id=event.id).one()
    design = Track(event=event, name_sv="Design", name_en="Design", color="#1f5f8b", position=1)
    db.session.add(design)
    db.session.commit()
    asa = make_user("asa@example.org", name="Åsa Öberg")
    per = make_user("per@example.org", name="Per Ähnlund")
    made = {
        "keynote": session(
            event,
            "Öppning: social innovation i Sverige",
            [asa],
            rooms[0],
            at(9, 0),
            45,
            kind=SessionKind.KEYNOTE,
            abstract=TRICKY_ABSTRACT,
            track_id=track.id,
        ),
        "parallel_a": session(
            event,
            "Samskapande i praktiken",
            [per],
            rooms[0],
            at(10, 0),
            30,
            track_id=track.id,
            language="en",
        ),
        "parallel_b": session(
            event,
            "Design för alla",
            [],
            rooms[1],
            at(10, 0),
            30,
            track_id=design.id,
        ),
        "workshop": session(
            event,
            "Verkstad: tjänstedesign",
            [asa, per],
            rooms[2],
            at(10, 0, day=1),
            90,
            kind=SessionKind.WORKSHOP,
            track_id=design.id,
            takes_signups=True,
            signup_limit=20,
        ),
        "lunch": session(event, "Lunch", [], rooms[0], at(12, 0), 60, kind=SessionKind.LUNCH),
        "closing": session(event, "Avslutning", [asa], rooms[0], at(15, 0, day=2), 30),
    }
    release = releases.publish(event, confirm_conflicts=True)
    return {"rooms": rooms, "sessions": made, "release": release, "asa": asa, "per": per}
