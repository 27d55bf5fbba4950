"""Personal data: a person's own data and erasure request (Mina biljetter), their
consents, the organizers' retention policy with its dry run, requests and the bulk
access log, each event's privacy notice, and the accessibility statement."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import manage, public

bp = Blueprint("privacy", __name__)

MANAGE = "/manage/events/<slug>/privacy"
# fmt: off
URLS = [
    ("/accessibility", "accessibility", public.accessibility, GET_POST),
    ("/events/<slug>/privacy", "notice", public.notice, GET),
    ("/privacy", "site_notice", public.site_notice, GET),
    ("/my/data", "my_data", public.my_data, GET),
    ("/my/data.json", "my_data_json", public.my_data_json, GET),
    ("/my/data/erasure", "ask_erasure", public.ask_erasure, POST),
    ("/my/consents/withdraw", "withdraw_consent", public.withdraw_consent, POST),

    (MANAGE, "settings", manage.settings, GET_POST),
    (MANAGE + "/log", "event_log", manage.event_log, GET),
    (MANAGE + "/requests/<token>/complete", "complete_event_request", manage.complete_event_request, POST),
    ("/manage/privacy", "overview", manage.overview, GET),
    ("/manage/privacy/requests/<token>/complete", "complete_request", manage.complete_request, POST),
]
# fmt: on
add_url_rules(bp, URLS)
