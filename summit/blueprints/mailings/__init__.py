"""Mail to attendee groups: the organizers' mailings (manage) and the unsubscribe page
every non-essential group mail links to (public)."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import manage, public

bp = Blueprint("mailings", __name__)

MANAGE = "/manage/events/<slug>/mail"
MAILING = MANAGE + "/<int:mailing_id>"

# fmt: off
URLS = [
    (MANAGE + "/", "mailing_list", manage.mailing_list, GET),
    (MANAGE + "/new", "new_mailing", manage.new_mailing, GET_POST),
    (MAILING + "/", "show_mailing", manage.show_mailing, GET),
    (MAILING + "/edit", "edit_mailing", manage.edit_mailing, GET_POST),
    (MAILING + "/send", "send_mailing", manage.send_mailing, POST),
    (MAILING + "/unschedule", "unschedule_mailing", manage.unschedule_mailing, POST),
    (MAILING + "/resend", "resend_mailing", manage.resend_mailing, POST),
    (MAILING + "/log", "mailing_log", manage.mailing_log, GET),
    ("/unsubscribe/<token>", "unsubscribe", public.unsubscribe, GET_POST),
]
# fmt: on
add_url_rules(bp, URLS)
