"""Health checks and metrics: plain answers, no session, no rate limit, never cached."""

import hmac
import ipaddress

from flask import abort, current_app, jsonify, request

from ...access import public
from ...extensions import limiter
from ...metrics import CONTENT_TYPE, scrape
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


def _may_scrape() -> bool:
    """The bearer of METRICS_TOKEN, or an address in METRICS_ALLOW_FROM (the client's,
    as the proxy reports it)."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in network for network in current_app.config["METRICS_ALLOW_FROM"])


@public  # to Prometheus: a token or an allowed address, checked here
@limiter.exempt
def metrics():
    if not _may_scrape():
        abort(403)
    return scrape(), 200, {"Content-Type": CONTENT_TYPE}
