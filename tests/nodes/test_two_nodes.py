"""Two nodes on one database: two gunicorn instances and two `flask worker`s, as in
production, sharing PostgreSQL and Redis, with the demo loaded. What must hold across
them: rate limits count once, a ticket scanned at both doors at once is let in once, a
release published on one is served by the other with a new ETag, a session signed in
on one works on the other, every mail is sent exactly once, reservations expire once,
and a badge run started on one node is finished by the other when that node is killed.

Run by `make test-nodes` (PostgreSQL from TEST_DATABASE_URL, a redis-server of its own);
`make test` leaves this folder out (tests/conftest.py), as it starts six processes.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from summit import create_app
from summit.extensions import db
from summit.models import (
    BadgeJob,
    BadgeJobStatus,
    BadgePrint,
    Checkin,
    Event,
    EventKind,
    EventStatus,
    MessageStatus,
    Order,
    OrderStatus,
    OutboxMessage,
    Ticket,
    TicketType,
    utcnow,
)
from summit.services.checkin import setup as checkin_setup
from summit.services.mail import queue_mail
from tests import fakestripe, pdf
from tests.checkin_world import ticket
from tests.redis_server import RedisServer, free_port, said_by
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "two-nodes-" + "k3Y9qZ7wX2" * 4
ORGANIZER = "arrangor@example.org"
DEMO_PASSWORD = "demo-summit-2027"  # noqa: S105 (the demo's, printed by `make run`)
SLUG = "summit2027"
LEASE = 3  # seconds: a killed node's badge run is taken over this soon
TIMEOUT = 90

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="two nodes need PostgreSQL (TEST_DATABASE_URL)",
)


def until(check, what: str, timeout: float = TIMEOUT):
    """check()'s first true answer, asked again as soon as the last one came back."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


@dataclass
class Node:
    name: str
    url: str
    web: subprocess.Popen
    worker: subprocess.Popen

    def kill(self) -> None:
        """The host is gone: every process of the node, at once, with no goodbye."""
        for process in (self.web, self.worker):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Cluster:
    def __init__(self, app, url, nodes, smtp, stripe):
        self.app, self.url, self.nodes = app, url, nodes
        self.smtp, self.stripe = smtp, stripe

    def __getitem__(self, name: str) -> Node:
        return self.nodes[name]


def psql(url: str, sql: str) -> None:
    """`sql` run on the server of `url`, connected to its postgres database."""
    admin = make_url(url).set(database="postgres", drivername="postgresql")
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", admin.render_as_string(False), "-c", sql],
        check=True,
        capture_output=True,
    )


def _database(tmp_base: str) -> str:
    """A new database beside the test database, named for this run."""
    url = make_url(tmp_base)
    name = f"{url.database}_nodes"
    psql(tmp_base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(tmp_base, f"CREATE DATABASE {name}")
    return url.set(database=name).render_as_string(hide_password=False)


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _start(name: str, env: dict, run_dir: Path) -> Node:
    port = free_port()
    run_dir.mkdir()
    node_env = env | {"SUMMIT_BIND": f"127.0.0.1:{port}", "RUNTIME_DIRECTORY": str(run_dir)}

    def spawn(*command: str) -> subprocess.Popen:
        # A session of its own: killing the node kills its children (the badge pool).
        return subprocess.Popen(
            [str(BIN / command[0]), *command[1:]],
            cwd=ROOT,
            env=node_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    web = spawn("gunicorn", "-c", "gunicorn.conf.py", "wsgi:app")
    worker = spawn("flask", "--app", "wsgi", "worker", "--interval", "0.2")
    said_by(web, web.stderr, "Control socket listening at")
    said_by(worker, worker.stderr, "started")
    return Node(name, f"http://127.0.0.1:{port}", web, worker)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nodes")
    url = _database(os.environ["TEST_DATABASE_URL"])
    redis = RedisServer(tmp)
    redis.start()
    with SMTPServer() as smtp:
        stripe = fakestripe.FakeStripe().start()
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("SUMMIT_", "PROMETHEUS"))
        } | {
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "SECRET_KEY": SECRET_KEY,
            "BASE_URL": "http://127.0.0.1",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMTP_STARTTLS": "false",
            "STRIPE_SECRET_KEY": stripe.api_key,
            "STRIPE_PUBLISHABLE_KEY": "pk_test_fake",
            "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
            "STRIPE_API_BASE": stripe.url,
            "BADGE_RUN_LEASE": str(LEASE),
            "WEB_CONCURRENCY": "2",
            "SUMMIT_THREADS": "4",
            "SUMMIT_WARM_UP": "0",
            "LOG_FORMAT": "json",
        }
        _flask(env, "db", "upgrade")
        _flask(env, "demo")
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": SECRET_KEY,
                "STRIPE_SECRET_KEY": stripe.api_key,
                "STRIPE_API_BASE": stripe.url,
                "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
                "STRIPE_PUBLISHABLE_KEY": "pk_test_fake",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        nodes = {}
        try:
            for name in ("a", "b"):
                nodes[name] = _start(name, env, tmp / name)
            with app.app_context():
                yield Cluster(app, url, nodes, smtp, stripe)
                db.session.remove()
                db.engine.dispose()
        finally:
            for node in nodes.values():
                node.stop()
            stripe.stop()
            redis.stop()


