"""The public program: the latest release only, never the work in progress.

Every page answers through caching.published_response (ETag, Last-Modified, 304
without rendering) and renders from the release parsed once per process
(public_model.program_view): a request costs the event lookup and the release stamp,
whatever the number of sessions.
"""

import re
from zoneinfo import ZoneInfo

from flask import Response, abort, make_response, render_template, request, url_for
from markupsafe import Markup

from ...access import public
from ...models import utcnow
from ...services.cfp.speakers import current_photo
from ...services.program.changelog import CHANGE_LABELS, counts
from ...services.program.published import latest_release_stamp, published_program
from ...services.program.releases import changelog_of
from ..lookup import public_event_or_404
from .caching import published_response
from .public_model import (
    cached_fragment,
    placement_label,
    program_view,
    read_filters,
    visible_slots,
)

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _today(event):
    return utcnow().astimezone(ZoneInfo(event.timezone)).date()


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper() or "?"


def _page(template: str, event, view, **context):
    tz = ZoneInfo(event.timezone)
    return render_template(
        template,
        event=event,
        view=view,
        initials=initials,
        ucfirst=lambda text: text[:1].upper() + text[1:],
        placement=lambda p: placement_label(p, tz),
        session_link=lambda token: (
            url_for("program.public_session", slug=event.slug, token=token)
            if token in view.items
            else None
        ),
        **context,
    )


@public
def public_program(slug):
    event = public_event_or_404(slug)
    today = _today(event)
    # Without ?day= the page opens on today during the event: the date is part of it.
    vary = "" if request.args.get("day") else today.isoformat()

    def render(program):
        if program is None:
            return render_template("program/public/not_published.html", event=event)
        view = program_view(program)
        filters = read_filters(view, request.args, today)
        # The list is the same for every visitor: rendered once per release, language,
        # day and filters (most of a page's cost), only the page around it per request.
        body = cached_fragment(
            (program.release_id, program.published_at, view.locale, filters.key),
            lambda: Markup(  # noqa: S704 (a rendered template: escaped already)
                _page(
                    "program/public/_program_body.html",
                    event,
                    view,
                    filters=filters,
                    slots=visible_slots(filters.day, filters),
                )
            ),
        )
        return _page("program/public/program.html", event, view, filters=filters, body=body)

    return published_response(event, render, vary)


@public
def public_session(slug, token):
    event = public_event_or_404(slug)

    def render(program):
        view = program_view(program) if program is not None else None
        item = view.items.get(token) if view is not None else None
        if item is None:
            abort(404)
        return _page("program/public/session.html", event, view, item=item)

    return published_response(event, render)


@public
def public_speakers(slug):
    event = public_event_or_404(slug)

    def render(program):
        if program is None:
            return render_template("program/public/not_published.html", event=event)
        view = program_view(program)
        speakers = [
            sp for sp in program.data["speakers"] if program.sessions_of_speaker.get(sp["token"])
        ]
        return _page("program/public/speakers.html", event, view, speakers=speakers)

    return published_response(event, render)


@public
def public_speaker(slug, token):
    event = public_event_or_404(slug)

    def render(program):
        speaker = program.speaker(token) if program is not None else None
        if speaker is None:
            abort(404)
        view = program_view(program)
        items = [view.items[s.token] for s in program.sessions_of_speaker.get(token, [])]
        return _page("program/public/speaker.html", event, view, speaker=speaker, items=items)

    return published_response(event, render)


@public
def speaker_photo(slug, token):
    """The speaker's photo as it is now (a new upload shows at once, without a new
    release), revalidated by its own token."""
    event = public_event_or_404(slug)
    program = published_program(event)
    found = current_photo(token) if program is not None and program.speaker(token) else None
    if found is None:
        abort(404)
    data, content_type, photo_token = found
    response = Response(data, mimetype=content_type)
    response.set_etag(photo_token)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Content-Disposition"] = "inline"
    return response.make_conditional(request)


@public
def public_changes(slug):
    event = public_event_or_404(slug)

    def render(program):
        if program is None:
            return render_template("program/public/not_published.html", event=event)
        view = program_view(program)
        releases = changelog_of(event)
        return _page(
            "program/public/changes.html",
            event,
            view,
            releases=releases,
            counts=counts,
            labels=CHANGE_LABELS,
        )

    return published_response(event, render)


@public
def track_styles(slug):
    """The tracks' colours as a stylesheet (the CSP forbids style attributes)."""
    event = public_event_or_404(slug)

    def render(program):
        rules = []
        for index, track in enumerate(program.tracks if program is not None else []):
            color = track["color"] if _COLOR.fullmatch(track["color"] or "") else "#5c5c58"
            rules.append(f".track-{index} {{ --track: {color}; }}")
        response = make_response("\n".join(rules) + "\n")
        response.mimetype = "text/css"
        return response

    return published_response(event, render)


def program_links():
    """For the public event page: whether the event has a published program."""

    def program_published(event) -> bool:
        return latest_release_stamp(event) is not None

    return {"program_published": program_published}
