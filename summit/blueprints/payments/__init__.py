"""Payment provider pages: return pages, webhooks, and the development provider."""

from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")

from . import stripe_views, views  # noqa: E402,F401  (routes register on bp)
