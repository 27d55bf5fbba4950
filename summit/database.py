"""Engine set-up and the one way services write: `with unit_of_work(*locks) as unit:`.

A unit of work opens the write transaction (BEGIN IMMEDIATE on SQLite: the database's
single write lock, which covers every named lock), takes its named locks on PostgreSQL
(row locks or advisory locks, see services/locks.py), runs its body and commits, or
rolls back on any exception, a refusal too: a view never rolls back by hand.
"""

from contextlib import contextmanager

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and BEGIN emitted by us.

    pysqlite's own transaction handling starts transactions late and cannot take the
    write lock up front; SQLAlchemy's documented recipe is to turn it off and emit
    BEGIN from the "begin" event, which lets begin_write() ask for BEGIN IMMEDIATE.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> bool:
    """Start a transaction that will write, holding the database's write lock on SQLite
    (the first step of unit_of_work; the check-in scan uses it alone, see checkin.py).

    On SQLite the whole transaction holds the single write lock from its first
    statement, so a read-check-write cannot be overtaken by another process. On
    PostgreSQL the caller locks the rows it checks (SELECT ... FOR UPDATE).
    A read-only transaction already open (e.g. loading the signed-in user) is ended
    first; pending changes are a programming error, they belong to another unit.
    Returns True when a new transaction began (SQLite): what was read before is stale
    and must be read again under the lock.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() called with unsaved changes in the session")
    if session.get_bind().dialect.name != "sqlite":
        return False  # PostgreSQL: the open transaction goes on; callers lock rows
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return True


def end_reads() -> None:
    """End the open transaction, which has only read: before a network call or a long
    rendering (nothing stays open meanwhile), or before a unit of work that reads again
    under its lock. Unsaved changes are a programming error: they belong in a unit."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("end_reads() called with unsaved changes in the session")
    session.commit()


def commit_without_waiting_for_disk() -> None:
    """For units of work whose loss in a crash harms nobody (a seat reservation that
    would expire in minutes anyway): PostgreSQL commits without waiting for the
    write-ahead log to reach the disk. A crash can lose the last fraction of a second of
    such commits, never corrupt anything; payments and check-ins keep full durability.
    Must be called inside the transaction it applies to."""
    if db.session().get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


class Lock:
    """A named lock a unit of work takes: see services/locks.py for the ones we use."""

    def take(self):  # pragma: no cover - every lock says how it is taken
        raise NotImplementedError


class RowLock(Lock):
    """The row of `model` with id `row_id`: SELECT ... FOR UPDATE on PostgreSQL (the
    write lock already covers it on SQLite). Taking it returns the row's object, read
    again under the lock (None if the row is gone); `columns` instead reads only these
    columns of the locked row (a Row, or None)."""

    def __init__(self, model, row_id: int, *columns, shared: bool = False):
        self.model, self.row_id, self.columns, self.shared = model, row_id, columns, shared

    def take(self):
        model = self.model
        if self.columns:
            query = select(*self.columns).where(model.id == self.row_id)
            if self.shared:
                return db.session.execute(
                    query.with_for_update(key_share=True, read=True)
                ).one_or_none()
            return db.session.execute(query.with_for_update()).one_or_none()
        return db.session.execute(
            select(model)
            .where(model.id == self.row_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()


class RowsLock(Lock):
    """Several rows of `model`, locked in the order of their ids (so two units locking
    overlapping sets cannot deadlock); taking it returns their objects read again."""

    def __init__(self, model, row_ids):
        self.model, self.row_ids = model, sorted(set(row_ids))

    def take(self):
        model = self.model
        return db.session.scalars(
            select(model)
            .where(model.id.in_(self.row_ids))
            .order_by(model.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()


class AdvisoryLock(Lock):
    """A lock on a name rather than a row, for what has no row of its own to lock or
    must not block what locks that row: a transaction-scoped advisory lock keyed on
    (purpose, key) on PostgreSQL, the write lock on SQLite."""

    def __init__(self, purpose: int, key: int = 0):
        self.purpose, self.key = purpose, key

    def take(self):
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(:purpose, :key)"),
                {"purpose": self.purpose, "key": self.key},
            )


class UnitOfWork:
    """What a unit of work's body gets: `fresh` is True when the unit began a new
    transaction (SQLite), so objects read before it are stale and must be read again
    (`reread`); `lock` takes one more named lock inside the unit; `connection` is the
    connection of a unit of single statements (see unit_of_work's `each_statement`)."""

    def __init__(self, fresh: bool):
        self.fresh = fresh
        self.connection = None

    def reread(self, *objects) -> None:
        if self.fresh:
            for obj in objects:
                db.session.refresh(obj)

    def lock(self, lock: Lock):
        return lock.take()


@contextmanager
def unit_of_work(
    *locks: Lock, durable: bool = True, keep_loaded: bool = False, each_statement: bool = False
):
    """One service operation that writes: opens the write transaction (begin_write),
    takes the named `locks` in order, runs the body and commits, or rolls back on any
    exception (a refusal too), so callers never roll back by hand.

    `durable=False`: the commit does not wait for the disk (commit_without_waiting_for
    _disk). `keep_loaded`: objects stay loaded after the commit (nothing in them is
    stale; the caller may read them without a query). `each_statement`: for a unit
    whose guarantees come from unique indexes rather than locks (the check-in scan),
    PostgreSQL commits each statement of `unit.connection` on its own, sparing the
    BEGIN and COMMIT round trips; SQLite holds its write lock as in every unit."""
    unit = UnitOfWork(begin_write())
    try:
        if each_statement:
            unit.connection = _statement_connection(unit.fresh)
        for lock in locks:
            lock.take()
        yield unit
        if not durable:
            commit_without_waiting_for_disk()
        if keep_loaded:
            db.session.expire_on_commit = False
        try:
            db.session.commit()
        finally:
            db.session.expire_on_commit = True
    except BaseException:
        db.session.rollback()
        raise


def _statement_connection(fresh: bool):
    session = db.session()
    if fresh:  # SQLite: the unit's transaction, holding the write lock
        return session.connection()
    if session.in_transaction():
        session.commit()  # e.g. what the access check read
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
