"""What changed between two releases of a program: the changelog a release keeps.

`diff(before, after)` compares two snapshots (see snapshot.py) session by session and
gives a list of plain dicts, stored as ProgramRelease.changes:

    {"token", "title", "change", "before", "after"}

where `change` is one of CHANGES:
    added     the session is new in the program      before None, after {placement}
    removed   it is no longer in the program          before {placement}, after None
    moved     its time or room changed                before/after {placement}
    retitled  its title changed                       before/after {"title"}
    speakers  its speakers changed                    before/after {"speakers": [names]}

A placement is {"starts_at", "ends_at" (ISO, UTC), "room" (the room's name)}. Names
rather than keys are stored, so the changelog reads the same after a room is renamed.
A session that moved and was retitled gives two entries. Entries are in the order of
the sessions' (new, else old) start.
"""

from flask_babel import lazy_gettext as _l

CHANGES = ("added", "removed", "moved", "retitled", "speakers")

CHANGE_LABELS = {
    "added": _l("Added"),
    "removed": _l("Removed"),
    "moved": _l("Moved"),
    "retitled": _l("New title"),
    "speakers": _l("Speakers changed"),
}


def _sessions(snapshot: dict | None) -> dict[str, dict]:
    return {s["token"]: s for s in (snapshot or {}).get("sessions", [])}


def _room_names(snapshot: dict | None) -> dict[str, str]:
    return {r["key"]: r["name"] for r in (snapshot or {}).get("rooms", [])}


def _speaker_names(snapshot: dict | None) -> dict[str, str]:
    return {sp["token"]: sp["name"] for sp in (snapshot or {}).get("speakers", [])}


def _placement(session: dict, rooms: dict[str, str]) -> dict:
    return {
        "starts_at": session["starts_at"],
        "ends_at": session["ends_at"],
        "room": rooms.get(session["room"], ""),
    }


def _entry(session: dict, change: str, before, after) -> dict:
    return {
        "token": session["token"],
        "title": session["title"],
        "change": change,
        "before": before,
        "after": after,
    }


def diff(before: dict | None, after: dict) -> list[dict]:
    """The changes from the `before` snapshot to the `after` one (see the module doc)."""
    old, new = _sessions(before), _sessions(after)
    old_rooms, new_rooms = _room_names(before), _room_names(after)
    old_names, new_names = _speaker_names(before), _speaker_names(after)
    found: list[tuple[str, dict]] = []
    for token, now in new.items():
        was = old.get(token)
        if was is None:
            found.append((now["starts_at"], _entry(now, "added", None, _placement(now, new_rooms))))
            continue
        placed_before, placed_now = _placement(was, old_rooms), _placement(now, new_rooms)
        moved = (was["starts_at"], was["ends_at"], was["room"]) != (
            now["starts_at"],
            now["ends_at"],
            now["room"],
        )
        if moved:
            found.append((now["starts_at"], _entry(now, "moved", placed_before, placed_now)))
        if was["title"] != now["title"]:
            found.append(
                (
                    now["starts_at"],
                    _entry(now, "retitled", {"title": was["title"]}, {"title": now["title"]}),
                )
            )
        if was["speakers"] != now["speakers"]:
            names_before = [old_names.get(t, "") for t in was["speakers"]]
            names_now = [new_names.get(t, "") for t in now["speakers"]]
            found.append(
                (
                    now["starts_at"],
                    _entry(now, "speakers", {"speakers": names_before}, {"speakers": names_now}),
                )
            )
    for token, was in old.items():
        if token not in new:
            found.append(
                (was["starts_at"], _entry(was, "removed", _placement(was, old_rooms), None))
            )
    found.sort(key=lambda item: item[0])  # ISO UTC strings sort in time order
    return [entry for _start, entry in found]


def counts(changes: list[dict]) -> dict[str, int]:
    """How many entries of each kind, every kind present (0 when none)."""
    result = dict.fromkeys(CHANGES, 0)
    for entry in changes:
        if entry.get("change") in result:
            result[entry["change"]] += 1
    return result


def speakers_to_tell(
    before: dict | None, after: dict, changes: list[dict]
) -> dict[str, list[dict]]:
    """Speaker page token -> what a release tells them, one entry per session:

    added    the session is in the program for them for the first time (a new session,
             the first release, or they were added to it): its placement in "after"
    moved    its time or room changed (the changelog's entry)
    removed  it left the program, or they were taken off it: its placement in "before"

    A new title or other speakers alone tell nobody anything about where and when.
    Entries are in the order of the sessions' start."""
    old, new = _sessions(before), _sessions(after)
    new_rooms, old_rooms = _room_names(after), _room_names(before)
    moved = {e["token"]: e for e in changes if e["change"] == "moved"}
    found: dict[str, list[tuple[str, dict]]] = {}

    def tell(speaker: str, start: str, entry: dict) -> None:
        found.setdefault(speaker, []).append((start, entry))

    for token, now in new.items():
        was_speakers = old.get(token, {}).get("speakers", [])
        for speaker in now["speakers"]:
            if speaker not in was_speakers:
                tell(
                    speaker,
                    now["starts_at"],
                    _entry(now, "added", None, _placement(now, new_rooms)),
                )
            elif token in moved:
                tell(speaker, now["starts_at"], moved[token])
        for speaker in was_speakers:
            if speaker not in now["speakers"]:
                was = old[token]
                tell(
                    speaker,
                    was["starts_at"],
                    _entry(was, "removed", _placement(was, old_rooms), None),
                )
    for token, was in old.items():
        if token not in new:
            for speaker in was["speakers"]:
                tell(
                    speaker,
                    was["starts_at"],
                    _entry(was, "removed", _placement(was, old_rooms), None),
                )
    return {
        speaker: [entry for _start, entry in sorted(entries, key=lambda item: item[0])]
        for speaker, entries in found.items()
    }
