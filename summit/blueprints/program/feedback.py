"""Session feedback: an attendee rates a session (signed in, from the session page, or
through the personal link of the after-event mail), and the organizers' results page.

Thin: every rule is services/feedback's. The rating pages show the person's own rating,
so they are never cached; the public session page only links here.
"""

from itertools import groupby

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.fields import SelectChoice

from ...access import event_role_required, public, signed_in
from ...forms import Form, at_most
from ...models import Role, utcnow
from ...services.feedback import attendance, links, ratings, results
from ...services.feedback.errors import FeedbackError
from ...services.feedback.ratings import COMMENT_MAX
from ..lookup import found_or_404, public_event_or_404

SCORE_WORDS = {
    1: _l("1 – Poor"),
    2: _l("2 – Fair"),
    3: _l("3 – Good"),
    4: _l("4 – Very good"),
    5: _l("5 – Excellent"),
}


class RatingForm(Form):
    score = RadioField(
        _l("Your rating"),
        choices=[SelectChoice(n, words) for n, words in SCORE_WORDS.items()],
        coerce=int,
        validate_choice=True,
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        description=_l(
            "What was good, what could be better? The speakers see your words, never your name."
        ),
        validators=[at_most(COMMENT_MAX)],
    )


def _no_store(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _refused(event, refusal: FeedbackError, back: str | None = None):
    page = render_template(
        "program/feedback/refused.html", event=event, message=refusal.message, back=back
    )
    return _no_store(make_response(page, refusal.status))


def _rate(event, token: str, ticket, done_url: str, back: str, back_label: str):
    """The rating page of `token` for `ticket` (None: the person did not attend)."""
    if ticket is None or not attendance.attended(ticket):
        return _refused(event, FeedbackError("not_attended"), back)
    try:
        item = ratings.rateable(event, token)
    except FeedbackError as refused:
        if refused.reason != "not_started":
            abort(404)
        status = 409 if request.method == "POST" else 200
        return _refused(event, refused, back), status
    rating = ratings.rating_of(ticket, item.session)
    if request.method == "GET":
        data = {"score": rating.score, "comment": rating.comment} if rating else {}
        form = RatingForm(formdata=None, data=data)
    else:
        form = RatingForm()
        if form.validate_on_submit():
            try:
                ratings.rate(ticket, item, form.score.data, form.comment.data or "")
            except FeedbackError as refused:
                return _refused(event, refused, back)
            flash(
                _("Thank you! Your rating of “%(title)s” is saved.", title=item.published.title),
                "success",
            )
            return redirect(done_url, code=303)
    page = render_template(
        "program/feedback/rate.html",
        event=event,
        item=item.published,
        form=form,
        rated=rating is not None,
        back=back,
        back_label=back_label,
    )
    return _no_store(make_response(page, 422 if form.errors else 200))


@signed_in
def rate_session(slug, token):
    event = public_event_or_404(slug)
    here = url_for(".rate_session", slug=slug, token=token)
    back = url_for(".public_session", slug=slug, token=token)
    ticket = attendance.attendee_ticket(event, current_user)
    return _rate(event, token, ticket, here, back, _("Back to the session"))


def _link_ticket(event, link: str):
    return found_or_404(links.ticket_of_link(event, link))


@public
def rate_by_link(slug, link, token):
    event = public_event_or_404(slug)
    ticket = _link_ticket(event, link)
    back = url_for(".feedback_link", slug=slug, link=link)
    return _rate(event, token, ticket, back, back, _("Back"))


@public
def feedback_link(slug, link):
    """The personal link's page: the sessions that have started, each with the person's
    score so far and a link to rate it."""
    event = public_event_or_404(slug)
    ticket = _link_ticket(event, link)
    if not attendance.attended(ticket):
        return _refused(event, FeedbackError("not_attended"))
    sessions = ratings.started_sessions(event, utcnow())
    tz = event.tz
    days = [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: s.starts_at.astimezone(tz).date())
    ]
    page = render_template(
        "program/feedback/link.html",
        event=event,
        days=days,
        scores=ratings.scores_of(ticket),
        link=link,
        name=ticket.attendee_name,
    )
    response = _no_store(make_response(page))
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is personal
    return response


@event_role_required(Role.ORGANIZER)
def feedback_results(slug):
    rows = results.event_results(g.event)
    return _no_store(
        make_response(
            render_template(
                "program/manage/feedback.html",
                event=g.event,
                rows=rows,
                rated=sum(1 for r in rows if r.aggregate.count),
                total=sum(r.aggregate.count for r in rows),
            )
        )
    )
