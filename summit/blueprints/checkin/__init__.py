"""Check-in: the door JSON API (stations and door-staff accounts) and the organizers'
pages for lists, stations and the live status."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import api, badge, scanner, views

bp = Blueprint("checkin", __name__)

API = "/api/v1/events/<slug>/checkin"
MANAGE = "/manage/events/<slug>/checkin"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    (API, "scan", api.scan, POST),
    (API + "/list", "offline_list", api.offline_list, GET),
    (API + "/batch", "upload", api.upload, POST),
    (API + "/search", "api_search", api.search, GET),
    (API + "/undo", "api_undo", api.undo, POST),
    (API + "/door", "door_info", api.door_info, GET),

    ("/events/<slug>/arrival-badge/<token>", "arrival_badge", badge.arrival_badge, GET),

    ("/events/<slug>/checkin/station", "station_scanner", scanner.station_scanner, GET),
    ("/events/<slug>/checkin/", "door_scanner", scanner.door_scanner, GET),
    ("/events/<slug>/checkin/scanner-worker.js", "scanner_worker", scanner.scanner_worker, GET),

    (MANAGE + "/", "status", views.status, GET),
    (MANAGE + "/stations", "stations", views.stations, GET_POST),
    (MANAGE + "/stations/<int:station_id>", "station_settings", views.station_settings, GET_POST),
    (MANAGE + "/stations/<int:station_id>/renew", "renew_station", views.renew_station, POST),
    (MANAGE + "/stations/<int:station_id>/revoke", "revoke_station", views.revoke_station, POST),
    (MANAGE + "/lists", "lists", views.lists, GET_POST),
    (MANAGE + "/lists/<int:list_id>/delete", "delete_list", views.delete_list, POST),
    (MANAGE + "/search", "search", views.search, GET),
    (MANAGE + "/tickets/<int:ticket_id>", "check_in_by_hand", views.check_in_by_hand, POST),
    (MANAGE + "/checkins/<int:checkin_id>/undo", "undo", views.undo, POST),
]
# fmt: on
add_url_rules(bp, URLS)

# Per code: the app's own handlers are per code too, and those win over a catch-all.
for code in (400, 401, 403, 404, 405, 413, 429, 500):
    bp.register_error_handler(code, api.http_error)
