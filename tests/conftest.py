"""Fixtures: an app on a fresh database (SQLite file by default, PostgreSQL when
TEST_DATABASE_URL is set), a client, and factories for the things tests need."""

import contextlib
import contextvars
import functools
import logging
import os
import re
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import make_url

import summit
from summit import create_app
from summit.extensions import db as _db
from summit.extensions import limiter
from summit.models import Event, EventFormat, EventKind, EventStatus, Role, User
from summit.models.types import set_clock
from summit.services import accounts, health
from summit.static_files import KEY as STATIC_FILES
from summit.static_files import StaticFiles

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PASSWORD = "correct horse battery"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _database_url(tmp_path_factory) -> str:
    if PG_URL:
        return _worker_database(PG_URL).replace("postgresql://", "postgresql+psycopg://", 1)
    # Under pytest-xdist each worker has its own temporary directory, and so its own file.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str) -> str:
    """TEST_DATABASE_URL itself in a serial run. Under pytest-xdist, a database of the
    worker's own next to it (summit_ci -> summit_ci_gw0), created afresh for the run:
    tests empty the tables after themselves, so workers must not share them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = given.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return given.set(database=name).render_as_string(hide_password=False)


# Under pytest-xdist (`make test` runs `pytest -n auto`) the tests in these folders run on
# one worker, one after another: the browser tests (one Chromium; the screenshots in
# test-artifacts/ written by one process) and the PostgreSQL concurrency tests (each opens
# up to 65 connections: two at once would pass the server's 100). The rest is handed out
# test by test. (`xdist_group` marks would say the same, but pytest-xdist 3.8 loses them
# on pytest 9.2's node ids.)
SERIAL_GROUPS = ("tests/e2e/", "tests/pg/")


def pytest_ignore_collect(collection_path, config):
    """tests/nodes starts two whole nodes (six processes): `make test-nodes` runs it
    (SUMMIT_TEST_NODES=1), `make test` does not."""
    if collection_path.name == "nodes" and collection_path.parent.name == "tests":
        return os.environ.get("SUMMIT_TEST_NODES") != "1" or None
    return None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "load":
        return None  # another distribution asked for on the command line
    from xdist.scheduler import LoadScopeScheduling

    class SerialGroupsScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((group for group in SERIAL_GROUPS if nodeid.startswith(group)), nodeid)

    return SerialGroupsScheduling(config, log)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory)


def _throwaway_database_options(url: str) -> dict:
    """PostgreSQL: commits do not wait for the disk. The test databases are thrown away,
    so what a crash could lose (the last fraction of a second) is never wanted; what a
    commit makes visible, and when, and every lock, is the same as with the wait."""
    if not url.startswith("postgresql"):
        return {}
    return {"connect_args": {"options": "-c synchronous_commit=off"}}


class RequestIsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Tests hold an app context for the factories; without this, Flask would reuse it
    for the requests and share `g` (the signed-in user) and the database session
    between the test and every request. What the test wrote is committed before the
    request, and what the test holds is expired after it, so it reads fresh values.
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "BASE_URL": "http://summit.test",
            "SMTP_HOST": "",
            # E-invoices the worker sends go to a folder of the test run's own.
            "ACCESS_POINT_DIR": str(tmp_path_factory.mktemp("einvoices")),
            "RATELIMIT_STORAGE_URI": "memory://",
            # Hashing strength is not under test; scrypt would make each account 70 ms.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SERVER_NAME": None,
            # Enough connections for the concurrency tests' threads (50 buyers at once).
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "pool_size": 5,
                "max_overflow": 60,
                **_throwaway_database_options(database_url),
            },
        }
    )
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        _db.drop_all()
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
    return app


def app_like(app, **config):
    """Another app with the test app's settings and `config` on top (e.g. a Redis URL),
    on the same test database, its test client isolating requests as the test app's
    does. It re-initialises the process's limiter, which every test puts back."""
    made = create_app({**app.config, **config})
    made.test_client_class = RequestIsolatedClient
    return made


@contextlib.contextmanager
def limiter_kept():
    """The rate limiter is one object for the process, and create_app() re-initialises
    it: a test that makes another app (a config test, a REDIS_URL) would leave the test
    app limiting with that app's storage and settings, e.g. the machine's Redis, where
    other test runs reset the counts. Its state is put back afterwards, counts emptied."""
    kept = dict(vars(limiter))
    try:
        yield
    finally:
        vars(limiter).clear()
        vars(limiter).update(kept)
        limiter.reset()


