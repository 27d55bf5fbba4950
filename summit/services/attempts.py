"""Failed attempts counted against budgets: wrong passwords, wrong codes.

A budget is a limit (Flask-Limiter's notation, e.g. "10 per 15 minutes") and the keys
it is counted under (e.g. "wrong-code", "event", "summit2027"). Only failures are
spent; whoever gets it right costs nothing. The counts live in Flask-Limiter's storage:
memory in development, Redis shared by every worker and node in production.

Passwords are counted with take() before they are checked and give_back() when they
were right: each take is one atomic increment in the storage, so fifty guesses sent at
once to two nodes get as many tries as fifty sent one by one (with wait() and fail(),
all fifty would look before any was counted: 19 got through a limit of 10). Both need
the fixed-window strategy (Flask-Limiter's default), whose counts can go down.

When that storage cannot be reached, this process counts in its own memory instead (as
Flask-Limiter does for the limits on routes) and says so in the log once; it tries the
shared storage again RETRY_SECONDS later. An outage neither locks people out of the
shop, the call or the door, nor lets anyone guess passwords or codes without limit.
"""

import logging
import threading
import time

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter

from ..extensions import limiter

log = logging.getLogger(__name__)

Budget = tuple[RateLimitItem, tuple[str, ...]]

RETRY_SECONDS = 5.0


class _Fallback:
    """This process's own counts while the shared storage (`down`) is down."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = None
        self.down_until = 0.0
        self.local: RateLimiter | None = None

    def strategy(self) -> RateLimiter:
        """The shared storage's strategy, or this process's while that is down."""
        if limiter.storage is self.down and time.monotonic() < self.down_until:
            return self.local
        return limiter.limiter

    def went_down(self) -> RateLimiter:
        with self.lock:
            if limiter.storage is not self.down or time.monotonic() >= self.down_until:
                log.warning(
                    "Rate limit storage unreachable: failed attempts are counted in this "
                    "process only, for the next %.0f s",
                    RETRY_SECONDS,
                )
            if limiter.storage is not self.down:
                self.down, self.local = limiter.storage, type(limiter.limiter)(MemoryStorage())
            self.down_until = time.monotonic() + RETRY_SECONDS
            return self.local


_fallback = _Fallback()


def _counted(operation):
    """`operation(strategy)` on the shared storage, or on this process's counts when the
    shared storage fails."""
    strategy = _fallback.strategy()
    try:
        return operation(strategy)
    except Exception:
        if strategy is _fallback.local:
            raise  # memory does not fail: this is a bug, not an outage
        return operation(_fallback.went_down())


def budgets(limits: str, *keys: str) -> list[Budget]:
    """One budget per limit in `limits` ("10/15 minutes; 50/day"), counted under keys."""
    return [(item, keys) for item in parse_many(limits)]


def _counting() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def wait(spent: list[Budget]) -> int | None:
    """Seconds until every one of the budgets has room again; None: go ahead now."""
    if not _counting():
        return None
    resets = _counted(
        lambda strategy: [
            strategy.get_window_stats(item, *keys).reset_time
            for item, keys in spent
            if not strategy.test(item, *keys)
        ]
    )
    return max(int(max(resets) - time.time()) + 1, 1) if resets else None


def take(spent: list[Budget]) -> int | None:
    """Take one attempt from every budget before it is tried. None: go ahead (give it
    back with give_back() if it was right); else the seconds until every budget has room
    again, and nothing is taken."""
    if not _counting():
        return None

    def taking(strategy):
        full = [(item, keys) for item, keys in spent if not strategy.hit(item, *keys)]
        if not full:
            return None
        for item, keys in spent:  # a fixed window counts even the hit it refuses
            strategy.hit(item, *keys, cost=-1)
        return max(strategy.get_window_stats(item, *keys).reset_time for item, keys in full)

    reset = _counted(taking)
    return None if reset is None else max(int(reset - time.time()) + 1, 1)


def give_back(spent: list[Budget]) -> None:
    """The attempt taken was right: it costs nothing after all."""
    if not _counting():
        return

    def giving(strategy):
        for item, keys in spent:
            strategy.hit(item, *keys, cost=-1)

    _counted(giving)


def fail(spent: list[Budget]) -> None:
    """One failed attempt: spend one from each budget."""
    if not _counting():
        return

    def hit(strategy):
        for item, keys in spent:
            strategy.hit(item, *keys)

    _counted(hit)
