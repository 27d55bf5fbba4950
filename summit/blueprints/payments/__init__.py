"""Payment provider pages: return pages, webhooks, and the development provider."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import stripe_views, views

bp = Blueprint("payments", __name__, url_prefix="/payments")

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/stripe/return/<token>", "stripe_return", stripe_views.stripe_return, GET),
    ("/stripe/cancel/<token>", "stripe_cancel", stripe_views.stripe_cancel, GET),
    ("/stripe/webhook", "stripe_webhook", stripe_views.stripe_webhook, POST),

    ("/dev/<token>/<ref>", "dev_pay", views.dev_pay, GET_POST),
]
# fmt: on
add_url_rules(bp, URLS)
