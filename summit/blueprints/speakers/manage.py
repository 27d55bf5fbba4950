"""Organizers' pages of the call for speakers, under /manage/events/<slug>/speakers/:
the overview (counts, sessions waiting to be scheduled) and the call's settings.

The same blueprint and prefix hold, by subject: manage_setup.py (formats, tracks,
extra questions, review criteria, access codes), manage_table.py (reviewers, the
decision table), manage_decisions.py (deciding, a proposal's page) and
manage_emails.py (the decision emails' wording).
"""

from babel.numbers import format_decimal
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...extensions import db
from ...forms import ButtonForm, form_page, show_refusal
from ...models import Proposal, ReviewMode, Role, utcnow
from ...services.cfp import CfpError, cfp_setup, proposals
from ...services.cfp.cfp_setup import CallSettings
from ...services.cfp.confirmation import waiting_to_be_scheduled
from ...services.cfp.review_results import proposal_counts
from ...services.cfp.reviews import reviewers_of
from ...services.cfp.speakers import display_name_of, profiles_for
from ..lookup import found_or_404
from .manage_forms import CallForm

ORGANIZER = Role.ORGANIZER


def call_or_flash():
    """The event's call, or None after telling the organizer to set it up first."""
    call = cfp_setup.get_call(g.event)
    if call is None:
        flash(_("Set up the call for speakers first."), "error")
    return call


def to_settings():
    return redirect(url_for("speakers.manage_call", slug=g.event.slug))


def proposal_of_event(token: str) -> Proposal:
    return found_or_404(proposals.submitted_proposal(g.event, token))


def event_proposals() -> dict[str, Proposal]:
    """The event's proposals past the draft stage, by token (what the forms may name)."""
    return proposals.submitted_proposals(g.event)


def reviewer_choices() -> list[SelectChoice]:
    return [SelectChoice(u.id, f"{u.display_name} ({u.email})") for u in reviewers_of(g.event)]


# Overview -------------------------------------------------------------------------------


@event_role_required(ORGANIZER)
def manage_index(slug):
    call = cfp_setup.get_call(g.event)
    sessions = waiting_to_be_scheduled(g.event)
    tokens = dict(
        db.session.execute(
            select(Proposal.id, Proposal.token).where(
                Proposal.id.in_([s.proposal_id for s in sessions])
            )
        ).all()
    )
    profiles = profiles_for(sp.user_id for s in sessions for sp in s.speakers)
    waiting = [
        {
            "session": s,
            "token": tokens.get(s.proposal_id),
            "speakers": ", ".join(
                display_name_of(sp.user, "", profiles.get(sp.user_id)) for sp in s.speakers
            ),
        }
        for s in sessions
    ]
    return render_template(
        "speakers/manage/index.html",
        event=g.event,
        call=call,
        call_state=call.phase(utcnow()) if call else None,
        counts=proposal_counts(g.event),
        waiting=waiting,
    )


# The call and its settings ------------------------------------------------------------------


@event_role_required(ORGANIZER)
def manage_call(slug):
    call = cfp_setup.get_call(g.event)
    form = CallForm(data=CallForm.initial(call) if call and request.method == "GET" else None)
    if form.validate_on_submit():
        # Naive wall-clock times: the service reads them in the event's zone and
        # refuses one that does not exist (the hour skipped in spring).
        data = CallSettings(
            opens_at=form.opens_at.data,
            closes_at=form.closes_at.data,
            intro_sv=form.intro_sv.data or "",
            intro_en=form.intro_en.data or "",
            max_co_speakers=form.max_co_speakers.data,
            anonymous_review=form.anonymous_review.data,
            review_mode=ReviewMode(form.review_mode.data),
            languages=form.languages.data,
        )
        try:
            cfp_setup.save_call(g.event, data)
        except CfpError as error:
            show_refusal(error, form)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("speakers.manage_call", slug=slug))
    return form_page(
        "speakers/manage/call.html",
        form,
        event=g.event,
        call=call,
        button_form=ButtonForm(formdata=None),
        uses=cfp_setup.access_code_use_counts(call) if call else {},
    )


def cfp_score(value) -> str:
    """A score on the 1–5 scale as people read it: 3,67 in Swedish, 3.67 in English."""
    if value is None:
        return "–"
    return format_decimal(value, "0.00", locale=str(get_locale() or "sv"))
