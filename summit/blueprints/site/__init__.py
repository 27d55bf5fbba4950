"""Public pages: the list of events, an event's page, the language switch, an event's
logo; and a signed-in person's own tickets."""

from flask import Blueprint

from .. import GET, POST, add_url_rules
from . import logo, views

bp = Blueprint("site", __name__)

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/", "home", views.home, GET),
    ("/events/<slug>/", "event", views.event, GET),
    ("/my/tickets", "my_tickets", views.my_tickets_page, GET),
    ("/my/tickets/<reference>/<int:number>.pdf", "my_ticket_pdf", views.my_ticket_pdf, GET),
    ("/my/tickets/<reference>/<int:number>/certificate.pdf", "my_attendance_certificate",
     views.my_attendance_certificate, GET),
    ("/my/events/<slug>/speaker-certificate.pdf", "my_presentation_certificate",
     views.my_presentation_certificate, GET),
    ("/language", "language", views.language, POST),

    ("/events/<slug>/logo/<token>", "logo", logo.logo, GET),
]
# fmt: on
add_url_rules(bp, URLS)

bp.app_context_processor(views.inject_language_form)
