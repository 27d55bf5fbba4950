"""Call for speakers and review: the speakers' pages (/events/<slug>/speakers/...), the
reviewers' pages and the organizers' pages (/manage/events/<slug>/speakers/...).

public.py   the call, sign-in by e-mailed link, profile, proposals, co-speaker
            invitations, confirming or declining an accepted proposal
review.py   reviewers: their proposals, scoring
manage.py   organizers: call settings, reviewers, the decisions table, decision e-mails
"""

from flask import Blueprint

bp = Blueprint("speakers", __name__)

from . import manage, public, public_availability, review  # noqa: E402,F401  (routes register on bp)
