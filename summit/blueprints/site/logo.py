"""An event's logo at its random address (new with every upload, so cached for good)."""

from flask import Response

from ...access import public
from ...services import branding
from ..lookup import found_or_404


@public
def logo(slug, token):
    data, content_type = found_or_404(branding.logo_by_token(slug, token))
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
