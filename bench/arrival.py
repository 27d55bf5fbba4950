"""Badges in production: arrival badges at the door, print runs in the worker, and the
memory of the web processes meanwhile.

Starts what production runs: gunicorn with gunicorn.conf.py (WEB processes, 4 threads
each, each thread warmed with one badge before it serves) and one `flask worker`, on a
temporary PostgreSQL database (DATABASE_URL if set) with an event running today,
TICKETS paid tickets and a door station that prints a badge on arrival. Then:

    rss_start      each web process's resident memory once it is warm and answers
    runs           RUNS print runs of every ticket (4 x A6 on A4), asked for on the
                   organizer's badge page (signed in) and rendered by the worker: seconds
                   each, and each web process's resident memory after each run
    first_badge    the arrival badge of the first scan: scan (JSON API), then GET the
                   badge PDF it offers; the PDF's time is measured
    badges         BADGES more scans and their badges, one door after another (the first
                   one included in the percentiles), and the memory after them
    restart        gunicorn stopped and started again: the first badge after it, with the
                   warm-up (the default) and without (SUMMIT_WARM_UP=0), for comparison

    .venv/bin/python bench/arrival.py [--tickets 1000 --badges 200 --runs 3]

Targets (issue 15): RSS per web process < 150 MB after warm-up and after 3 runs, and
no growth from run to run; arrival badge p50 < 150 ms and p95 < 300 ms, the first
after a restart included. The last line is one JSON object, listing what was missed;
the exit status is 1 if anything was.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from checkin import API, SLUG, prepare
from pages import free_port, in_process_app
from ticket_rush import _children, database, flask, percentiles

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
WEB = 2
ORGANIZER = "arrangor@example.org"
PASSWORD = "bench-" + secrets.token_hex(8)
RSS_LIMIT_MB = 150
FLAT_MB = 5  # a web process renders no run: from the first run to the last it stays put
P50_LIMIT_MS, P95_LIMIT_MS = 150, 300


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024, 1)


class Production:
    """gunicorn (gunicorn.conf.py) and one worker, started and stopped as an operator
    would, their output in files."""

    def __init__(self, env: dict, tmp: Path):
        self.port = free_port()
        self.env = env | {
            "SUMMIT_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(WEB),
            "RUNTIME_DIRECTORY": str(tmp),
        }
        self.tmp, self.web, self.worker = tmp, None, None
        self.base = f"http://127.0.0.1:{self.port}"

    def start_web(self, **extra: str) -> None:
        log = (self.tmp / "web.log").open("a")
        self.web = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env | extra,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # answering: a warmed process took it
            if self.web.poll() is not None:
                sys.exit(f"gunicorn exited:\n{(self.tmp / 'web.log').read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        sys.exit("gunicorn did not answer within 120 s")

    def stop_web(self) -> None:
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(timeout=60)

    def web_processes(self) -> list[int]:
        """The web processes, once each has said it is warm (gunicorn.conf.py)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            warm = re.findall(r"\[(\d+)\] .*warmed up", (self.tmp / "web.log").read_text())
            children = _children(self.web.pid)
            if len(children) == WEB and set(children) <= {int(pid) for pid in warm}:
                return children
            time.sleep(0.2)
        sys.exit("the web processes did not all warm up")

    def start_worker(self) -> None:
        log = (self.tmp / "worker.log").open("a")
        self.worker = subprocess.Popen(
            [str(BIN / "flask"), "worker", "--interval", "0.5"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)


def arrival_badge(base: str, token: str, secret: str) -> float:
    """Scan one ticket at the door, then fetch the badge it offers: the PDF's seconds."""
    scan = requests.post(
        base + API,
        json={"secret": secret},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    scan.raise_for_status()
    url = scan.json()["badge"]["url"]
    start = time.perf_counter()
    badge = requests.get(base + url, timeout=30)
    took = time.perf_counter() - start
    if badge.status_code != 200 or not badge.content.startswith(b"%PDF"):
        sys.exit(f"arrival badge: {badge.status_code} {badge.text[:200]}")
    return took


def print_run(base: str, browser: requests.Session) -> float:
    """A run of every ticket asked for on the badge page, until the worker has made it."""
    page = f"{base}/manage/events/{SLUG}/badges/"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', browser.get(page).text)
    start = time.perf_counter()
    asked = browser.post(
        page,
        data={"layout": "a6x4", "sort": "last_name", "which": "all", "language": "sv"}
        | {"csrf_token": token[1]},
        allow_redirects=False,
    )
    if asked.status_code != 303:
        sys.exit(f"the badge page refused the run: {asked.status_code}")
    status = base + asked.headers["Location"] + "status"
    while True:
        state = browser.get(status).json()
        if state["finished"]:
            if state["status"] != "done":
                sys.exit(f"the run failed: {state['error']}")
            return time.perf_counter() - start
        time.sleep(0.2)


def signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    answer = browser.post(
        base + "/login",
        data={"email": ORGANIZER, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        sys.exit(f"sign-in refused: {answer.status_code}")
    return browser


def set_up(app, tickets: int) -> tuple[list[str], str]:
    """The check-in bench's event and tickets, one station printing badges on arrival,
    and an organizer."""
    from summit.extensions import db
    from summit.models import Event, Role, Station
    from summit.services import accounts

    secrets_, _tokens = prepare(app, tickets)
    with app.app_context():
        event = db.session.query(Event).filter_by(slug=SLUG).one()
        from summit.services.checkin import setup as checkin_setup

        _station, token = checkin_setup.create_station(
            event, "Entré med skrivare", prints_badges=True, badge_layout="a6"
        )
        accounts.create_user(ORGANIZER, name="Åsa Öberg-Lindqvist", password=PASSWORD)
        db.session.commit()
        accounts.grant_role(event, ORGANIZER, Role.ORGANIZER, None)
        db.session.commit()
        assert db.session.query(Station).filter_by(prints_badges=True).count() == 1
        db.session.remove()
    return secrets_, token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--badges", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, database() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "BASE_URL": "http://127.0.0.1",
            "RATELIMIT_ENABLED": "false",  # the door's scan limit is not under test here
            "LOG_LEVEL": "WARNING",
        }
        flask(env, "db", "upgrade")
        app = in_process_app(env)
        secrets_, token = set_up(app, args.tickets)
        production = Production(env, Path(tmp))
        try:
            production.start_worker()
            production.start_web()
            web = production.web_processes()
            rss_start = [rss_mb(pid) for pid in web]
            browser = signed_in(production.base)
            runs, rss_runs = [], []
            for _ in range(args.runs):
                runs.append(round(print_run(production.base, browser), 2))
                rss_runs.append([rss_mb(pid) for pid in web])
            rss_after = rss_runs[-1]
            worker_rss = rss_mb(production.worker.pid)
            scans = iter(secrets_)
            first = arrival_badge(production.base, token, next(scans))
            times = [first] + [
                arrival_badge(production.base, token, next(scans)) for _ in range(args.badges)
            ]
            rss_badges = [rss_mb(pid) for pid in web]
            restarts = {}
            for label, extra in (("warm", {}), ("cold", {"SUMMIT_WARM_UP": "0"})):
                production.stop_web()
                production.start_web(**extra)
                restarts[label] = round(
                    arrival_badge(production.base, token, next(scans)) * 1000, 1
                )
        finally:
            production.stop()

    figures = {
        "web_processes": WEB,
        "tickets": args.tickets,
        "rss_start_mb": rss_start,
        "first_badge_ms": round(first * 1000, 1),
        "badges": len(times),
        **percentiles(times),
        "max_ms": round(max(times) * 1000, 1),
        "rss_after_badges_mb": rss_badges,
        "runs_s": runs,
        "rss_after_each_run_mb": rss_runs,
        "worker_rss_after_runs_mb": worker_rss,
        "first_badge_after_restart_ms": restarts,
    }
    missed = []
    if max(rss_start) >= RSS_LIMIT_MB:
        missed.append(f"web RSS after warm-up {max(rss_start)} MB >= {RSS_LIMIT_MB}")
    if max(rss_after) >= RSS_LIMIT_MB:
        missed.append(f"web RSS after the runs {max(rss_after)} MB >= {RSS_LIMIT_MB}")
    growth = max(b - a for a, b in zip(rss_runs[0], rss_after, strict=True))
    if growth >= FLAT_MB:
        missed.append(f"web RSS grew {growth:.1f} MB from the first run to the last")
    every = [*times, restarts["warm"] / 1000]
    every_p = percentiles(every)
    if every_p["p50_ms"] >= P50_LIMIT_MS or every_p["p95_ms"] >= P95_LIMIT_MS:
        missed.append(f"arrival badge p50/p95 {every_p}")
    if restarts["warm"] >= P95_LIMIT_MS:
        missed.append(f"first badge after a restart {restarts['warm']} ms")
    figures["missed"] = missed
    print(json.dumps(figures))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
