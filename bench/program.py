"""The public program under load: the program page of one day, one session page and the
frab schedule XML, served by gunicorn from the latest published release.

Starts what it needs: a PostgreSQL database (DATABASE_URL if set, otherwise a fresh
temporary one on the local server, dropped afterwards), migrated, with the demo summit
scaled up: 8 rooms, 3 program days, 300 speakers with profiles and 150 sessions
(keynotes, fika and lunch in the big room as in the demo program, the rest in the other
seven rooms, each speaker in one session, so no conflicts), published as release 1
through services/program/releases.publish; and gunicorn with 2 workers on a free port
of 127.0.0.1.

Each target is warmed up (every worker parses the release and compiles its templates
once), then requested by CONCURRENCY threads, each with its own keep-alive connection
(http.client; gunicorn's sync workers close it after each answer and http.client opens
the next), until REQUESTS are done or SECONDS have passed. Then one conditional request
of the program page with If-None-Match = its ETag (must be 304), and a bounded run of
them. Traffic only to 127.0.0.1.

    .venv/bin/python bench/program.py [--requests 2000 --seconds 20]

The last line of output is one JSON object:
{"program_page": {"requests_per_s", "p50_ms", "p95_ms", "requests", "errors", "bytes",
                  "cpu_s", "gunicorn_cpu_ms_per_request"},
 "session_page": {...}, "schedule_xml": {...},
 "conditional_304": {"status", "ms", "requests_per_s", "p50_ms", "p95_ms", ...},
 "sessions": 150, "rooms": 8, "days": 3, "speakers": 300, "cpu_count"}
cpu_s says where the CPU went meanwhile ("other": programs besides the bench); latencies
taken while other programs keep the 2 cores busy are longer than the server's own cost,
which gunicorn_cpu_ms_per_request shows.
It exits non-zero on any error, or if the conditional request is not answered 304.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from pages import (
    free_port,
    in_process_app,
    run_load,
    start_gunicorn,
    stop_gunicorn,
    timed_get,
    wait_until_answering,
)
from ticket_rush import CpuMeter, database, flask

REQUESTS = 2000
SECONDS = 20.0
CONCURRENCY = 8
WARM_UP = 64  # requests a target before the clock starts
WORKERS = 2
HEADERS = {"Accept-Language": "sv"}


# The scaled summit -------------------------------------------------------------------

EXTRA_ROOMS = [("Sal C", 200), ("Workshoprum 3", 40)]
SPEAKERS = 300
CONTENT_MINUTES = 25  # in slots of 30 minutes, back to back
CONTENT_BLOCKS = [(10, 15, 3), (12, 45, 3), (14, 45, 3)]  # (hour, minute, slots)
CONTENT_PER_DAY = 45  # with the 5 keynotes, fika and lunch a day: 150 in all
KINDS = ("talk", "talk", "panel", "workshop")


def build_program(app) -> dict:
    """The summit (as in the demo, with 8 rooms), its program days, 300 speakers and 150
    sessions, committed, then published as release 1. Rows are added through the ORM in
    a few flushes (the speakers and sessions in bulk); publishing is the service's."""
    from summit.demo import EVENTS, ensure_event
    from summit.demo.cfp import abstract
    from summit.demo.cfp_texts import (
        ABSTRACT_MIDDLES,
        ORGANISATIONS,
        TITLES_OF_PEOPLE,
        TITLES_SV,
    )
    from summit.demo.program import ensure_days, frame_session, furnish_rooms, layout
    from summit.demo.program_texts import (
        KEYNOTES,
        ROOMS,
    )
    from summit.demo.sales import FIRST, LAST
    from summit.extensions import db
    from summit.models import (
        ProgramSession,
        SessionKind,
        SessionSpeaker,
        SpeakerProfile,
        User,
    )
    from summit.services.program.releases import publish

    rng = random.Random(150)
    with app.app_context():
        spec = {**EVENTS[0], "rooms": EVENTS[0]["rooms"] + EXTRA_ROOMS}
        summit = ensure_event(spec)
        db.session.commit()
        days = ensure_days(summit)
        furnish_rooms(summit, ROOMS)
        rooms = {room.name: room for room in summit.rooms}
        tracks = list(summit.tracks)
        tz = summit.tz

        people, profiles = [], []
        for n in range(SPEAKERS):
            first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
            organisation, _domain, kind = ORGANISATIONS[n % len(ORGANISATIONS)]
            people.append(User(email=f"talare{n:03d}@bench.example.org", name=f"{first} {last}"))
            profiles.append(
                SpeakerProfile(
                    display_name=f"{first} {last}",
                    organisation=organisation,
                    title=rng.choice(TITLES_OF_PEOPLE[kind]),
                    bio=f"{first} arbetar på {organisation} med utveckling och samverkan. "
                    + rng.choice(ABSTRACT_MIDDLES),
                    page_token=secrets.token_urlsafe(16),
                )
            )
        db.session.add_all(people)
        db.session.flush()
        for user, profile in zip(people, profiles, strict=True):
            profile.user_id = user.id
        db.session.add_all(profiles)
        db.session.flush()

        frame, _slots = layout(summit, [d.day for d in days])
        sessions, speakers = [], iter(people)
        for slot in frame:
            speaker = next(speakers) if slot[0] == "keynote" else None
            sessions.append(frame_session(summit, rooms["Stora salen"], slot, speaker))
        other_rooms = [room for name, room in rooms.items() if name != "Stora salen"]
        number = 0
        for day in days:
            slots = [
                (datetime.combine(day.day, clock(hour, minute), tz) + timedelta(minutes=30 * k), r)
                for hour, minute, count in CONTENT_BLOCKS
                for k in range(count)
                for r in other_rooms
            ]
            for start, room in sorted(rng.sample(slots, CONTENT_PER_DAY), key=lambda s: s[0]):
                title, track, _form = TITLES_SV[number % len(TITLES_SV)]
                kind = SessionKind(KINDS[number % len(KINDS)])
                session = ProgramSession(
                    event_id=summit.id,
                    title=f"{title} ({number + 1})",
                    abstract=abstract(rng, title, False),
                    kind=kind,
                    duration_minutes=CONTENT_MINUTES,
                    track_id=tracks[track].id,
                    language="en" if number % 5 == 4 else "sv",
                    room_id=room.id,
                    starts_at=start,
                    takes_signups=kind is SessionKind.WORKSHOP and number % 8 == 3,
                    signup_limit=20 if kind is SessionKind.WORKSHOP else None,
                )
                for position in range(2):
                    session.speakers.append(
                        SessionSpeaker(user_id=next(speakers).id, position=position)
                    )
                sessions.append(session)
                number += 1
        # The speakers left over join the first sessions as a third speaker.
        content = [s for s in sessions if s.kind not in (SessionKind.BREAK, SessionKind.LUNCH)]
        for session, user in zip(content[len(KEYNOTES) :], speakers, strict=False):
            session.speakers.append(SessionSpeaker(user_id=user.id, position=2))
        db.session.add_all(sessions)
        db.session.commit()

        release = publish(summit, note="bench")
        snapshot = release.snapshot
        middle = [s for s in snapshot["sessions"] if len(s["speakers"]) == 3][len(KEYNOTES)]
        built = {
            "slug": summit.slug,
            "release": release.number,
            "first_day": snapshot["days"][0]["day"],
            "session": middle["token"],
            "sessions": len(snapshot["sessions"]),
            "rooms": len(snapshot["rooms"]),
            "days": len(snapshot["days"]),
            "speakers": len(snapshot["speakers"]),
        }
        db.session.remove()
    return built