# Browsing as a person does ------------------------------------------------------------


def form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert match, f"no form on {url}"
    return match[1]


def submitted(browser: requests.Session, url: str, data: dict, status: int):
    """The form at `url` sent as filled in, answered with `status`."""
    data = data | {"csrf_token": form_token(browser, url)}
    answer = browser.post(url, data=data, allow_redirects=False, timeout=30)
    assert answer.status_code == status, answer.text
    return answer


def signed_in(node: Node, email: str = ORGANIZER) -> requests.Session:
    """A browser signed in through node's login form (its cookies go to either node,
    as behind a balancer: a cookie does not name a port)."""
    browser = requests.Session()
    submitted(browser, f"{node.url}/login", {"email": email, "password": DEMO_PASSWORD}, 302)
    return browser


@pytest.fixture(scope="module")
def organizer(cluster) -> requests.Session:
    return signed_in(cluster["a"])


# Across the nodes ------------------------------------------------------------------------


def test_a_session_signed_in_on_one_node_works_on_the_other(cluster, organizer):
    for node in (cluster["b"], cluster["a"]):
        page = organizer.get(f"{node.url}/manage/events/{SLUG}/badges/", timeout=30)
        assert page.status_code == 200 and ORGANIZER not in page.url
        assert "csrf_token" in page.text  # the organizer's badge form, not the login page
    signed_out = requests.get(
        f"{cluster['b'].url}/manage/events/{SLUG}/badges/", allow_redirects=False, timeout=30
    )
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]


