"""The public summary of an event's impact: only when its organizers switched it on.
Anyone may load it as often as they like, so it is counted at most once a minute per
process (services/impact/recent.py), like the organizers' page."""

from flask import abort, render_template
from flask_babel import get_locale

from ...access import public as public_view
from ...services.events import get_public_event
from ...services.impact import recent
from ...services.impact.public import public_summary


@public_view
def summary(slug):
    event = get_public_event(slug)
    if event is None or not event.impact_public:
        abort(404)
    # The figures alone are kept, never the page: it carries who is signed in.
    body, _counted_at = recent.counted(
        ("public", event.id, str(get_locale())),
        lambda: render_template("impact/_summary_body.html", summary=public_summary(event)),
    )
    return render_template("impact/summary.html", event=event, body=body)
