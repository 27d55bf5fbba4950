"""The program: the organizers' pages (/manage/events/<slug>/program/...) and the
public program (/events/<slug>/program/..., /events/<slug>/schedule.xml|json|ics).

manage_setup.py     rooms, days, sessions made by hand; the program's overview page
editor.py           the schedule editor: the grid, drag and drop, the keyboard form
manage_releases.py  conflicts before publishing, publishing, releases and changelog
public.py           the public program, session and speaker pages
agenda.py           the personal agenda ("mitt program")
exports.py          iCal, frab XML and JSON
signups.py          workshop sign-ups and their lists
"""

from flask import Blueprint

bp = Blueprint("program", __name__)

MANAGE_PREFIX = "/manage/events/<slug>/program"
PUBLIC_PREFIX = "/events/<slug>/program"

from . import (  # noqa: E402,F401  (routes register on bp)
    agenda,
    editor,
    exports,
    manage_releases,
    manage_setup,
    public,
    signups,
)
