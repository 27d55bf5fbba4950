"""Organizers' pages of the call for speakers (continued): decisions one by one or many
at once, shown with the email they send before they are taken, and a proposal's own
page with its reviews, its reviewers and what can be done to it."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...extensions import db
from ...forms import ButtonForm, show_refusal
from ...models import DecisionKind, Proposal, User
from ...services.cfp import CfpError
from ...services.cfp.confirmation import session_of
from ...services.cfp.decision_mail import preview_decision
from ...services.cfp.decisions import ACTIONS, KINDS, decide, reopen, send_decision
from ...services.cfp.proposal_states import Action, can
from ...services.cfp.review_results import review_score, review_view, summary_for
from ...services.cfp.reviews import (
    assign,
    assigned_reviewers,
    is_own_proposal,
    reviewers_of,
    unassign,
    visible_reviews,
)
from ...services.cfp.speakers import display_name_of, profiles_for
from .manage import ORGANIZER, event_proposals, proposal_of_event, reviewer_choices
from .manage_forms import AssignForm, DecideForm

# Deciding -------------------------------------------------------------------------------

CONFIRM_LABELS = {
    DecisionKind.ACCEPTED: lambda n: ngettext(
        "Accept %(num)d proposal", "Accept %(num)d proposals", n
    ),
    DecisionKind.REJECTED: lambda n: ngettext(
        "Reject %(num)d proposal", "Reject %(num)d proposals", n
    ),
    DecisionKind.WAITLISTED: lambda n: ngettext(
        "Put %(num)d proposal on the waiting list", "Put %(num)d proposals on the waiting list", n
    ),
}
DONE_MESSAGES = {
    DecisionKind.ACCEPTED: lambda n: ngettext(
        "%(num)d proposal accepted.", "%(num)d proposals accepted.", n
    ),
    DecisionKind.REJECTED: lambda n: ngettext(
        "%(num)d proposal rejected.", "%(num)d proposals rejected.", n
    ),
    DecisionKind.WAITLISTED: lambda n: ngettext(
        "%(num)d proposal put on the waiting list.", "%(num)d proposals put on the waiting list.", n
    ),
}


@event_role_required(ORGANIZER)
def manage_decide(slug):
    """First shows what the decision would do and the email it would send (from the
    table's buttons or a proposal's page); takes it when `confirm` is pressed."""
    by_token = event_proposals()
    form = DecideForm()
    form.proposals.choices = list(by_token)
    chosen = [by_token[t] for t in dict.fromkeys(form.proposals.data or []) if t in by_token]
    form.preview.choices = [SelectChoice(p.token, p.title) for p in chosen]
    kind = next((k for k in DecisionKind if k.value == form.kind.data), None)
    if form.validate_on_submit() and form.confirm.data:
        try:
            decide(chosen, kind, current_user, notify=form.notify.data)
        except CfpError as error:
            proposal = getattr(error, "proposal", None)
            form.proposals.errors.append(
                f"{proposal.title}: {error.message}" if proposal else error.message
            )
        else:
            message = DONE_MESSAGES[kind](len(chosen))
            if form.notify.data:
                message += " " + _("The emails are in the outbox.")
            flash(message, "success")
            if len(chosen) == 1:
                return redirect(
                    url_for("speakers.manage_proposal", slug=slug, token=chosen[0].token)
                )
            return redirect(url_for("speakers.manage_proposals", slug=slug))
    preview_of = next((p for p in chosen if p.token == form.preview.data), None) or (
        chosen[0] if chosen else None
    )
    if preview_of is not None:
        form.preview.data = preview_of.token
    refused = [p for p in chosen if kind and not can(p, ACTIONS[kind])]
    return (
        render_template(
            "speakers/manage/decide.html",
            event=g.event,
            form=form,
            kind=kind,
            chosen=chosen,
            refused=refused,
            preview_of=preview_of,
            mails=preview_decision(preview_of, kind) if kind and preview_of else [],
            confirm_label=CONFIRM_LABELS[kind](len(chosen)) if kind else "",
        ),
        422 if form.errors else 200,
    )


# A proposal's page -----------------------------------------------------------------------


def _proposal_page(proposal: Proposal, assign_form: AssignForm | None = None, status=200):
    call = proposal.call
    weights = {c.id: c.weight for c in call.criteria}
    reviews = visible_reviews(current_user, proposal)
    assigned = assigned_reviewers(proposal)
    candidates = [
        u for u in reviewers_of(g.event) if u not in assigned and not is_own_proposal(u, proposal)
    ]
    if assign_form is None:
        assign_form = AssignForm(formdata=None, proposals=[proposal.token])
    assign_form.reviewer.choices = [
        SelectChoice(u.id, f"{u.display_name} ({u.email})") for u in candidates
    ]
    profiles = profiles_for(s.user_id for s in proposal.speakers if s.user_id is not None)
    speakers = [
        {
            "speaker": s,
            "name": display_name_of(s.user, s.email, profiles.get(s.user_id)),
            "profile": profiles.get(s.user_id),
        }
        for s in proposal.speakers
    ]
    return (
        render_template(
            "speakers/manage/proposal.html",
            event=g.event,
            call=call,
            proposal=proposal,
            view=review_view(proposal, current_user),
            speakers=speakers,
            reviews=[(r, review_score(r, weights)) for r in reviews],
            own=is_own_proposal(current_user, proposal),
            summary=summary_for(current_user, proposal),
            assigned=assigned,
            assign_form=assign_form,
            button_form=ButtonForm(formdata=None),
            session=session_of(proposal),
            decisions=[k for k in DecisionKind if can(proposal, ACTIONS[k])],
            can_reopen=can(proposal, Action.REOPEN),
            can_resend=proposal.state in KINDS,
        ),
        status,
    )


@event_role_required(ORGANIZER)
def manage_proposal(slug, token):
    return _proposal_page(proposal_of_event(token))


@event_role_required(ORGANIZER)
def manage_assign_one(slug, token):
    proposal = proposal_of_event(token)
    form = AssignForm()
    form.proposals.choices = [proposal.token]
    form.reviewer.choices = reviewer_choices()
    if form.validate_on_submit():
        reviewer = db.session.get(User, form.reviewer.data)
        try:
            assign(proposal, reviewer, current_user)
        except CfpError as error:
            show_refusal(error, form, {None: "reviewer"})
        else:
            flash(_("Given to %(name)s.", name=reviewer.display_name), "success")
            return redirect(url_for("speakers.manage_proposal", slug=slug, token=token))
    return _proposal_page(proposal, form, 422)


@event_role_required(ORGANIZER)
def manage_unassign(slug, token, reviewer_id):
    proposal = proposal_of_event(token)
    reviewer = db.session.get(User, reviewer_id)
    if reviewer is None or not ButtonForm().validate_on_submit():
        abort(404 if reviewer is None else 400)
    unassign(proposal, reviewer, current_user)
    flash(_("%(name)s no longer has this proposal.", name=reviewer.display_name), "success")
    return redirect(url_for("speakers.manage_proposal", slug=slug, token=token))


@event_role_required(ORGANIZER)
def manage_reopen(slug, token):
    proposal = proposal_of_event(token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        reopen(proposal, current_user)
    except CfpError as error:
        flash(error.message, "error")
    else:
        flash(_("The decision is taken back: the proposal is submitted again."), "success")
    return redirect(url_for("speakers.manage_proposal", slug=slug, token=token))


@event_role_required(ORGANIZER)
def manage_resend(slug, token):
    proposal = proposal_of_event(token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        send_decision(proposal, current_user)
    except CfpError as error:
        flash(error.message, "error")
    else:
        flash(_("The decision email is in the outbox again."), "success")
    return redirect(url_for("speakers.manage_proposal", slug=slug, token=token))
