"""Meeting across sectors: an event's opt-in participant list (/events/<slug>/participants/),
seen only by ticket holders who are on it, and one's own entry on it."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import views

bp = Blueprint("meeting", __name__)

PUBLIC = "/events/<slug>/participants"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    (PUBLIC + "/", "participants", views.participants, GET),
    (PUBLIC + "/me", "my_listing", views.my_listing, GET_POST),
    (PUBLIC + "/me/withdraw", "withdraw", views.withdraw, POST),
]
# fmt: on
add_url_rules(bp, URLS)
