"""Certificates: the public verification page (/certificates/<token>) and the
organizers' page (/manage/events/<slug>/certificates/): bulk runs and withdrawal.
A person's own certificates are downloaded from My tickets (the site blueprint)."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import views

bp = Blueprint("certificates", __name__)

MANAGE = "/manage/events/<slug>/certificates"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/certificates/<token>", "verify", views.verify, GET),

    (MANAGE + "/", "index", views.index, GET_POST),
    (MANAGE + "/runs/<token>/", "run", views.run, GET),
    (MANAGE + "/runs/<token>/status", "run_status", views.run_status, GET),
    (MANAGE + "/runs/<token>/zip", "download", views.download, GET),
    (MANAGE + "/issued/<token>/withdraw", "withdraw", views.withdraw, POST),
]
# fmt: on
add_url_rules(bp, URLS)
