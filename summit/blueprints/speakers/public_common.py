"""What the speakers' pages share (public.py, public_proposals.py, public_links.py):
finding the event, call and proposal of an address, the call's times as people read
them, the access code kept in the session, and showing a service's refusal.

A refusal (CfpError) is shown on the field it names, or above the form, and nothing is
changed. Status codes: 422 for input that is refused, 409 when the proposal changed or
its state does not allow it, 403 when the call is closed or the person may not.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, redirect, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...i18n import format_date, format_time
from ...models import CallForProposals, Event, Proposal, QuestionKind
from ...services.cfp import CfpError, NotAllowed, StaleEdit, TransitionError
from ...services.cfp import proposals as cfp
from ...services.cfp.cfp_setup import get_call
from ...services.cfp.proposal_states import is_speaker
from ...services.cfp.review_results import answer_text
from ...services.program.published import published_slots
from ...services.program.release_mail import when_text
from ..lookup import found_or_404


def get_call_or_404(event: Event) -> CallForProposals:
    return found_or_404(get_call(event))


def own_proposal(slug: str, token: str) -> Proposal:
    """A proposal the signed-in person is a speaker of; anyone else gets 404 (as if
    there were none: the address says nothing to a stranger)."""
    proposal = cfp.get_proposal(token)
    if proposal is None or proposal.event.slug != slug or not is_speaker(current_user, proposal):
        abort(404)
    return proposal


def local_when(moment: datetime, event: Event, deadline: bool = False) -> str:
    """ "1 mars 2027 kl. 09.00" / "1 March 2027 at 09:00", in the event's zone. A deadline
    at midnight is shown as the minute before ("28 februari kl. 23.59"): that is the
    last day people can use."""
    local = moment.astimezone(event.tz)
    if deadline and local.time() == time(0, 0):
        local -= timedelta(minutes=1)
    day = format_date(local.date(), "long_date")
    return _("%(date)s at %(time)s", date=day, time=format_time(local, "time", event=event))


def code_key(call: CallForProposals) -> str:
    return f"cfp_code:{call.id}"


def session_code(call: CallForProposals, now: datetime) -> str | None:
    """The access code the person entered on this browser, while it is valid."""
    code = session.get(code_key(call))
    if not code:
        return None
    try:
        cfp.code_for(call, code, now)
    except CfpError:
        return None
    return code


def status_for(error: CfpError | None, form=None) -> int:
    if isinstance(error, StaleEdit | TransitionError):
        return 409
    if isinstance(error, NotAllowed) or (
        error is not None and error.reason in ("call_closed", "call_not_open")
    ):
        return 403
    if error is not None or (form is not None and form.errors):
        return 422
    return 200


def to_proposal(proposal: Proposal, anchor: str = ""):
    url = url_for(".proposal", slug=proposal.event.slug, token=proposal.token)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def call_times(call: CallForProposals) -> dict:
    event = call.event
    return {
        "opens": local_when(call.opens_at, event),
        "closes": local_when(call.closes_at, event, deadline=True),
    }


def answer_lines(proposal: Proposal) -> list[tuple[str, str, bool]]:
    """(question, answer as text, is a web address) for each answered extra question."""
    answers = proposal.answers or {}
    lines = []
    for question in proposal.call.questions:
        value = answers.get(str(question.id))
        if value in (None, "", []):
            continue
        text = answer_text(question, value)
        is_url = question.kind is QuestionKind.URL and text.startswith(("https://", "http://"))
        lines.append((question.label, text, is_url))
    return lines


@dataclass(frozen=True)
class Slot:
    """Where and when a proposal's session is, as the latest published release says."""

    when: str  # "tisdag 18 maj 2027 10:30–10:50, Lilla salen", in the page's language
    url: str  # the public session page


def slot_of(event: Event, proposals) -> dict[int, Slot]:
    """Proposal id -> its published slot, for the proposals whose session is published."""
    found = published_slots(event, [p.id for p in proposals])
    tz = ZoneInfo(event.timezone)
    locale = str(get_locale() or "sv")
    return {
        proposal_id: Slot(
            when=when_text(s.starts_at, s.ends_at, s.room["name"], tz, locale),
            url=url_for("program.public_session", slug=event.slug, token=s.token),
        )
        for proposal_id, s in found.items()
    }
