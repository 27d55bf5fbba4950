"""Links in the call-for-speakers emails, and the tokens behind them.

The links point at pages of the `speakers` blueprint, under these endpoint names and
paths. Until that blueprint is registered (the pages are a later step), the same paths
are built from BASE_URL, so the emails queued now stay valid.
"""

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.routing import BuildError

from ...models import Proposal
from ...urls import external_url

PATHS = {
    "speakers.proposal": "/events/{slug}/speakers/proposals/{token}",
    "speakers.invitation": "/events/{slug}/speakers/invitations/{token}",
    "speakers.respond": "/events/{slug}/speakers/respond/{token}",
    "speakers.manage_proposal": "/manage/events/{slug}/speakers/proposals/{token}",
}


def new_link_token() -> tuple[str, str]:
    """A token for a link (256 bits) and its SHA-256, which is all that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token) -> bool:
    return isinstance(token, str) and 20 <= len(token) <= 100 and token.isascii()


def _link(endpoint: str, **values) -> str:
    try:
        return external_url(endpoint, **values)
    except BuildError:
        base = current_app.config["BASE_URL"].rstrip("/")
        return base + PATHS[endpoint].format(**values)


def proposal_url(proposal: Proposal) -> str:
    return _link("speakers.proposal", slug=proposal.event.slug, token=proposal.token)


def manage_url(proposal: Proposal) -> str:
    """The organizers' page of the proposal."""
    return _link("speakers.manage_proposal", slug=proposal.event.slug, token=proposal.token)


def invitation_url(proposal: Proposal, token: str) -> str:
    return _link("speakers.invitation", slug=proposal.event.slug, token=token)


def respond_url(proposal: Proposal, token: str, user_id: int | None = None) -> str:
    """The confirm link; with `user_id`, the speaker it is sent to rides along, signed,
    so that the page can say who answered (the link itself is shared by the speakers)."""
    url = _link("speakers.respond", slug=proposal.event.slug, token=token)
    return f"{url}?by={signed_speaker(token, user_id)}" if user_id is not None else url


BY_SALT = "cfp-respond-by"


def _by_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=BY_SALT)


def signed_speaker(token: str, user_id: int) -> str:
    """The speaker's id bound to this link's token (its hash), signed."""
    return _by_serializer().dumps([token_hash(token)[:16], user_id])


def speaker_of_link(token, signed) -> int | None:
    """The speaker id a confirm link was sent to, if its `by` is genuine for `token`."""
    if not looks_like_token(token) or not isinstance(signed, str) or len(signed) > 200:
        return None
    try:
        link, user_id = _by_serializer().loads(signed)
    except (BadData, TypeError, ValueError):
        return None
    if link != token_hash(token)[:16] or not isinstance(user_id, int):
        return None
    return user_id
