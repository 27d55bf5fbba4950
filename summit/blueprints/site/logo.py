"""An event's logo at its random address (new with every upload, so cached for good)."""

from flask import Response, abort

from ...access import public
from ...services import branding


@public
def logo(slug, token):
    found = branding.logo_by_token(slug, token)
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
