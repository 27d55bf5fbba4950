"""Outbox workers racing on PostgreSQL: real threads, each with its own connection.
Claims pass each other by (FOR UPDATE SKIP LOCKED) and never share a message. (The
race through a real SMTP server is in tests/unit/test_outbox.py, which CI also runs
on PostgreSQL.)"""

from sqlalchemy import select

from summit.models import OutboxMessage
from summit.services.outbox import claim_batch
from tests.threads import in_threads
from tests.unit.test_outbox import queue


def test_concurrent_claims_never_share_a_message(app, db):
    ids = queue(db, 45)

    def claim_until_empty() -> list[int]:
        claimed = []
        while batch := claim_batch(limit=3):
            claimed += [m.id for m in batch]
        return claimed

    claims = in_threads(app, 3, claim_until_empty)
    every = [i for claimed in claims for i in claimed]
    assert sorted(every) == ids  # each message claimed once, none left out
    assert all(claims), "a worker got nothing: the claims did not run side by side"


def test_claim_skips_rows_another_worker_has_locked(app, db):
    ids = queue(db, 8)
    with db.engine.connect() as holder:
        # Another worker in the middle of its claim: the first four due rows locked.
        held = holder.scalars(
            select(OutboxMessage.id).order_by(OutboxMessage.id).limit(4).with_for_update()
        ).all()
        assert held == ids[:4]
        # Waiting for those rows would not finish in time; skipping them does.
        [claimed] = in_threads(app, 1, lambda: [m.id for m in claim_batch(limit=4)], timeout=10)
        holder.rollback()
    assert claimed == ids[4:]

    # Released without a claim, the held rows are still there for the next worker.
    [rest] = in_threads(app, 1, lambda: [m.id for m in claim_batch(limit=8)])
    assert rest == ids[:4]
