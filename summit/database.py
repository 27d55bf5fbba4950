"""Engine set-up and the unit-of-work helper the services use for atomic writes."""

from sqlalchemy import event, text
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
    """Start a unit of work that will write, holding the database's write lock on SQLite.

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


def write_needs_new_transaction() -> bool:
    """SQLite cannot turn a transaction that has read into one that writes once another
    connection has written meanwhile; such writes start over under begin_write()."""
    return db.session().get_bind().dialect.name == "sqlite"


def commit_without_waiting_for_disk() -> None:
    """For units of work whose loss in a crash harms nobody (a seat reservation that
    would expire in minutes anyway): PostgreSQL commits without waiting for the
    write-ahead log to reach the disk. A crash can lose the last fraction of a second of
    such commits, never corrupt anything; payments and check-ins keep full durability.
    Must be called inside the transaction it applies to."""
    if db.session().get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
