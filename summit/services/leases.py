"""Work rows a worker takes for a while (the mail outbox, e-invoices to send): a lease
(`locked_until`) and a `claim_token` on the row, so that however many workers run, one
row is held by one of them.

The candidates are picked with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so
workers pass each other by; on SQLite the claim runs under the database write lock.
The claim itself is a conditional UPDATE, and everything written afterwards is written
only where the row still carries the worker's token.
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..database import unit_of_work
from ..extensions import db
from ..models import utcnow


def claim(
    model, due: Callable[[datetime], tuple], order_by: tuple, limit: int, lease: timedelta
) -> str | None:
    """Take up to `limit` rows that are `due(now)`, in `order_by` order, for `lease`:
    the token they now carry, or None when none was due."""
    token = secrets.token_hex(16)
    with unit_of_work():
        now = utcnow()  # after the write lock: the lease starts when the claim does
        ids = db.session.scalars(
            select(model.id)
            .where(*due(now))
            .order_by(*order_by)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if ids:
            db.session.execute(
                update(model)
                .where(model.id.in_(ids), *due(now))
                .values(locked_until=now + lease, claim_token=token)
                .execution_options(synchronize_session=False)
            )
    return token if ids else None


def write_held(model, row_id: int, token: str, **values) -> None:
    """Update a row we still hold and let go of it, in its own unit of work (nothing
    when another worker holds it now)."""
    with unit_of_work():
        db.session.execute(
            update(model)
            .where(model.id == row_id, model.claim_token == token)
            .values(locked_until=None, claim_token=None, **values)
            .execution_options(synchronize_session=False)
        )
