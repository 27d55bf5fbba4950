"""The frab schedule (XML and JSON) of the published program, as conference apps such
as Giggity and EventFahrplan read it.

The XML follows the voc/schedule XSD (../shared/oracles/schedule.xml.xsd); the JSON the
c3voc schedule.json shape. Both are read from a release only. Identifiers apps keep
between downloads are derived from the session and speaker tokens, never from database
ids, so they stay the same across releases and databases:
- event guid: uuid5 of the token; event id: a positive 31-bit number from its crc32;
- room guid (JSON): uuid5 of the event slug and room name;
- person id: crc32 of the speaker's page token, guid (JSON) uuid5 of it.
"""

import re
import unicodedata
import uuid
import zlib
from collections.abc import Callable
from datetime import date, datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from .ical import event_name, track_name
from .snapshot import PublishedSession, ReleasedProgram

GENERATOR = "summit"
# A fixed namespace for our uuid5s: the same token gives the same guid everywhere.
NAMESPACE = uuid.UUID("6f1d6a52-6c0e-5d38-9a4b-2f3c7a1e9b10")
TIMESLOT = "00:05"

SessionUrl = Callable[[str], str]


def event_guid(token: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"session:{token}"))


def person_guid(token: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"speaker:{token}"))


def room_guid(slug: str, room_name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"room:{slug}:{room_name}"))


def _number(text: str) -> int:
    return zlib.crc32(text.encode()) % 0x7FFFFFFF + 1  # 1 .. 2**31 - 1


def event_ids(program: ReleasedProgram) -> dict[str, int]:
    """A positive integer per session token, unique within the release. Derived from
    the token alone; on the (very rare) clash of two tokens, the later token in sort
    order takes the next free number."""
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for token in sorted(s.token for s in program.sessions):
        number = _number(token)
        while number in taken:
            number = number % 0x7FFFFFFF + 1
        ids[token] = number
        taken.add(number)
    return ids


def person_id(token: str) -> int:
    return _number(token)


