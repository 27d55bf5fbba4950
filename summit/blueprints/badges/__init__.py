"""Badges: the organizers' badge page, its print runs and one ticket's badge."""

from flask import Blueprint

bp = Blueprint("badges", __name__, url_prefix="/manage/events/<slug>/badges")

from . import views  # noqa: E402,F401  (routes register on bp)
