"""Organizer pages under /manage: events, who may do what, and the mail outbox."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import bank, views

bp = Blueprint("admin", __name__, url_prefix="/manage")

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/", "dashboard", views.dashboard, GET),
    ("/events/new", "new_event", views.new_event, GET_POST),
    ("/events/<slug>/", "edit_event", views.edit_event, GET_POST),
    ("/events/<slug>/copy", "copy_event", views.copy_event, GET_POST),
    ("/events/<slug>/publish", "publish", views.publish, POST),
    ("/events/<slug>/unpublish", "unpublish", views.unpublish, POST),
    ("/events/<slug>/roles", "roles", views.roles, GET_POST),
    ("/events/<slug>/roles/revoke", "revoke_role", views.revoke_role, POST),
    ("/outbox", "outbox_list", views.outbox_list, GET),
    ("/outbox/<int:message_id>", "outbox_message", views.outbox_message, GET),
    ("/outbox/<int:message_id>/attachments/<int:attachment_id>", "outbox_attachment", views.outbox_attachment, GET),
    ("/outbox/<int:message_id>/retry", "outbox_retry", views.outbox_retry, POST),
    ("/bank/", "bank_page", bank.bank_page, GET_POST),
    ("/bank/payments/<int:row_id>/match", "bank_match", bank.bank_match, POST),
    ("/bank/payments/<int:row_id>/settle", "bank_settle", bank.bank_settle, POST),
]
# fmt: on
add_url_rules(bp, URLS)