def test_rate_limits_count_once_across_the_nodes(cluster):
    """LOGIN_RATE_LIMIT is 10 wrong passwords a minute per address: 50 tries spread
    over both nodes at once get 10 answers and 40 refusals, not 10 per process."""
    browser = requests.Session()
    token = form_token(browser, f"{cluster['a'].url}/login")
    statuses = []
    lock = threading.Lock()

    def attempt(node: Node) -> None:
        answer = browser.post(
            f"{node.url}/login",
            data={"email": "granskare@example.org", "password": "fel", "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        with lock:
            statuses.append(answer.status_code)

    threads = [threading.Thread(target=attempt, args=(cluster["ab"[i % 2]],)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert Counter(statuses) == {422: 10, 429: 40}


@pytest.fixture(scope="module")
def door(cluster):
    """An event running today with 40 paid tickets, and one station token per node."""
    now = utcnow()
    event = Event(
        slug="idag",
        kind=EventKind.SEMINAR,
        status=EventStatus.PUBLISHED,
        name_sv="Seminarium i dag",
        name_en="Seminar today",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=6),
    )
    db.session.add(event)
    db.session.commit()
    kind = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=0)
    db.session.add(kind)
    db.session.commit()
    tickets = [ticket(event, kind, name=f"Åsa Öberg-Lindqvist {n}") for n in range(40)]
    tokens = [checkin_setup.create_station(event, f"Dörr {n}")[1] for n in (1, 2)]
    return event.slug, [t.secret for t in tickets], tokens


def test_a_ticket_scanned_at_both_nodes_at_once_is_let_in_once(cluster, door):
    slug, secrets, tokens = door
    answers: dict[str, list[str]] = {secret: [] for secret in secrets}
    lock = threading.Lock()

    def scan(node: Node, token: str, secret: str, start: threading.Barrier) -> None:
        start.wait(30)
        answer = requests.post(
            f"{node.url}/api/v1/events/{slug}/checkin",
            json={"secret": secret},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        with lock:
            said = answer.json()
            answers[secret].append(said["reason"] or said["status"])

    for secret in secrets:
        start = threading.Barrier(2)
        pair = [
            threading.Thread(target=scan, args=(cluster[name], token, secret, start))
            for name, token in zip("ab", tokens, strict=True)
        ]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(TIMEOUT)
    assert {secret: sorted(got) for secret, got in answers.items()} == {
        secret: ["already_checked_in", "ok"] for secret in secrets
    }
    checkins = db.session.scalar(
        select(func.count(Checkin.id))
        .join(Ticket, Ticket.id == Checkin.ticket_id)
        .where(Ticket.secret.in_(secrets))
    )
    assert checkins == len(secrets)


def test_a_release_published_on_one_node_is_served_by_the_other_with_a_new_etag(cluster, organizer):
    export = f"{cluster['b'].url}/events/{SLUG}/schedule.json"
    before = requests.get(export, timeout=30)
    assert before.status_code == 200
    etag, number = before.headers["ETag"], before.json()["schedule"]["version"]
    assert requests.get(export, headers={"If-None-Match": etag}, timeout=30).status_code == 304

    publish = f"{cluster['a'].url}/manage/events/{SLUG}/program/releases/publish"
    submitted(organizer, publish, {"note": "Publicerad på nod A", "confirm": "y"}, 302)

    after = requests.get(export, headers={"If-None-Match": etag}, timeout=30)
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert after.json()["schedule"]["version"] != number


def queue_one(subject: str, to: str = "asa.oberg-lindqvist@example.org") -> int:
    message = queue_mail(
        to, "magic_link", subject=subject, locale="sv", link="https://summit.test/m", minutes=30
    )
    db.session.commit()
    return message.id


def test_every_mail_is_sent_exactly_once(cluster):
    """Both workers deliver the outbox at once: each message arrives once."""
    before = cluster.smtp.message_ids()
    ids = [queue_one(f"Meddelande {n}", f"gäst{n}@example.org") for n in range(60)]

    def all_sent():
        db.session.rollback()
        rows = db.session.execute(
            select(OutboxMessage.status, OutboxMessage.attempts).where(OutboxMessage.id.in_(ids))
        ).all()
        return all(status is MessageStatus.SENT for status, _ in rows) and rows

    rows = until(all_sent, "the 60 mails sent")
    assert {attempts for _, attempts in rows} == {1}
    arrived = cluster.smtp.message_ids() - before
    subjects = Counter(
        m["Subject"] for m in cluster.smtp.messages if m["Subject"].startswith("Meddelande ")
    )
    assert len(subjects) == 60 and set(subjects.values()) == {1}
    assert all(count == 1 for count in cluster.smtp.message_ids().values()), arrived


def test_reservations_expire_once(cluster):
    """Thirty buyers left Stripe's checkout: both workers tidy up; each order expires
    once and each Checkout Session is expired at Stripe once."""
    event = db.session.scalar(select(Event).where(Event.slug == SLUG))
    kind = db.session.scalars(
        select(TicketType).where(TicketType.event_id == event.id, TicketType.price > 0)
    ).first()
    orders = []
    for _ in range(30):
        order = fakestripe.reserved_order(event, {kind: 1})
        fakestripe.start_stripe(order)
        orders.append(order.id)
    db.session.execute(
        update(Order).where(Order.id.in_(orders)).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()

    def expired():
        db.session.rollback()
        statuses = db.session.scalars(select(Order.status).where(Order.id.in_(orders))).all()
        return set(statuses) == {OrderStatus.EXPIRED}

    until(expired, "the 30 reservations expired")
    expiries = Counter(
        r["path"]
        for r in cluster.stripe.requests
        if r["method"] == "POST" and r["path"].endswith("/expire")
    )
    assert len(expiries) == 30 and set(expiries.values()) == {1}, expiries


def sent(message_id: int) -> bool:
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id).status is MessageStatus.SENT


def test_with_the_database_briefly_gone_requests_fail_cleanly_and_recover(cluster):
    """PostgreSQL refuses every connection for a while (as when it restarts): pages and
    the door answer 503 at once, no process dies; when it is back every node answers
    again and the workers deliver again, with nothing restarted."""
    name = make_url(cluster.url).database
    page = f"/events/{SLUG}/"
    psql(cluster.url, f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    try:
        # Every open connection of the nodes cut, as a restart does.
        terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
        psql(cluster.url, terminate + f"'{name}'")
        for node in cluster.nodes.values():
            answer = requests.get(node.url + page, timeout=30)
            assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
            assert "Strax tillbaka" in answer.text
            assert requests.get(node.url + "/readyz", timeout=30).status_code == 503
            assert requests.get(node.url + "/healthz", timeout=30).status_code == 200
    finally:
        psql(cluster.url, f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    for node in cluster.nodes.values():
        until(
            lambda node=node: requests.get(node.url + page, timeout=30).status_code == 200,
            f"node {node.name} answering again",
        )
        assert node.web.poll() is None and node.worker.poll() is None
    with contextlib.suppress(OperationalError):
        db.session.remove()  # this test's own connection was cut too
    message = queue_one("Efter avbrottet")
    until(lambda: sent(message), "a mail queued after the outage sent")


def test_a_badge_run_started_on_one_node_finishes_when_that_node_is_killed(cluster, organizer):
    """The run is asked for on node A and claimed by a worker; that worker's whole node
    dies mid-run; the other node's worker takes it over when the lease ends."""
    choice = {"layout": "a6x4", "sort": "last_name", "which": "all", "language": "sv"}
    answer = submitted(organizer, f"{cluster['a'].url}/manage/events/{SLUG}/badges/", choice, 303)
    token = answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    def job() -> BadgeJob:
        db.session.rollback()
        return db.session.scalar(select(BadgeJob).where(BadgeJob.token == token))

    first = until(lambda: (j := job()).status is BadgeJobStatus.RUNNING and j, "a worker's claim")
    claimed_at, pid = first.started_at, int(first.renderer.rsplit(" ", 1)[1])
    (dying,) = [n for n in cluster.nodes.values() if n.worker.pid == pid]
    (living,) = [n for n in cluster.nodes.values() if n is not dying]
    dying.kill()
    assert job().status is BadgeJobStatus.RUNNING  # killed mid-run, not after it

    done = until(lambda: (j := job()).status is BadgeJobStatus.DONE and j, "the run finished")
    assert done.renderer.endswith(f" {living.worker.pid}")
    assert done.started_at > claimed_at  # claimed again, after the lease ended
    status = organizer.get(f"{living.url}/manage/events/{SLUG}/badges/runs/{token}/status")
    assert status.json()["status"] == "done"
    document = organizer.get(f"{living.url}/manage/events/{SLUG}/badges/runs/{token}/pdf")
    assert pdf.page_count(document.content) == -(-done.total // 4)  # four A6 on each A4
    prints = db.session.scalar(
        select(func.count(BadgePrint.id)).where(BadgePrint.job_id == done.id)
    )
    assert prints == done.total  # each badge logged once, by the run that finished
