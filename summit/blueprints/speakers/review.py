"""Reviewers' pages, under /manage/events/<slug>/review/: the proposals a reviewer is
given (never their own) with how far they have come, and one proposal with the review
form. Speakers' names and organisations are left out when the call hides them; other
reviewers' scores and comments appear once the reviewer has scored the proposal."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import event_role_required
from ...forms import show_refusal
from ...models import Proposal, Role
from ...services.cfp import CfpError, cfp_setup
from ...services.cfp.review_results import review_score, review_view, summary_for
from ...services.cfp.reviews import (
    SCORABLE,
    own_review,
    proposals_to_review,
    reviewed_proposal,
    save_review,
    visible_reviews,
)
from ...services.cfp.speakers import profiles_for
from ..lookup import found_or_404
from .review_forms import review_form


def _weights(call) -> dict[int, int]:
    return {c.id: c.weight for c in call.criteria} if call else {}


def _own(proposal: Proposal, user):
    return next((r for r in proposal.reviews if r.reviewer_id == user.id), None)


@event_role_required(Role.REVIEWER)
def review_list(slug):
    call = cfp_setup.get_call(g.event)
    user = current_user._get_current_object()
    weights = _weights(call)
    rows = []
    proposals = proposals_to_review(user, g.event)
    profiles = profiles_for(s.user_id for p in proposals for s in p.accepted_speakers)
    for proposal in proposals:
        mine = _own(proposal, user)
        rows.append(
            {
                "proposal": proposal,
                "view": review_view(proposal, user, profiles),
                "mine": mine,
                "score": review_score(mine, weights) if mine else None,
                "scorable": proposal.state in SCORABLE,
            }
        )
    to_do = [r for r in rows if r["mine"] is None and r["scorable"]]
    show = "todo" if request.args.get("show") == "todo" else "all"
    return render_template(
        "speakers/review/list.html",
        event=g.event,
        call=call,
        rows=to_do if show == "todo" else rows,
        total=len(rows),
        scored=sum(1 for r in rows if r["mine"] is not None),
        to_do=len(to_do),
        show=show,
    )


def _reviewed_proposal(token: str) -> Proposal:
    """The proposal, if the reviewer is given it (never one they are a speaker of)."""
    return found_or_404(reviewed_proposal(current_user, g.event, token))


def _next_to_review(user, proposal: Proposal) -> Proposal | None:
    """The next proposal the reviewer has not scored yet, after this one in the list."""
    waiting = [
        p
        for p in proposals_to_review(user, g.event)
        if p.state in SCORABLE and _own(p, user) is None and p.id != proposal.id
    ]
    later = [p for p in waiting if (p.submitted_at, p.id) > (proposal.submitted_at, proposal.id)]
    return (later or waiting or [None])[0]


@event_role_required(Role.REVIEWER)
def review_proposal(slug, token):
    user = current_user._get_current_object()
    proposal = _reviewed_proposal(token)
    call = proposal.call
    mine = own_review(user, proposal)
    scorable = proposal.state in SCORABLE and bool(call.criteria)
    form = review_form(call.criteria, mine if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        if not scorable:  # decided meanwhile, or no criteria
            flash(_("This proposal cannot be reviewed now."), "error")
            return redirect(url_for("speakers.review_proposal", slug=slug, token=token))
        if form.validate_on_submit():
            try:
                save_review(proposal, user, form.scores, form.comment.data or "")
            except CfpError as error:
                first = form.score_fields[0][1].short_name
                show_refusal(error, form, {"scores": first, None: first})
            else:
                flash(_("Your review is saved."), "success")
                return redirect(url_for("speakers.review_proposal", slug=slug, token=token))
        status = 422
    weights = _weights(call)
    reviews = visible_reviews(user, proposal)
    others = [(r, review_score(r, weights)) for r in reviews if r.reviewer_id != user.id]
    return (
        render_template(
            "speakers/review/proposal.html",
            event=g.event,
            call=call,
            proposal=proposal,
            view=review_view(proposal, user),
            form=form,
            scorable=scorable,
            mine=mine,
            my_score=review_score(mine, weights) if mine else None,
            others=others,
            summary=summary_for(user, proposal),
            next_proposal=_next_to_review(user, proposal) if mine else None,
        ),
        status,
    )