@pytest.fixture(autouse=True)
def _root_logging_kept():
    """An app made outside testing (a production config test) adds its log handler to
    the root logger; the test run's logging is put back after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:], root.level = handlers, level


@pytest.fixture(autouse=True)
def _limiter_kept(_app):
    """Every test: the limiter as the test app made it (after the app, so its state)."""
    with limiter_kept():
        yield


@pytest.fixture
def app(_app):
    """The app with empty tables for every test, and no impact report kept from another
    test's tables (services/impact/recent.py)."""
    from summit.services.impact import recent

    recent.forget()
    with _app.app_context():
        yield _app
        _db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    """Every table emptied, children first, in one transaction, as plain SQL (nothing to
    compile). PostgreSQL gets the DELETEs as one script, one round trip instead of one a
    table (a third of the time; TRUNCATE is a hundred times slower on tables this
    small); SQLite is in-process."""
    tables = reversed(_db.metadata.sorted_tables)
    deletes = [f'DELETE FROM "{table.name}"' for table in tables]  # noqa: S608 (our own names)
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join(deletes))
        else:
            for delete in deletes:
                conn.exec_driver_sql(delete)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def at_head(db):
    """The schema stamped as the migrations' head (the test tables are made by
    create_all, which writes no alembic_version)."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in health.migration_heads():
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))


class Snapshot:
    """Every table's rows at one moment, to be written back into the empty tables of a
    later test (the `app` fixture empties them after each test): a world that many tests
    share is built once, by the first test that asks, and each later test starts from
    the same rows again, written by the test and emptied after it like any other."""

    def __init__(self):
        _db.session.commit()
        with _db.engine.connect() as conn:
            self.rows = {
                table: [
                    dict(row._mapping)
                    for row in conn.execute(table.select().order_by(*table.primary_key))
                ]
                for table in _db.metadata.sorted_tables
            }

    def restore(self) -> None:
        with _db.engine.begin() as conn:
            for table, rows in self.rows.items():
                if rows:
                    conn.execute(table.insert(), rows)


# Worlds built once per process: name -> (their rows, what the build returned).
_BUILT_ONCE: dict[str, tuple[Snapshot, object]] = {}


def built_once(name: str, build):
    """What `build()` returned, with the rows it wrote in the tables: run by the first
    test of the process that asks for `name`; every later one gets the same rows
    written back (a Snapshot) and the same value (keep ids in it, not loaded objects)."""
    if name in _BUILT_ONCE:
        rows, made = _BUILT_ONCE[name]
        rows.restore()
        return made
    made = build()
    _BUILT_ONCE[name] = (Snapshot(), made)
    return made


@pytest.fixture
def demo(app, db) -> str:
    """The demo world in the tables, as `flask demo` makes it, and what the command
    printed (built once per process)."""

    def run_demo() -> str:
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        return result.output

    return built_once("demo", run_demo)


class Clock:
    """The app's clock (summit.models.types.utcnow, which every service, view and column
    default asks): `set(moment)` puts it at a moment from which it runs on, as a machine
    whose date was set; `stop(moment)` makes it stand still there."""

    def set(self, moment: datetime) -> datetime:
        set_clock(moment)
        return moment

    def stop(self, moment: datetime) -> datetime:
        set_clock(moment, running=False)
        return moment


@pytest.fixture
def clock():
    """A settable now for the app, back to the real clock after the test."""
    yield Clock()
    set_clock(None)


# The first day of the test summit (make_event: 18–20 May 2027).
EVENT_DAY = date(2027, 5, 18)


def event_day_noon(day: date = EVENT_DAY) -> datetime:
    """Noon in Stockholm on `day`: far from midnight whatever the machine's zone."""
    return datetime.combine(day, time(12, 0), tzinfo=STOCKHOLM)


@functools.cache
def _static_files() -> StaticFiles:
    return StaticFiles(Path(summit.__file__).parent / "static")


def static_url(name: str) -> str:
    """The URL pages give the static file `name`: with the hash of its content."""
    return "/static/" + _static_files().by_name[name].hashed


@pytest.fixture
def deploy_static(app, tmp_path, monkeypatch):
    """deploy({"js/x.js": "text"}): the app as a process started after a deploy that
    appended `text` to those static files (a copy of the folder; all put back after)."""
    folder = tmp_path / "static"
    shutil.copytree(app.static_folder, folder)
    monkeypatch.setattr(app, "static_folder", str(folder))

    def deploy(changes: dict[str, str]) -> StaticFiles:
        for name, added in changes.items():
            with open(folder / name, "a", encoding="utf-8") as file:
                file.write(added)
        monkeypatch.setitem(app.extensions, STATIC_FILES, StaticFiles(folder))
        return app.extensions[STATIC_FILES]

    return deploy


@pytest.fixture
def client(app):
    return app.test_client()


# Factories -----------------------------------------------------------------------------


