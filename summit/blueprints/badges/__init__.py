"""Badges: the organizers' badge page, its print runs and one ticket's badge."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import views

bp = Blueprint("badges", __name__, url_prefix="/manage/events/<slug>/badges")

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/", "index", views.index, GET_POST),
    ("/runs/<token>/", "job", views.job, GET),
    ("/runs/<token>/status", "job_status", views.job_status, GET),
    ("/runs/<token>/pdf", "download", views.download, GET),
    ("/tickets/<int:ticket_id>/pdf", "ticket_badge", views.ticket_badge, POST),
]
# fmt: on
add_url_rules(bp, URLS)
