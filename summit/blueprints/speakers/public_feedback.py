"""A speaker's own sessions' ratings (count, mean, spread, comments), never who gave
them. Thin: services/feedback/results.py."""

from flask import make_response, render_template
from flask_login import current_user

from ...access import signed_in
from ...services.feedback import results
from ..lookup import event_or_404


@signed_in
def my_feedback(slug):
    event = event_or_404(slug)
    rows = results.speaker_results(event, current_user)
    response = make_response(render_template("speakers/feedback.html", event=event, rows=rows))
    response.headers["Cache-Control"] = "private, no-store"
    return response
