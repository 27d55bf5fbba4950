"""The database a backup is made from or restored into: reaching it, and reading what
a manifest records of it (tables and their rows, the alembic revision, the schema)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from ...config import sqlalchemy_url
from .errors import BackupError
from .manifest import SUFFIXES


def kind_of(url: str) -> str:
    name = make_url(sqlalchemy_url(url)).get_backend_name()
    if name not in SUFFIXES:
        raise BackupError(f"{name} databases are not backed up: PostgreSQL and SQLite are")
    return name


def shown(url: str) -> str:
    """The URL without its password, to print and to keep in a manifest."""
    parsed = make_url(sqlalchemy_url(url))
    return parsed.set(drivername=parsed.get_backend_name(), password=None).render_as_string()


def engine_for(url: str) -> Engine:
    options = {"connect_timeout": 10} if url.startswith("postgresql") else {}
    return create_engine(url, poolclass=NullPool, connect_args=options)


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection to `engine`, or BackupError naming the database it cannot reach."""
    try:
        conn = engine.connect()
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise BackupError(f"cannot reach the database {shown(str(engine.url))}: {reason}") from None
    with conn:
        yield conn


def table_counts(conn: Connection) -> dict[str, int]:
    quote = conn.dialect.identifier_preparer.quote
    return {
        table: conn.execute(text(f"SELECT count(*) FROM {quote(table)}")).scalar_one()  # noqa: S608
        for table in sorted(inspect(conn).get_table_names())
    }


def revision(conn: Connection) -> list[str]:
    if not inspect(conn).has_table("alembic_version"):
        return []
    return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def schema_drift(conn: Connection) -> list[str]:
    """What `flask db check` would find to migrate between the models and this schema
    (its comparison, with the options Flask-Migrate gives it: compare_type)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ... import models  # noqa: F401  (every table in the metadata)
    from ...extensions import db

    chatty = logging.getLogger("alembic")  # its INFO lines on every sequence it sees
    level = chatty.level
    chatty.setLevel(logging.WARNING)
    try:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [str(diff) for diff in compare_metadata(context, db.metadata)]
    finally:
        chatty.setLevel(level)
