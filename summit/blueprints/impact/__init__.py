"""The impact report: the organizers' report of an event with its Excel and PDF
exports (manage), and the summary an organizer may make public (public)."""

from flask import Blueprint

from .. import GET, POST, add_url_rules
from . import manage, public

bp = Blueprint("impact", __name__)

MANAGE = "/manage/events/<slug>/impact"

# fmt: off
URLS = [
    (MANAGE + "/", "report", manage.report, GET),
    (MANAGE + "/report.xlsx", "report_xlsx", manage.report_xlsx, GET),
    (MANAGE + "/report.pdf", "report_pdf", manage.report_pdf, GET),
    (MANAGE + "/public", "public_switch", manage.public_switch, POST),
    ("/events/<slug>/impact", "summary", public.summary, GET),
]
# fmt: on
add_url_rules(bp, URLS)
