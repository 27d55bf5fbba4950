"""Print on arrival: the badge a station offers after an OK scan, as a PDF for the
browser's viewer and print dialog (services/badges/arrival.py has the rules).

GET /events/<slug>/arrival-badge/<token>: public, as the link itself is the proof (a
signed token valid for ten minutes; an iframe or a new tab cannot send the station's
bearer header). It lies outside /events/<slug>/checkin/, the scope of the scanner's
service worker, which must never keep a badge in its cache. The scanner page frames it
(frame-ancestors 'self'); nothing else may.
"""

from flask import Response, current_app, render_template
from flask_limiter.util import get_remote_address

from ...access import public
from ...extensions import limiter, talisman
from ...services.badges import arrival as arrival_badges

# The PDF (or the refusal shown in the frame instead) is a document of its own: no
# script loads in it, only the scanner's stylesheet; only our own pages may frame it.
BADGE_CSP = {"default-src": "'none'", "style-src": "'self'", "frame-ancestors": "'self'"}


def _rate_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "600 per minute")


@talisman(frame_options="SAMEORIGIN", content_security_policy=BADGE_CSP)
@limiter.limit(_rate_limit, key_func=get_remote_address)
@public
def arrival_badge(slug, token):
    try:
        pdf = arrival_badges.print_badge(token, slug)
    except arrival_badges.BadgeRefused as refused:
        page = render_template("checkin/badge_refused.html", message=refused.message)
        response = Response(page, status=refused.status, mimetype="text/html")
    else:
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = 'inline; filename="namnbricka.pdf"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