def targets(app, built: dict) -> dict[str, str]:
    """The three URLs, as the app names them."""
    from flask import url_for

    slug = built["slug"]
    with app.test_request_context():
        return {
            "program_page": url_for("program.public_program", slug=slug, day=built["first_day"]),
            "session_page": url_for("program.public_session", slug=slug, token=built["session"]),
            "schedule_xml": url_for("program.schedule_xml", slug=slug),
        }


def load(port: int, path: str, requests: int, seconds: float, headers=None, expect=200) -> dict:
    """`path` from CONCURRENCY threads until `requests` are done or `seconds` are up."""
    return run_load(
        port, path, requests, seconds, CONCURRENCY, {**HEADERS, **(headers or {})}, expect
    )


def conditional(port: int, path: str, requests: int, seconds: float) -> dict:
    """One request for the ETag, one with If-None-Match (timed), then a bounded run; as a
    browser does, they send back the cookie the first answer set (the page's ETag
    covers the session's CSRF token that its forms carry)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        _took, status, _body, headers = timed_get(connection, path, HEADERS)
        etag = headers.get("ETag") or headers.get("Etag")
        if status != 200 or not etag:
            sys.exit(f"{path} answered {status} with ETag {etag!r}")
        print(f"ETag {etag}, Last-Modified {headers.get('Last-Modified')!r}", flush=True)
        again = {"If-None-Match": etag}
        if headers.get("Set-Cookie"):
            again["Cookie"] = headers["Set-Cookie"]
        took, status, body, _headers = timed_get(connection, path, {**HEADERS, **again})
    finally:
        connection.close()
    run = load(port, path, requests, seconds, again, expect=304)
    return {"status": status, "ms": round(took * 1000, 1), "body_bytes": len(body), **run}


def measured(app, server, run) -> dict:
    """run()'s figures with the CPU time spent meanwhile (gunicorn, PostgreSQL, this
    client, other programs) and gunicorn's CPU per answered request: the figure that
    does not depend on what else the machine is doing."""
    meter = CpuMeter(app, server.pid)
    meter.start()
    figures = run()
    figures["cpu_s"] = cpu = meter.stop()
    figures["gunicorn_cpu_ms_per_request"] = round(
        1000 * cpu["gunicorn"] / max(figures["requests"], 1), 2
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="summit-bench-") as tmp, database() as url:
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "BASE_URL": f"http://127.0.0.1:{port}",
        }
        flask(env, "db", "upgrade")
        app = in_process_app(env)
        started = time.perf_counter()
        built = build_program(app)
        print(
            f"database ready: {url.split('@')[-1]}; release {built['release']} with "
            f"{built['sessions']} sessions, {built['rooms']} rooms, {built['days']} days, "
            f"{built['speakers']} speakers (built in {time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        paths = targets(app, built)

        log = Path(tmp) / "gunicorn.log"
        server = start_gunicorn(env, port, log, WORKERS)
        figures: dict[str, dict] = {}
        try:
            wait_until_answering(f"http://127.0.0.1:{port}", server, log)
            print(f"gunicorn: {WORKERS} workers on 127.0.0.1:{port}", flush=True)
            for name, path in paths.items():
                warm = load(port, path, WARM_UP, args.seconds)
                if warm["errors"]:
                    sys.exit(f"{path} fails: see above")
                figures[name] = measured(
                    app, server, lambda p=path: load(port, p, args.requests, args.seconds)
                )
                print(f"{name:>13} {path}: {figures[name]}", flush=True)
            figures["conditional_304"] = measured(
                app,
                server,
                lambda: conditional(port, paths["program_page"], args.requests, args.seconds),
            )
            print(f"conditional_304: {figures['conditional_304']}", flush=True)
        finally:
            stop_gunicorn(server, log)

    result = {
        **figures,
        **{key: built[key] for key in ("sessions", "rooms", "days", "speakers")},
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result))
    failed = (
        any(f["errors"] or not f["requests"] for f in figures.values())
        or figures["conditional_304"]["status"] != 304
    )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
