"""What every request goes through before a view sees it, and the headers every answer
leaves with: input an attacker can send is a clear 400 or 404, never a 500.

- JSON bodies are read by one bounded reader (the app's Request class): at most
  MAX_JSON_DEPTH levels of nesting, no NUL in any string (PostgreSQL refuses it), whole
  numbers within a database integer, no NaN or Infinity. Anything else is unreadable,
  as malformed JSON is: request.get_json() answers 400, get_json(silent=True) None.
- A NUL or another control character in the path is a page that does not exist (404);
  a NUL in the query string is a 400. Form fields are checked by summit.forms.Form,
  which shows a translated message by the field instead.
- page_number(): the one reader of ?page= for every paginated list.
- Personal answers are never stored by a browser or a proxy: anything without its own
  Cache-Control leaves with "no-store"; pages with their own caching (program exports
  with ETags, the logo, static files) keep it.
"""

import json
import math
import re

from flask import Flask, abort, request
from flask import json as flask_json
from flask.wrappers import Request as FlaskRequest

MAX_JSON_DEPTH = 32
# The largest whole number a JSON body may carry: ids, versions, counts and öre amounts
# all live in 32-bit integer columns on PostgreSQL.
MAX_JSON_INT = 2**31 - 1
MAX_PAGE = 100_000
CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


class UnreadableJSON(ValueError):
    """Valid JSON we will not take (too deep, NUL, a number out of range)."""


def _constant(name: str):
    raise UnreadableJSON(f"{name} is not a number we accept")


def _check(value, allow_nul: bool = False) -> None:
    """Depth, strings and numbers of a parsed body, without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnreadableJSON("nested too deep")
        if isinstance(item, str):
            if "\x00" in item and not allow_nul:
                raise UnreadableJSON("NUL in a string")
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_JSON_INT:
                raise UnreadableJSON("number out of range")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise UnreadableJSON("number out of range")
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def loads_bounded(data, allow_nul: bool = False):
    """json.loads with the bounds above; every refusal is a ValueError."""
    try:
        value = json.loads(data, parse_constant=_constant)
    except RecursionError as error:  # the C decoder's own limit, deep below ours
        raise UnreadableJSON("nested too deep") from error
    _check(value, allow_nul)
    return value


class _BoundedJSON:
    """The json_module of our requests: Flask's, with a bounded loads."""

    loads = staticmethod(loads_bounded)
    dumps = staticmethod(flask_json.dumps)


class Request(FlaskRequest):
    """Flask's request, whose JSON body is read by loads_bounded. Flask hands every
    request the app's JSON provider; for the body we keep ours."""

    @property
    def json_module(self):
        return _BoundedJSON

    @json_module.setter
    def json_module(self, _provider):
        pass


def read_json(max_bytes: int | None = None, allow_nul: bool = False):
    """The request's JSON body (any content type), or None when it cannot be read or is
    refused by the bounds above; a body over max_bytes is a 413. allow_nul: for codes
    read by a scanner, which may carry anything and are checked by their own pattern."""
    if max_bytes is not None:
        request.max_content_length = max_bytes
    data = request.get_data(cache=True)
    try:
        return loads_bounded(data, allow_nul)
    except ValueError:
        return None


def page_number(name: str = "page") -> int:
    """?page=: a whole number from 1 to MAX_PAGE; anything else is the first page, and a
    number past MAX_PAGE the last page we would ever list (past the end: empty or 404)."""
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(1, min(int(raw) if len(raw) <= 9 else MAX_PAGE, MAX_PAGE))


def _refuse_control_characters():
    if CONTROL_IN_PATH.search(request.path):
        abort(404)
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            abort(400)


def _no_store_by_default(response):
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_requests(app: Flask) -> None:
    app.request_class = Request
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_control_characters)
    app.after_request(_no_store_by_default)
