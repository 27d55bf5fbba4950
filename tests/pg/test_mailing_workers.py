"""A group mailing under two workers at once on PostgreSQL: the round is expanded into
the outbox by both (batches interleaving under the mailing's lock) and delivered by both
to a real SMTP server; every address gets it exactly once, and a double-clicked send
stays one round."""

from collections import Counter

from sqlalchemy import func, select

from summit.models import Mailing, MailingRecipient, OutboxMessage
from summit.services.mailings import sending
from summit.services.mailings.errors import MailingError
from summit.services.outbox import deliver_pending
from tests import checkin_world, mail_world
from tests.smtp import running_smtp
from tests.threads import in_threads


def test_two_workers_send_each_address_once(
    app, db, make_event, make_user, make_call, make_proposal, make_profile
):
    world = mail_world.build(make_user, make_call, make_proposal, make_profile, make_event)
    for n in range(60):
        checkin_world.ticket(
            world.event, world.ordinary, name=f"Ängström {n}", email=f"person{n}@example.org"
        )
    mailing_id = mail_world.mailing(world).id

    def click() -> str:
        try:
            sending.send(db.session.get(Mailing, mailing_id))
        except MailingError as refused:
            return refused.reason
        return "sent"

    assert sorted(in_threads(app, 2, click)) == ["already_sent", "sent"]

    # Each worker expands batches while it holds the mailing and skips it while the
    # other does; together they write each address once.
    def rounds() -> int:
        queued = 0
        for _ in range(40):
            queued += sending.send_due_mailings(batch=7)
        return queued

    queued = in_threads(app, 2, rounds)
    assert sum(queued) == 65
    addresses = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert len(addresses) == len(set(addresses)) == 65
    assert db.session.scalar(select(func.count(MailingRecipient.id))) == 65

    with running_smtp(app, delay=(0, 0.01)) as smtp:
        in_threads(app, 2, lambda: deliver_pending(limit=5))
    per_address = Counter(r for received in smtp.received for r in received.rcpt_tos)
    assert len(per_address) == 65 and set(per_address.values()) == {1}
