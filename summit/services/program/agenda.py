"""A signed-in person's own program ("mitt program"): the sessions they picked, and the
signed address of their calendar feed.

Only sessions of the latest release can be added: a token that is not in it is
refused (ProgramError "not_published", nothing stored). Removing is always allowed.
A person's writes are serialized by a lock on their user row (PostgreSQL) or the
write lock (SQLite), so adding the same session twice at once stores it once.

The feed token is signed (itsdangerous, a salt of its own) and names the person and the
event; it also carries a digest of the account's session token, so changing the
password turns old feed addresses off.
"""

from collections.abc import Iterable
from hashlib import sha256

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select

from ...database import unit_of_work
from ...extensions import db
from ...models import AgendaItem, Event, ProgramSession, User
from .. import locks
from .errors import ProgramError
from .snapshot import ReleasedProgram

FEED_SALT = "agenda-feed"
MAX_MERGE = 500  # more than any program has sessions


def agenda_tokens(user: User, event: Event) -> list[str]:
    """The tokens of the sessions of `event` in the person's agenda, in the order they
    were added (sessions no longer published included: callers filter by release)."""
    return list(
        db.session.scalars(
            select(ProgramSession.token)
            .join(AgendaItem, AgendaItem.session_id == ProgramSession.id)
            .where(AgendaItem.user_id == user.id, ProgramSession.event_id == event.id)
            .order_by(AgendaItem.created_at, AgendaItem.id)
        )
    )


def _session_ids(event: Event, tokens: Iterable[str]) -> dict[str, int]:
    tokens = list(tokens)
    if not tokens:
        return {}
    rows = db.session.execute(
        select(ProgramSession.token, ProgramSession.id).where(
            ProgramSession.event_id == event.id, ProgramSession.token.in_(tokens)
        )
    )
    return dict(rows.all())


def _add(user: User, event: Event, tokens: list[str]) -> list[str]:
    """Adds the sessions of `tokens` (all known to be published) not already there."""
    ids = _session_ids(event, tokens)
    have = set(
        db.session.scalars(
            select(AgendaItem.session_id).where(
                AgendaItem.user_id == user.id, AgendaItem.session_id.in_(list(ids.values()))
            )
        )
    )
    added = []
    for token in tokens:
        session_id = ids.get(token)
        if session_id is not None and session_id not in have:
            db.session.add(AgendaItem(user_id=user.id, session_id=session_id))
            have.add(session_id)
            added.append(token)
    return added


def set_in_agenda(
    user: User, event: Event, program: ReleasedProgram | None, token: str, add: bool
) -> list[str]:
    """Puts the session in the person's agenda (add) or takes it out; doing it twice is
    the same as once. Returns the agenda's tokens afterwards. Commits."""
    if not isinstance(token, str) or not token:
        raise ProgramError("required", "token")
    if add and (program is None or program.session(token) is None):
        raise ProgramError("not_published", "token")
    with unit_of_work(locks.person(user.id)):
        if add:
            _add(user, event, [token])
        else:
            session_id = _session_ids(event, [token]).get(token)
            if session_id is not None:
                db.session.execute(
                    delete(AgendaItem).where(
                        AgendaItem.user_id == user.id, AgendaItem.session_id == session_id
                    )
                )
        return agenda_tokens(user, event)


def merge_into_agenda(
    user: User, event: Event, program: ReleasedProgram | None, tokens: object
) -> tuple[list[str], list[str]]:
    """Adds an agenda kept in the browser to the person's stored one (when they sign
    in). Tokens of sessions not in the latest release are left out rather than
    refusing the rest (a browser may remember a session since taken off the program).
    Returns (the agenda's tokens afterwards, the tokens left out). Commits."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise ProgramError("invalid_choice", "merge")
    if len(tokens) > MAX_MERGE:
        raise ProgramError("too_long", "merge", n=MAX_MERGE)
    unique = list(dict.fromkeys(tokens))
    known = [t for t in unique if program is not None and program.session(t) is not None]
    ignored = [t for t in unique if t not in set(known)]
    with unit_of_work(locks.person(user.id)):
        _add(user, event, known)
        return agenda_tokens(user, event), ignored


# -- the calendar feed's signed address ----------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def _account_stamp(user: User) -> str:
    return sha256(user.session_token.encode()).hexdigest()[:12]


def feed_token(user: User, event: Event) -> str:
    """The token in the person's calendar feed address for this event. No expiry: a
    calendar application polls it for as long as the person keeps the subscription."""
    return _serializer().dumps({"u": user.id, "e": event.slug, "s": _account_stamp(user)})


def feed_user(token: str, event: Event) -> User | None:
    """The person whose feed for `event` the token opens; None when it is forged,
    altered, for another event, or the account's password changed since."""
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("e") != event.slug:
        return None
    user_id = data.get("u")
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or data.get("s") != _account_stamp(user):
        return None
    return user
