"""The speakers' proposal pages: a new proposal, the proposal's page (a summary of it and
its state), editing, submitting, withdrawing, confirming an accepted one, and inviting
co-speakers (see public.py for the other speakers' pages).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...access import signed_in
from ...extensions import db
from ...forms import ButtonForm, show_refusal
from ...models import CallForProposals, Proposal, ProposalSpeaker, ProposalState, utcnow
from ...services.cfp import CfpError, TransitionError, decisions
from ...services.cfp import co_speakers as co
from ...services.cfp import proposals as cfp
from ...services.cfp import speakers as profiles
from ...services.cfp.proposal_states import Action, can, is_submitter
from ..lookup import public_event_or_404
from .public import call_page
from .public_common import (
    answer_lines,
    call_times,
    get_call_or_404,
    own_proposal,
    session_code,
    slot_of,
    status_for,
    to_proposal,
)
from .public_forms import (
    AccessCodeForm,
    AnswerForm,
    InviteForm,
    SpeakerActionForm,
    answers_from,
    choice_id,
    proposal_form,
)
from .public_links import decline_page as _decline_page


def _proposal_values(call_: CallForProposals, form) -> cfp.ProposalData:
    language = form.language.data
    if len(call_.languages) == 1 and not language:
        language = call_.languages[0]
    return cfp.ProposalData(
        title=form.title.data,
        abstract=form.abstract.data,
        description=form.description.data,
        format_id=choice_id(form.format_id.data),
        track_id=choice_id(form.track_id.data),
        language=language,
        target_audience=form.target_audience.data,
        answers=answers_from(call_, form),
    )


def _check_complete(form, call_: CallForProposals, data: cfp.ProposalData) -> bool:
    """Mark every field a submission needs and is empty; True when none is. When some
    are, input that would be refused anyway is marked too (CfpError), so one round
    shows everything to correct."""
    missing = cfp.missing_fields(call_, data)
    for name in missing:
        show_refusal(CfpError("required", name), form, above_form=True)
    if missing:
        cfp.clean_proposal(call_, data)
    return not missing


def _submit(proposal: Proposal, code: str | None):
    try:
        cfp.submit_proposal(proposal, current_user, utcnow(), code)
    except CfpError as refused:
        flash(refused.message, "error")
        return redirect(url_for(".edit_proposal", slug=proposal.event.slug, token=proposal.token))
    flash(_("Your proposal is submitted. A receipt is on its way to your email."), "success")
    return to_proposal(proposal)


def _form_page(call_, form, proposal=None, error=None, status=None, code=None):
    return render_template(
        "speakers/proposal_form.html",
        event=call_.event,
        call=call_,
        form=form,
        proposal=proposal,
        error=error,
        times=call_times(call_),
        code=code,
        open_now=call_.is_open(utcnow()),
        limits={"abstract": cfp.ABSTRACT_MAX, "description": cfp.DESCRIPTION_MAX},
        required=cfp.required_fields(call_),
    ), status or (422 if form.errors or error else 200)


@signed_in
def new_proposal(slug):
    event = public_event_or_404(slug)
    call_ = get_call_or_404(event)
    now = utcnow()
    if profiles.profile_of(current_user) is None:
        flash(_("Please fill in your speaker profile first: it goes with your proposal."), "info")
        return redirect(url_for(".profile", slug=slug, next=request.path))
    code = session_code(call_, now)
    if not call_.is_open(now) and code is None:
        flash(cfp.closed_error(call_, now).message, "error")
        if request.method == "POST":
            return call_page(event, call_, status=403)
        return redirect(url_for(".call", slug=slug))
    form = proposal_form(call_)
    if request.method == "GET":
        locale = str(get_locale() or "sv")
        form.language.data = locale if locale in call_.languages else call_.languages[0]
    error = refused = None
    if form.validate_on_submit():
        data = _proposal_values(call_, form)
        try:
            if form.submit.data and not _check_complete(form, call_, data):
                return _form_page(call_, form, code=code)
            proposal = cfp.create_draft(call_, current_user, data, now, code=code)
        except CfpError as refused_:
            refused = refused_
            error = show_refusal(refused, form, above_form=True)
        else:
            if form.submit.data:
                return _submit(proposal, code)
            flash(_("The draft is saved. Submit it when it is ready."), "success")
            return to_proposal(proposal)
    return _form_page(call_, form, error=error, status=status_for(refused, form), code=code)


@signed_in
def proposal(slug, token):
    return _proposal_page(own_proposal(slug, token))


def _proposal_page(proposal: Proposal, invite_form=None, error=None, status=200, notice=None):
    call_ = proposal.call
    now = utcnow()
    code = session_code(call_, now)
    editable = proposal.state in cfp.EDITABLE and (cfp.may_edit(proposal, now) or bool(code))
    submitter = is_submitter(current_user, proposal)
    co_count = sum(not s.is_primary for s in proposal.speakers)
    by_user = profiles.profiles_for(s.user_id for s in proposal.speakers if s.user_id)
    return render_template(
        "speakers/proposal.html",
        slot=slot_of(proposal.event, [proposal]).get(proposal.id),
        event=proposal.event,
        call=call_,
        proposal=proposal,
        answers=answer_lines(proposal),
        names={
            s.id: profiles.display_name_of(s.user, s.email, by_user.get(s.user_id))
            for s in proposal.speakers
        },
        editable=editable,
        submitter=submitter,
        may_invite=editable and submitter and co_count < call_.max_co_speakers,
        co_count=co_count,
        complete=not cfp.missing_fields(call_, proposal),
        may_withdraw=submitter and can(proposal, Action.WITHDRAW),
        invite_form=invite_form or InviteForm(formdata=None),
        action_form=ButtonForm(formdata=None),
        answer_form=AnswerForm(formdata=None),
        code_form=AccessCodeForm(formdata=None, next=request.path),
        state=call_.phase(now),
        times=call_times(call_),
        error=error,
        notice=notice,
    ), status


@signed_in
def edit_proposal(slug, token):
    proposal = own_proposal(slug, token)
    call_ = proposal.call
    now = utcnow()
    code = session_code(call_, now)
    if proposal.state not in cfp.EDITABLE:
        refused = TransitionError("transition", state=proposal.state)
        return _proposal_page(proposal, error=refused.message, status=409)
    if not (cfp.may_edit(proposal, now) or code):
        # After the deadline the proposal is read-only, unless the speaker has a code.
        closed = cfp.closed_error(call_, now)
        status = 403 if request.method == "POST" else 200
        return _proposal_page(proposal, notice=closed.message, status=status)
    form = proposal_form(call_, proposal if request.method == "GET" else None)
    error = refused = None
    if form.validate_on_submit():
        data = _proposal_values(call_, form)
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        submitting = bool(form.submit.data) and proposal.state is ProposalState.DRAFT
        try:
            # A submitted proposal stays complete; a draft must be to be submitted.
            must_be_complete = submitting or proposal.state is ProposalState.SUBMITTED
            if must_be_complete and not _check_complete(form, call_, data):
                return _form_page(call_, form, proposal, code=code)
            proposal = cfp.update_proposal(proposal, current_user, data, version, now, code=code)
        except CfpError as refused_:
            refused = refused_
            error = show_refusal(refused, form, above_form=True)
        else:
            if submitting:
                return _submit(proposal, code)
            flash(_("Your changes are saved."), "success")
            return to_proposal(proposal)
    return _form_page(call_, form, proposal, error, status_for(refused, form), code=code)


@signed_in
def submit_proposal(slug, token):
    proposal = own_proposal(slug, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _submit(proposal, session_code(proposal.call, utcnow()))


@signed_in
def withdraw(slug, token):
    proposal = own_proposal(slug, token)
    form = ButtonForm()
    error = None
    if form.validate_on_submit():
        try:
            cfp.withdraw_proposal(proposal, current_user)
        except CfpError as refused:
            return _proposal_page(proposal, error=refused.message, status=status_for(refused))
        flash(_("The proposal is withdrawn."), "success")
        return to_proposal(proposal)
    if request.method == "POST":
        error = _("The form had expired. Please send it again.")
    return render_template(
        "speakers/withdraw.html", event=proposal.event, proposal=proposal, form=form, error=error
    ), 422 if error else 200


@signed_in
def answer(slug, token):
    """A signed-in speaker confirms or declines an accepted proposal (the same as the
    emailed link does)."""
    proposal = own_proposal(slug, token)
    form = AnswerForm()
    if not form.validate_on_submit() or form.yes.data == form.no.data:
        abort(400)
    if form.no.data and form.decline_for_all.data != "1":
        return _decline_page(
            proposal.event,
            proposal,
            form,
            request.path,
            url_for(".proposal", slug=slug, token=token),
        )
    try:
        decisions.respond(proposal, current_user, confirm=bool(form.yes.data))
    except CfpError as refused:
        return _proposal_page(proposal, error=refused.message, status=status_for(refused))
    if form.yes.data:
        flash(_("Thank you! Your session is confirmed."), "success")
    else:
        flash(_("You have declined. Thank you for letting us know."), "success")
    return to_proposal(proposal)


# Co-speakers -----------------------------------------------------------------------------


@signed_in
def invite(slug, token):
    proposal = own_proposal(slug, token)
    form = InviteForm()
    error = refused = None
    if form.validate_on_submit():
        try:
            co.invite_co_speaker(proposal, current_user, form.email.data)
        except CfpError as refused_:
            refused = refused_
            error = show_refusal(refused, form, above_form=True)
        else:
            flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
            return to_proposal(proposal, "co-speakers")
    status = status_for(refused, form)
    return _proposal_page(proposal, invite_form=form, error=error, status=status)


def _speaker_of(proposal: Proposal, form) -> ProposalSpeaker | None:
    raw = form.speaker.data or ""
    speaker = db.session.get(ProposalSpeaker, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    return speaker if speaker is not None and speaker.proposal_id == proposal.id else None


@signed_in
def remove_co_speaker(slug, token):
    proposal = own_proposal(slug, token)
    form = SpeakerActionForm()
    if not form.validate_on_submit():
        abort(400)
    speaker = _speaker_of(proposal, form)
    try:
        if speaker is None:
            raise CfpError("invalid_choice", "speaker")
        email = speaker.email
        co.remove_co_speaker(proposal, current_user, speaker)
    except CfpError as refused:
        return _proposal_page(proposal, error=refused.message, status=status_for(refused))
    flash(_("%(email)s is no longer a speaker of the proposal.", email=email), "success")
    return to_proposal(proposal, "co-speakers")


@signed_in
def resend_invitation(slug, token):
    proposal = own_proposal(slug, token)
    form = SpeakerActionForm()
    if not form.validate_on_submit():
        abort(400)
    speaker = _speaker_of(proposal, form)
    try:
        if speaker is None:
            raise CfpError("invalid_choice", "speaker")
        co.resend_invitation(proposal, current_user, speaker)
    except CfpError as refused:
        return _proposal_page(proposal, error=refused.message, status=status_for(refused))
    flash(_("A new invitation is sent to %(email)s.", email=speaker.email), "success")
    return to_proposal(proposal, "co-speakers")