@pytest.fixture
def make_user(db):
    def make(email="person@example.org", name="Test Person", password=PASSWORD, **kwargs):
        user = accounts.create_user(email, name=name, password=password, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_event(db):
    counter = iter(range(1, 10_000))

    def make(slug=None, published=True, kind=EventKind.SUMMIT, days=3, **kwargs):
        start = kwargs.pop("starts_at", datetime(2027, 5, 18, 9, 0, tzinfo=STOCKHOLM))
        event = Event(
            slug=slug or f"event{next(counter)}",
            kind=kind,
            format=kwargs.pop("format", EventFormat.ON_SITE),
            status=EventStatus.PUBLISHED if published else EventStatus.DRAFT,
            name_sv=kwargs.pop("name_sv", "Testevenemang"),
            name_en=kwargs.pop("name_en", "Test event"),
            starts_at=start,
            ends_at=kwargs.pop("ends_at", start + timedelta(days=days - 1, hours=8)),
            **kwargs,
        )
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def grant(db):
    def give(user: User, event: Event, role: Role):
        accounts.grant_role(event, user.email, role, None)
        return user

    return give


@contextlib.contextmanager
def statements():
    """The SQL statements sent inside the block (BEGIN not counted)."""
    sent = []

    def record(_conn, _cursor, sql, *_args):
        if not sql.lstrip().upper().startswith("BEGIN"):
            sent.append(sql)

    sa_event.listen(_db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa_event.remove(_db.engine, "before_cursor_execute", record)


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, user: User, password: str = PASSWORD):
    """Sign in through the login form, as a person would."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login(client):
    """Sign the `client` fixture in as a user."""
    return lambda user, password=PASSWORD: sign_in(client, user, password)


@pytest.fixture
def make_ticket_type(db):
    from summit.models import TicketType

    def make(event, name="Ordinarie", price=150000, capacity=None, **kwargs):
        ticket_type = TicketType(
            event=event,
            name_sv=name,
            name_en=kwargs.pop("name_en", name),
            price=price,
            capacity=capacity,
            **kwargs,
        )
        db.session.add(ticket_type)
        db.session.commit()
        return ticket_type

    return make


# Call for speakers ---------------------------------------------------------------------

CFP_OPENS = datetime(2027, 1, 11, 9, 0, tzinfo=STOCKHOLM)
CFP_CLOSES = datetime(2027, 3, 1, 0, 0, tzinfo=STOCKHOLM)
CFP_OPEN_NOW = datetime(2027, 2, 1, 12, 0, tzinfo=STOCKHOLM)  # while the call is open


@pytest.fixture
def make_call(db):
    """A call for speakers on an event: open from CFP_OPENS until CFP_CLOSES, with a
    talk and a workshop format and two criteria (relevance weighs 2, impact 1)."""
    from summit.models import CallForProposals, ReviewCriterion, SessionFormat, SessionKind

    def make(event, opens_at=CFP_OPENS, closes_at=CFP_CLOSES, **kwargs):
        call = CallForProposals(event=event, opens_at=opens_at, closes_at=closes_at, **kwargs)
        call.formats = [
            SessionFormat(name_sv="Föredrag", name_en="Talk", duration_minutes=20, position=0),
            SessionFormat(
                name_sv="Workshop",
                name_en="Workshop",
                kind=SessionKind.WORKSHOP,
                duration_minutes=90,
                position=1,
            ),
        ]
        call.criteria = [
            ReviewCriterion(name_sv="Relevans", name_en="Relevance", weight=2, position=0),
            ReviewCriterion(name_sv="Social påverkan", name_en="Impact", weight=1, position=1),
        ]
        db.session.add(call)
        db.session.commit()
        return call

    return make


@pytest.fixture
def make_proposal(db):
    """A proposal in any state, written straight to the database (the services under
    test make their own): `speaker` submitted it; `co_speakers` have accepted."""
    from summit.models import Proposal, ProposalSpeaker, ProposalState

    def make(call, speaker, state=ProposalState.SUBMITTED, co_speakers=(), **kwargs):
        now = kwargs.pop("now", CFP_OPEN_NOW)
        proposal = Proposal(
            event_id=call.event_id,
            call=call,
            state=state,
            title=kwargs.pop("title", "Social innovation i kommunen"),
            abstract=kwargs.pop("abstract", "Hur kommuner och civilsamhälle gör saker ihop."),
            format=kwargs.pop("format", call.formats[0] if call.formats else None),
            language=kwargs.pop("language", "sv"),
            submitted_by_id=speaker.id,
            created_at=now,
            updated_at=now,
            submitted_at=None if state is ProposalState.DRAFT else now,
            **kwargs,
        )
        proposal.speakers.append(
            ProposalSpeaker(
                user_id=speaker.id, email=speaker.email, is_primary=True, accepted_at=now
            )
        )
        for co_speaker in co_speakers:
            proposal.speakers.append(
                ProposalSpeaker(user_id=co_speaker.id, email=co_speaker.email, accepted_at=now)
            )
        db.session.add(proposal)
        db.session.commit()
        return proposal

    return make


@pytest.fixture
def make_profile(db):
    from summit.models import SpeakerProfile

    def make(user, display_name=None, language="sv", **kwargs):
        profile = SpeakerProfile(
            user_id=user.id,
            display_name=display_name or user.name,
            preferred_language=language,
            **kwargs,
        )
        db.session.add(profile)
        db.session.commit()
        return profile

    return make
