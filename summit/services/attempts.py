"""Failed attempts counted against budgets: wrong passwords, wrong codes.

A budget is a limit (Flask-Limiter's notation, e.g. "10 per 15 minutes") and the keys
it is counted under (e.g. "wrong-code", "event", "summit2027"). Only failures are
spent; whoever gets it right costs nothing. The counts live in Flask-Limiter's storage:
memory in development, Redis shared by every worker and node in production. When that
storage cannot be reached, nothing is counted and nobody is made to wait (and it is
logged): an outage must not lock people out of the shop, the call or the door.
"""

import logging
import time

from flask import current_app
from limits import RateLimitItem, parse_many

from ..extensions import limiter

log = logging.getLogger(__name__)

Budget = tuple[RateLimitItem, tuple[str, ...]]


def budgets(limits: str, *keys: str) -> list[Budget]:
    """One budget per limit in `limits` ("10/15 minutes; 50/day"), counted under keys."""
    return [(item, keys) for item in parse_many(limits)]


def _counting() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def wait(spent: list[Budget]) -> int | None:
    """Seconds until every one of the budgets has room again; None: go ahead now."""
    if not _counting():
        return None
    try:
        strategy = limiter.limiter
        resets = [
            strategy.get_window_stats(item, *keys).reset_time
            for item, keys in spent
            if not strategy.test(item, *keys)
        ]
    except Exception:  # noqa: BLE001  (the storage is down: nobody waits)
        log.exception("Reading the failed-attempt counts failed")
        return None
    return max(int(max(resets) - time.time()) + 1, 1) if resets else None


def fail(spent: list[Budget]) -> None:
    """One failed attempt: spend one from each budget."""
    if not _counting():
        return
    try:
        for item, keys in spent:
            limiter.limiter.hit(item, *keys)
    except Exception:  # noqa: BLE001
        log.exception("Counting a failed attempt failed")
