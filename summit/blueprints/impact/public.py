"""The public summary of an event's impact: only when its organizers switched it on."""

from flask import abort, render_template

from ...access import public as public_view
from ...services.events import get_public_event
from ...services.impact.public import public_summary


@public_view
def summary(slug):
    event = get_public_event(slug)
    if event is None or not event.impact_public:
        abort(404)
    return render_template("impact/summary.html", event=event, summary=public_summary(event))
