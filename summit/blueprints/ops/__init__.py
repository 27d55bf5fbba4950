"""For the machines that run the summit: a load balancer's health checks."""

from flask import Blueprint

from .. import GET, add_url_rules
from . import views

bp = Blueprint("ops", __name__)

# fmt: off
URLS = [
    ("/healthz", "healthz", views.healthz, GET),
    ("/readyz", "readyz", views.readyz, GET),
    ("/metrics", "metrics", views.metrics, GET),
]
# fmt: on
add_url_rules(bp, URLS)
