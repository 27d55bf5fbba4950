"""The program: the organizers' pages (/manage/events/<slug>/program/...) and the
public program (/events/<slug>/program/..., /events/<slug>/schedule.xml|json|ics).

manage_setup.py     rooms, days, sessions made by hand; the program's overview page
editor.py           the schedule editor: the grid, drag and drop, the keyboard form
manage_releases.py  conflicts before publishing, publishing, releases and changelog
public.py           the public program, session and speaker pages
agenda.py           the personal agenda ("mitt program")
exports.py          iCal, frab XML and JSON
signups.py          workshop sign-ups and their lists
feedback.py         rating sessions (signed in or by the personal link); the results
"""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import agenda, editor, exports, feedback, manage_releases, manage_setup, public, signups

bp = Blueprint("program", __name__)

PUBLIC = "/events/<slug>/program"
MANAGE = "/manage/events/<slug>/program"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/events/<slug>/schedule.xml", "schedule_xml", exports.schedule_xml, GET),
    ("/events/<slug>/schedule.json", "schedule_json", exports.schedule_json, GET),
    ("/events/<slug>/schedule.ics", "schedule_ics", exports.schedule_ics, GET),
    (PUBLIC + "/sessions/<token>.ics", "session_ics", exports.session_ics, GET),

    (PUBLIC + "/agenda", "agenda", agenda.agenda, GET),
    (PUBLIC + "/agenda/items", "agenda_items", agenda.agenda_items, GET_POST),
    (PUBLIC + "/agenda/<token>.ics", "agenda_ics", agenda.agenda_ics, GET),

    (MANAGE + "/schedule/", "editor_start", editor.editor_start, GET),
    (MANAGE + "/schedule/<day>", "editor", editor.editor, GET),
    (MANAGE + "/schedule/place", "place", editor.place, POST),
    (MANAGE + "/schedule/sessions/<token>", "place_form", editor.place_form, GET_POST),
    (MANAGE + "/conflicts", "conflicts", editor.conflicts, GET),

    (MANAGE + "/releases/", "releases", manage_releases.releases_list, GET),
    (MANAGE + "/releases/<int:number>", "release", manage_releases.release, GET),
    (MANAGE + "/releases/publish", "publish", manage_releases.publish, GET_POST),

    (MANAGE + "/", "overview", manage_setup.overview, GET),
    (MANAGE + "/rooms/", "rooms", manage_setup.rooms, GET),
    (MANAGE + "/rooms/new", "new_room", manage_setup.new_room, GET_POST),
    (MANAGE + "/rooms/<int:room_id>/", "edit_room", manage_setup.edit_room, GET_POST),
    (MANAGE + "/rooms/<int:room_id>/move", "move_room", manage_setup.move_room, POST),
    (MANAGE + "/rooms/<int:room_id>/delete", "delete_room", manage_setup.delete_room, POST),
    (MANAGE + "/days/", "days", manage_setup.days, GET),
    (MANAGE + "/days/new", "new_day", manage_setup.new_day, GET_POST),
    (MANAGE + "/days/<int:day_id>/", "edit_day", manage_setup.edit_day, GET_POST),
    (MANAGE + "/days/<int:day_id>/delete", "delete_day", manage_setup.delete_day, POST),
    (MANAGE + "/sessions/", "sessions", manage_setup.sessions, GET),
    (MANAGE + "/sessions/new", "new_session", manage_setup.new_session, GET_POST),
    (MANAGE + "/sessions/<token>/", "edit_session", manage_setup.edit_session, GET_POST),
    (MANAGE + "/sessions/<token>/delete", "delete_session", manage_setup.delete_session, POST),

    (PUBLIC + "/", "public_program", public.public_program, GET),
    (PUBLIC + "/sessions/<token>", "public_session", public.public_session, GET),
    (PUBLIC + "/speakers/", "public_speakers", public.public_speakers, GET),
    (PUBLIC + "/speakers/<token>", "public_speaker", public.public_speaker, GET),
    (PUBLIC + "/speakers/<token>/photo", "speaker_photo", public.speaker_photo, GET),
    (PUBLIC + "/changes", "public_changes", public.public_changes, GET),
    (PUBLIC + "/tracks.css", "track_styles", public.track_styles, GET),

    (PUBLIC + "/sessions/<token>/signup", "signup", signups.signup, GET_POST),
    (MANAGE + "/sessions/<token>/signups", "signups", signups.signups, GET),
    (MANAGE + "/sessions/<token>/signups/door-list", "signups_door_list", signups.signups_door_list, POST),

    (PUBLIC + "/sessions/<token>/rate", "rate_session", feedback.rate_session, GET_POST),
    (PUBLIC + "/feedback/<link>/", "feedback_link", feedback.feedback_link, GET),
    (PUBLIC + "/feedback/<link>/<token>", "rate_by_link", feedback.rate_by_link, GET_POST),
    (MANAGE + "/feedback", "feedback_results", feedback.feedback_results, GET),
]
# fmt: on
add_url_rules(bp, URLS)

bp.app_context_processor(public.program_links)
