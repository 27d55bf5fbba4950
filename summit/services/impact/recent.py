"""The impact report as last counted, kept a minute in each process.

Counting the summit's report costs about a tenth of a second of a worker's time (a
dozen grouped queries and the charts; bench/report.py); organizers and the people they
show it to reload it far more often than its figures move. So the page's body, as
rendered for one event, comparison, sector and language, is kept for KEEP and the page
says when its figures were counted. The Excel and PDF files are always counted afresh.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

from ...models import utcnow

KEEP = timedelta(minutes=1)
MOST = 64  # bodies kept per process (a few kB each), the least recently used dropped

_lock = threading.Lock()
_kept: "OrderedDict[Hashable, tuple[datetime, str]]" = OrderedDict()


def counted(key: Hashable, count: Callable[[], str]) -> tuple[str, datetime]:
    """The body kept for `key` if counted within KEEP, else count() now; and when it was
    counted."""
    now = utcnow()
    with _lock:
        found = _kept.get(key)
        if found is not None and now - found[0] < KEEP:
            _kept.move_to_end(key)
            return found[1], found[0]
    body = count()
    with _lock:
        _kept[key] = (now, body)
        _kept.move_to_end(key)
        while len(_kept) > MOST:
            _kept.popitem(last=False)
    return body, now


def forget() -> None:
    """Nothing kept (the tests start each from nothing)."""
    with _lock:
        _kept.clear()
