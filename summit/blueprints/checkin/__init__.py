"""Check-in: the door JSON API (stations and door-staff accounts) and the organizers'
pages for lists, stations and the live status."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)

from . import api, badge, scanner, views  # noqa: E402,F401  (routes register on bp)
