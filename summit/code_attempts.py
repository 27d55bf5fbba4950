"""Wrong codes are counted: per client address and per event, in Flask-Limiter's storage
(memory in development, Redis shared by the workers in production).

Every place a stranger can type or follow a code (the shop's code field and its
?code= and ?voucher= links, the call for speakers' access code) asks
`wait_before_code()` before it looks the code up, and calls `wrong_code()` when the
code was not one. Right codes cost nothing, so a buyer with a good code is never
slowed down; someone trying codes one after another is stopped after a few.

Two budgets, both must have room: CODE_RATE_LIMIT per client address (over all events)
and CODE_EVENT_RATE_LIMIT per event (many addresses taking turns at one event's codes).
"""

import logging
import time

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from .extensions import limiter

log = logging.getLogger(__name__)


def _budgets(scope: str):
    """(limit, identifiers) for each budget a code entry at `scope` (an event) spends."""
    config = current_app.config
    address = get_remote_address() or "unknown"
    return [
        *(
            (item, ("wrong-code", "client", address))
            for item in parse_many(config["CODE_RATE_LIMIT"])
        ),
        *(
            (item, ("wrong-code", "event", scope))
            for item in parse_many(config["CODE_EVENT_RATE_LIMIT"])
        ),
    ]


def _enabled() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def wait_before_code(scope: str) -> int | None:
    """Seconds to wait before a code may be tried here again; None: go ahead."""
    if not _enabled():
        return None
    try:
        strategy = limiter.limiter
        waits = []
        for item, keys in _budgets(scope):
            if not strategy.test(item, *keys):
                reset_at, _left = strategy.get_window_stats(item, *keys)
                waits.append(max(int(reset_at - time.time()) + 1, 1))
        return max(waits) if waits else None
    except Exception:  # noqa: BLE001  (the limiter's storage is down: do not lock out buyers)
        log.exception("Counting wrong codes failed")
        return None


def wrong_code(scope: str) -> None:
    """A code that was not one was tried here: spend one from each budget."""
    if not _enabled():
        return
    try:
        strategy = limiter.limiter
        for item, keys in _budgets(scope):
            strategy.hit(item, *keys)
    except Exception:  # noqa: BLE001
        log.exception("Counting wrong codes failed")


def retry_after_header(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def minutes(seconds: int) -> int:
    """The wait as whole minutes, as a person reads it (at least one)."""
    return max((seconds + 59) // 60, 1)


def client_address() -> str:
    """The client's address as the limits see it (behind the proxy: the forwarded one)."""
    return get_remote_address() or request.remote_addr or "unknown"
