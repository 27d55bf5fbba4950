"""Unsubscribing from group mail, by the token in the mail's link and headers.

The choice is per address for the whole organisation that runs this site: one
organisation (Mötesplats Social Innovation) sends every event's group mail, and a
person who asked it for no more mail would not expect the next event's newsletter.
Essential mail (a ticket, a changed time or place) ignores it. The token says nothing
about the address or any id, and using it changes that one address's choice only.
"""

from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import MailSubscription, utcnow
from ...models.mailings import new_subscription_token
from ...urls import external_url


def tokens_for(emails: list[str]) -> dict[str, MailSubscription]:
    """The subscriptions of these (lower-case) addresses, made for those without one, in
    the caller's transaction. Two senders making the same address's row at once: the
    unique index lets one in and the other takes it (insert ... on conflict do nothing)."""
    emails = sorted(set(emails))
    if not emails:
        return {}
    known = _of(emails)
    missing = [e for e in emails if e not in known]
    if missing:
        insert = _insert_function()
        db.session.execute(
            insert(MailSubscription)
            .values([{"email": e, "token": new_subscription_token()} for e in missing])
            .on_conflict_do_nothing(index_elements=["email"])
        )
        known.update(_of(missing))
    return known


def _of(emails: list[str]) -> dict[str, MailSubscription]:
    found = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        for sub in db.session.scalars(
            select(MailSubscription).where(MailSubscription.email.in_(chunk))
        ):
            found[sub.email] = sub
    return found


def _insert_function():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def unsubscribe_url(subscription: MailSubscription) -> str:
    return external_url("mailings.unsubscribe", token=subscription.token)


def find(token: str) -> MailSubscription | None:
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    return db.session.scalar(select(MailSubscription).where(MailSubscription.token == token))


def unsubscribe(token: str) -> MailSubscription | None:
    """The address of `token` gets no more non-essential group mail (None: no such
    token). Twice is the same as once: the first time is kept."""
    with unit_of_work():
        subscription = find(token)
        if subscription is not None and subscription.unsubscribed_at is None:
            subscription.unsubscribed_at = utcnow()
    return subscription


def resubscribe(token: str) -> MailSubscription | None:
    """Changed one's mind: group mail again."""
    with unit_of_work():
        subscription = find(token)
        if subscription is not None:
            subscription.unsubscribed_at = None
    return subscription
