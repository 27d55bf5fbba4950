"""The pages behind the links in the speakers' emails: a co-speaker's invitation and an
accepted speaker's confirm-or-decline link. Both are public addresses carrying a random
token; the services decide what a token may do (co_speakers, decisions), and a link
that is tampered with, used, or someone else's gets a page that says so.
"""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...access import public
from ...models import ProposalState
from ...services.cfp import CfpError, LinkRefused, decisions
from ...services.cfp import co_speakers as co
from ...services.cfp import speakers as profiles
from ...services.cfp.links import speaker_of_link, token_hash
from ..lookup import event_or_404
from .public_common import slot_of, status_for
from .public_forms import AnswerForm


def _refused(event, error: CfpError, status: int):
    return render_template(
        "speakers/link_refused.html", event=event, error=error, next_url=request.path
    ), status


def _link_status(error: CfpError) -> int:
    """Someone else's invitation: 403; a link that is not (or no longer) valid: 404."""
    if error.reason == "invitation_other_user":
        return 403
    return 404 if isinstance(error, LinkRefused) else status_for(error)


@public
def invitation(slug, token):
    """The invited co-speaker signs in (by emailed link, back to this page) and accepts
    or declines. Only the address the invitation was sent to can answer it."""
    event = event_or_404(slug)
    invited = co.invitation_by_token(token)
    if invited is None or invited.proposal.event_id != event.id:
        return _refused(event, LinkRefused("invitation_invalid"), 404)
    proposal = invited.proposal
    form = AnswerForm()
    error = None
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.request_link", next=request.path))
        if not form.validate_on_submit() or form.yes.data == form.no.data:
            error = _("The form had expired. Please send it again.")
        else:
            try:
                if form.yes.data:
                    co.accept_invitation(token, current_user)
                else:
                    co.decline_invitation(token, current_user)
            except CfpError as refused:
                return _refused(event, refused, _link_status(refused))
            if form.no.data:
                flash(_("You have declined the invitation."), "success")
                return redirect(url_for("site.event", slug=slug))
            flash(_("You are now a speaker of “%(title)s”.", title=proposal.title), "success")
            target = url_for(".proposal", slug=slug, token=proposal.token)
            if profiles.profile_of(current_user) is None:
                flash(_("Please fill in your speaker profile: the program shows it."), "info")
                return redirect(url_for(".profile", slug=slug, next=target))
            return redirect(target)
    primary = proposal.primary_speaker
    return render_template(
        "speakers/invitation.html",
        event=event,
        proposal=proposal,
        inviter=profiles.speaker_name(primary.user if primary else None),
        form=form,
        error=error,
    ), 422 if error else 200


def _answered_key(token: str) -> str:
    return "cfp_answered:" + token_hash(token)[:24]


def _reader(proposal, token):
    """Who is looking at a confirm link: the signed-in speaker, else the speaker the
    link was sent to (its signed `by`), else None."""
    if current_user.is_authenticated:
        found = decisions.speaker_by_id(proposal, current_user.id)
        if found is not None:
            return found
    return decisions.speaker_by_id(proposal, speaker_of_link(token, request.args.get("by")))


def _answered_page(event, proposal, token):
    """A link already used (by this reader or a co-speaker): who answered, and when."""
    reader = _reader(proposal, token)
    answered = session.get(_answered_key(token))
    by = proposal.responded_by
    # In the reader's language as every page is: their account's when signed in, else
    # their browser's (a forwarded link is read by whoever has it).
    return render_template(
        "speakers/responded.html",
        event=event,
        proposal=proposal,
        confirmed=proposal.state is ProposalState.CONFIRMED,
        yours=bool(answered) or (by is not None and reader is not None and by.id == reader.id),
        by_name=profiles.speaker_name(by) if by is not None else "",
        slot=slot_of(event, [proposal]).get(proposal.id),
    )


def decline_page(event, proposal, form, action: str, back: str):
    """Declining is for every speaker of the proposal: asked once more."""
    names = [profiles.speaker_name(s.user, s.email) for s in proposal.accepted_speakers]
    return render_template(
        "speakers/decline_all.html",
        event=event,
        proposal=proposal,
        names=names,
        form=form,
        action=action,
        back=back,
    )


@public
def respond(slug, token):
    """An accepted speaker confirms (the session then waits to be scheduled, and the
    speakers get their tickets) or declines, for all of the proposal's speakers, through
    the link in the acceptance email (each speaker's copy of it names them). Once used,
    the link shows who answered and when, to every speaker who opens it."""
    event = event_or_404(slug)
    proposal = decisions.proposal_for_link(token)
    if proposal is None or proposal.event_id != event.id:
        done = decisions.answered_link(token)
        if done is not None and done.event_id == event.id:
            return _answered_page(event, done, token)
        return _refused(event, LinkRefused("link_invalid"), 404)
    form = AnswerForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit() or form.yes.data == form.no.data:
            error = _("The form had expired. Please send it again.")
        elif form.no.data and form.decline_for_all.data != "1":
            return decline_page(event, proposal, form, request.full_path, request.full_path)
        else:
            try:
                decisions.respond_by_link(
                    token, confirm=bool(form.yes.data), by=_reader(proposal, token)
                )
            except CfpError as refused:
                return _refused(event, refused, _link_status(refused))
            session[_answered_key(token)] = True
            return redirect(request.full_path.rstrip("?"))
    return render_template(
        "speakers/respond.html", event=event, proposal=proposal, form=form, error=error
    ), 422 if error else 200
