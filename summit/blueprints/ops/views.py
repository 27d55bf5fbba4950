"""Health checks: plain answers, no session, no rate limit, never cached."""

from flask import jsonify

from ...access import public
from ...extensions import limiter
from ...services.health import readiness


@public
@limiter.exempt
def healthz():
    """Alive: the process answers. No database, no Redis, no file."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@public
@limiter.exempt
def readyz():
    """Ready for traffic: 200, or 503 naming what is not (JSON either way)."""
    state = readiness()
    body = {"ready": state.ready, **state.checks}
    return jsonify(body), 200 if state.ready else 503
