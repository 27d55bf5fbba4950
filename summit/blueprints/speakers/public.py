"""The speakers' pages (/events/<slug>/speakers/...): the call, an access code for a late
submission, the speaker profile and photo, and the list of one's proposals. The
proposal pages and co-speakers are in public_proposals.py, the pages behind the emailed
links (an invitation, the answer to an acceptance) in public_links.py; what they share
in public_common.py.

Thin: every rule is a service's (services/cfp).
"""

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ... import code_attempts
from ...access import public, signed_in
from ...forms import ButtonForm, show_refusal
from ...models import CallForProposals, Event, utcnow
from ...services.cfp import CfpError
from ...services.cfp import proposals as cfp
from ...services.cfp import speakers as profiles
from ...services.cfp.proposal_states import Action, can, is_submitter
from ...urls import is_safe_next
from ..lookup import event_or_404, public_event_or_404
from .public_common import (
    call_times,
    code_key,
    get_call_or_404,
    session_code,
    slot_of,
)
from .public_forms import AccessCodeForm, ProfileForm

# The call -------------------------------------------------------------------------------


def call_page(event: Event, call: CallForProposals, code_form=None, status: int = 200):
    now = utcnow()
    signed = current_user.is_authenticated
    mine = cfp.proposals_of(current_user, event) if signed else []
    if code_form is None:
        code_form = AccessCodeForm(formdata=None)
    return render_template(
        "speakers/call.html",
        event=event,
        call=call,
        state=call.phase(now),
        times=call_times(call),
        mine=mine,
        has_profile=signed and profiles.profile_of(current_user) is not None,
        code=session_code(call, now),
        code_form=code_form,
    ), status


@public
def cfp_address(slug, rest):
    """/cfp/ (pretalx's address, and a common guess) is the call for speakers: the rest
    of the path and the query go along, permanently (308 keeps a POST a POST)."""
    target = url_for(".call", slug=slug) + rest
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=308)


@public
def call(slug):
    event = public_event_or_404(slug)
    return call_page(event, get_call_or_404(event))


@public
def enter_code(slug):
    """An access code for a late or invited submission, kept for this browser's session;
    the services check it again (and remember it on the proposal) when it is used."""
    event = public_event_or_404(slug)
    call_ = get_call_or_404(event)
    form = AccessCodeForm()
    scope = f"event:{event.id}"
    wait = code_attempts.wait_before_code(scope) if form.code.data else None
    if wait is not None:
        # Not even looked at: the answer would tell a guesser whether they hit.
        minutes = code_attempts.minutes(wait)
        form.code.errors = [
            _("Too many wrong codes have been tried.")
            + " "
            + ngettext(
                "Please wait %(num)d minute before you try a code again.",
                "Please wait %(num)d minutes before you try a code again.",
                minutes,
            )
        ]
        response, _status = call_page(event, call_, code_form=form)
        return response, 429, code_attempts.retry_after_header(wait)
    if form.validate_on_submit():
        try:
            access_code = cfp.code_for(call_, form.code.data, utcnow())
        except CfpError as error:
            form.code.errors = [*form.code.errors, error.message]
            if error.reason == "unknown_code":
                code_attempts.wrong_code(scope)
        else:
            session[code_key(call_)] = access_code.code
            flash(_("The code is valid: you can submit and change a proposal."), "success")
            target = form.next.data
            if not is_safe_next(target):
                target = url_for(".new_proposal", slug=slug)
            return redirect(target)
    return call_page(event, call_, code_form=form, status=422)


# Profile and photo ------------------------------------------------------------------------


def _uploaded(storage) -> bytes | None:
    """The uploaded file's bytes (a little more than the service allows, so it can say
    the file is too large), or None when no file was chosen."""
    if not isinstance(storage, FileStorage):
        return None
    data = storage.read(profiles.MAX_PHOTO_BYTES + 1)
    if not data and not storage.filename:
        return None
    return data


@signed_in
def profile(slug):
    event = event_or_404(slug)
    existing = profiles.profile_of(current_user)
    form = ProfileForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        locale = str(get_locale() or "sv")
        form.display_name.data = existing.display_name if existing else current_user.name
        form.preferred_language.data = existing.preferred_language if existing else locale
        if existing:
            for name in ("organisation", "title", "bio", "pronouns"):
                form[name].data = getattr(existing, name)
    error = None
    if form.validate_on_submit():
        photo = _uploaded(form.photo.data)
        data = profiles.ProfileData(
            display_name=form.display_name.data,
            organisation=form.organisation.data,
            title=form.title.data,
            bio=form.bio.data,
            pronouns=form.pronouns.data,
            preferred_language=form.preferred_language.data,
        )
        # Every problem at once (the summary lists them all), checked before anything
        # is saved; the photo too.
        problems = profiles.profile_problems(data)
        if photo is not None:
            try:
                profiles.clean_photo(photo)
            except CfpError as refused:
                problems.append(refused)
        try:
            if problems:
                raise problems[0]
            profiles.save_profile(current_user, data)
            if photo is not None:
                profiles.set_photo(current_user, photo)
        except CfpError as refused:
            for problem in problems or [refused]:
                error = show_refusal(problem, form, above_form=True) or error
        else:
            flash(_("Your speaker profile is saved."), "success")
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for(".call", slug=slug))
    return render_template(
        "speakers/profile.html",
        event=event,
        form=form,
        profile=existing,
        remove_form=ButtonForm(formdata=None),
        error=error,
        bio_max=profiles.BIO_MAX,
    ), 422 if form.errors or error else 200


@signed_in
def remove_photo(slug):
    event_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    profiles.remove_photo(current_user)
    flash(_("The photo is removed."), "success")
    return redirect(url_for(".profile", slug=slug))


@public
def photo(slug, token):
    """A speaker's photo at its random address (new with every upload, so it can be
    cached for good)."""
    event_or_404(slug)
    found = profiles.photo_by_token(token)
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response


# Proposals ----------------------------------------------------------------------------------


@signed_in
def my_proposals(slug):
    event = event_or_404(slug)
    call_ = get_call_or_404(event)
    now = utcnow()
    code = session_code(call_, now)
    proposals = cfp.proposals_of(current_user, event)
    return render_template(
        "speakers/my_proposals.html",
        event=event,
        call=call_,
        proposals=proposals,
        slots=slot_of(event, proposals),
        state=call_.phase(now),
        times=call_times(call_),
        code=code,
        may_edit=lambda p: cfp.may_edit(p, now) or code is not None,
        is_submitter=lambda p: is_submitter(current_user, p),
        can=can,
        Action=Action,
    )
