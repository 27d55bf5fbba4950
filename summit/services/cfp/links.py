"""Links in the call-for-speakers emails, and the tokens behind them.

The links point at pages of the `speakers` blueprint, under these endpoint names and
paths. Until that blueprint is registered (the pages are a later step), the same paths
are built from BASE_URL, so the emails queued now stay valid.
"""

import hashlib
import secrets

from flask import current_app
from werkzeug.routing import BuildError

from ...models import Proposal
from ...urls import external_url

PATHS = {
    "speakers.proposal": "/events/{slug}/speakers/proposals/{token}",
    "speakers.invitation": "/events/{slug}/speakers/invitations/{token}",
    "speakers.respond": "/events/{slug}/speakers/respond/{token}",
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


def invitation_url(proposal: Proposal, token: str) -> str:
    return _link("speakers.invitation", slug=proposal.event.slug, token=token)


def respond_url(proposal: Proposal, token: str) -> str:
    return _link("speakers.respond", slug=proposal.event.slug, token=token)
