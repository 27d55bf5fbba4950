"""Logs: one JSON object a line in production (LOG_FORMAT=json), plain text in
development; every line written while a request is answered carries its request id.

The id is the proxy's X-Request-ID when it sends a sensible one (so a line in the
proxy's log and ours can be matched), else a new one; the answer carries it back in
X-Request-ID, so a person reporting a problem can quote it.

Work a request leaves for `flask worker` (a mail, a badge run) keeps the id of the
request that asked for it (current_request_id() when it is queued); the worker logs
while `carrying()` it, so one id follows a click from the proxy to the mail server.
"""

import logging
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def request_id() -> str:
    """This request's id, fixed the first time it is asked for: a line written before
    any view runs (a refused CSRF token, say) has it too."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


_carried: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being answered, or of the one whose work is being done
    (carrying()); None for work nobody asked for (a reminder the worker queues)."""
    return request_id() if has_request_context() else _carried.get()


@contextmanager
def carrying(given: str | None) -> Iterator[None]:
    """Lines logged meanwhile (outside a request) carry `given` as their request id."""
    token = _carried.set(given)
    try:
        yield
    finally:
        _carried.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record: the request's, or the one whose
    work the worker is doing (None otherwise)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def handler(kind: str, stream=None) -> logging.Handler:
    """A handler writing `kind` ("json" or "text") lines, with the request id."""
    made = logging.StreamHandler(stream or sys.stderr)
    if kind == "json":
        made.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"levelname": "level", "asctime": "time"})
        )
    else:
        made.setFormatter(logging.Formatter(TEXT))
    made.addFilter(RequestIdFilter())
    return made


def init_logging(app: Flask) -> None:
    @app.after_request
    def _answer_with_id(response):
        response.headers["X-Request-ID"] = request_id()
        return response

    # WeasyPrint says each step of every PDF at INFO: seven lines a ticket or badge.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    if app.testing:
        return  # the test run's own capture keeps the records
    root = logging.getLogger()
    if not any(getattr(h, "summit", False) for h in root.handlers):
        made = handler(app.config["LOG_FORMAT"])
        made.summit = True
        root.addHandler(made)
        root.setLevel(app.config["LOG_LEVEL"])
