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

from flask import current_app, request
from flask_limiter.util import get_remote_address

from .services import attempts


def _budgets(scope: str) -> list[attempts.Budget]:
    """The budgets a wrong code at `scope` (an event) spends."""
    config = current_app.config
    address = get_remote_address() or "unknown"
    return [
        *attempts.budgets(config["CODE_RATE_LIMIT"], "wrong-code", "client", address),
        *attempts.budgets(config["CODE_EVENT_RATE_LIMIT"], "wrong-code", "event", scope),
    ]


def wait_before_code(scope: str) -> int | None:
    """Seconds to wait before a code may be tried here again; None: go ahead."""
    return attempts.wait(_budgets(scope))


def wrong_code(scope: str) -> None:
    """A code that was not one was tried here: spend one from each budget."""
    attempts.fail(_budgets(scope))


def retry_after_header(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def minutes(seconds: int) -> int:
    """The wait as whole minutes, as a person reads it (at least one)."""
    return max((seconds + 59) // 60, 1)


def client_address() -> str:
    """The client's address as the limits see it (behind the proxy: the forwarded one)."""
    return get_remote_address() or request.remote_addr or "unknown"