def slugify(text: str, limit: int | None = 50) -> str:
    """Lowercase ASCII words joined by "-", at most `limit` characters (None: all)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _grouped(program: ReleasedProgram) -> list[dict]:
    """The release's days, each with its local date, start, end, and sessions. A
    session on a date without a program day still gets a day of its own."""
    tz = ZoneInfo(program.event["timezone"])
    days: dict[date, dict] = {}
    for d in program.days:
        days[d["day"]] = {
            "date": d["day"],
            "start": d["starts_at"].astimezone(tz),
            "end": d["ends_at"].astimezone(tz),
            "sessions": [],
        }
    for s in program.sessions:
        start, end = s.starts_at.astimezone(tz), s.ends_at.astimezone(tz)
        day = days.setdefault(
            start.date(), {"date": start.date(), "start": start, "end": end, "sessions": []}
        )
        day["start"], day["end"] = min(day["start"], start), max(day["end"], end)
        day["sessions"].append(s)
    return [days[key] for key in sorted(days)]


def _event_fields(
    program: ReleasedProgram, session: PublishedSession, ids: dict[str, int], session_url
) -> dict:
    """What the XML and the JSON say of one session."""
    tz = ZoneInfo(program.event["timezone"])
    start: datetime = session.starts_at.astimezone(tz)
    number = ids[session.token]
    return {
        "guid": event_guid(session.token),
        "id": number,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": _hhmm(session.duration_minutes),
        "room": session.room["name"],
        "slug": f"{program.event['slug']}-{number}-{slugify(session.title)}".rstrip("-"),
        "url": session_url(session.token),
        "title": session.title,
        "subtitle": "",
        "track": track_name(session.track),
        "type": session.kind,
        "language": session.language,
        "abstract": session.abstract,
        "description": "",
        "persons": [
            {
                "id": person_id(sp["token"]),
                "guid": person_guid(sp["token"]),
                "name": sp["name"],
                "public_name": sp["name"],
            }
            for sp in session.speakers
        ],
    }


def _conference(program: ReleasedProgram, days: list[dict]) -> dict:
    return {
        "acronym": program.event["slug"],
        "title": event_name(program),
        "start": days[0]["date"].isoformat() if days else None,
        "end": days[-1]["date"].isoformat() if days else None,
        "days": len(days),
        "time_zone_name": program.event["timezone"],
    }


# -- XML -----------------------------------------------------------------------------


# Characters XML 1.0 cannot carry at all (a pasted abstract may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", str(v)) for k, v in attrs.items()})
    element.text = _NOT_XML.sub("", text)
    return element


def schedule_xml(program: ReleasedProgram, base_url: str, session_url: SessionUrl) -> bytes:
    """The frab schedule.xml (UTF-8 bytes) of the release. `base_url` is the public
    program's absolute URL; `session_url` gives a session page's absolute URL."""
    days = _grouped(program)
    ids = event_ids(program)
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR, version="1")
    _sub(root, "version", str(program.number))
    conference = _conference(program, days)
    c = _sub(root, "conference")
    _sub(c, "acronym", conference["acronym"])
    _sub(c, "title", conference["title"])
    if days:
        _sub(c, "start", conference["start"])
        _sub(c, "end", conference["end"])
    _sub(c, "days", str(conference["days"]))
    _sub(c, "timeslot_duration", TIMESLOT)
    _sub(c, "base_url", base_url)
    _sub(c, "time_zone_name", conference["time_zone_name"])
    for index, day in enumerate(days, start=1):
        d = _sub(
            root,
            "day",
            index=index,
            date=day["date"].isoformat(),
            start=day["start"].isoformat(),
            end=day["end"].isoformat(),
        )
        for room in program.rooms:
            r = _sub(d, "room", name=room["name"])
            for session in day["sessions"]:
                if session.room["key"] == room["key"]:
                    _xml_event(r, _event_fields(program, session, ids, session_url))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_event(room: ET.Element, fields: dict) -> None:
    e = _sub(room, "event", id=fields["id"], guid=fields["guid"])
    for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        _sub(e, tag, fields[tag])
    for tag in ("track", "type", "language", "abstract", "description"):
        _sub(e, tag, fields[tag])
    persons = _sub(e, "persons")
    for person in fields["persons"]:
        _sub(persons, "person", person["public_name"], id=person["id"])
    links = _sub(e, "links")
    _sub(links, "link", fields["title"], href=fields["url"])
    _sub(e, "attachments")


# -- JSON ----------------------------------------------------------------------------


def schedule_json(program: ReleasedProgram, base_url: str, session_url: SessionUrl) -> dict:
    """The c3voc-style schedule.json of the release, as a dict ready for json.dumps."""
    days = _grouped(program)
    ids = event_ids(program)
    conference = _conference(program, days)
    slug = program.event["slug"]
    json_days = []
    for index, day in enumerate(days, start=1):
        rooms: dict[str, list] = {room["name"]: [] for room in program.rooms}
        for session in day["sessions"]:
            fields = _event_fields(program, session, ids, session_url)
            fields["persons"] = [
                {"id": p["id"], "guid": p["guid"], "public_name": p["public_name"]}
                for p in fields["persons"]
            ]
            fields["links"] = [{"url": fields["url"], "title": fields["title"]}]
            fields["attachments"] = []
            fields["do_not_record"] = False
            rooms[session.room["name"]].append(fields)
        json_days.append(
            {
                "index": index,
                "date": day["date"].isoformat(),
                "day_start": day["start"].isoformat(),
                "day_end": day["end"].isoformat(),
                "rooms": rooms,
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": "1"},
        "schedule": {
            "version": str(program.number),
            "base_url": base_url,
            "conference": {
                "acronym": conference["acronym"],
                "title": conference["title"],
                "start": conference["start"],
                "end": conference["end"],
                "daysCount": conference["days"],
                "timeslot_duration": TIMESLOT,
                "time_zone_name": conference["time_zone_name"],
                "url": base_url,
                "rooms": [
                    {
                        "name": room["name"],
                        "guid": room_guid(slug, room["name"]),
                        "capacity": room["capacity"],
                    }
                    for room in program.rooms
                ],
                "tracks": [{"name": track_name(t), "color": t["color"]} for t in program.tracks],
                "days": json_days,
            },
        },
    }
