"""Proposals from the speakers' side: drafts, edits, submission and withdrawal.

The call's window decides: a proposal is started, changed and submitted while the call
is open (opens_at <= now < closes_at, in UTC). After the deadline only an access code
lets a speaker through: the code is remembered on the proposal, which then stays
editable while the code is valid; its uses (proposals submitted with it) are counted
under the lock when a proposal is submitted with it.

Edits carry the version the form was filled in on: saving over a newer version (another
window, a co-speaker) is refused, not silently merged.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...i18n import format_datetime
from ...models import (
    AccessCode,
    CallForProposals,
    Event,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    QuestionKind,
    Track,
    User,
    utcnow,
)
from .. import locks
from ..mail import queue_mail
from .cfp_setup import access_code_uses, find_access_code
from .errors import CfpError, NotAllowed, StaleEdit, TransitionError
from .links import proposal_url
from .proposal_states import Action, check_actor, is_speaker, transition
from .speakers import display_name_of, language_of, profile_of
from .validation import clean_long_text, clean_text, clean_url

TITLE_MAX = 200
ABSTRACT_MAX = 1200
DESCRIPTION_MAX = 5000
AUDIENCE_MAX = 300
TEXT_ANSWER_MAX = 500
LONG_ANSWER_MAX = 5000
EDITABLE = (ProposalState.DRAFT, ProposalState.SUBMITTED)


@dataclass
class ProposalData:
    title: str
    abstract: str = ""
    description: str = ""
    format_id: int | None = None
    track_id: int | None = None
    language: str = "sv"
    target_audience: str = ""
    answers: dict = field(default_factory=dict)  # {question id: answer}


# Validation ---------------------------------------------------------------------------


def clean_proposal(call: CallForProposals, data: ProposalData) -> dict:
    """The proposal's fields, cleaned; a draft may leave out all but the title."""
    format_ids = {f.id for f in call.formats}
    if data.format_id is not None and data.format_id not in format_ids:
        raise CfpError("invalid_choice", "format_id")
    if data.track_id is not None:
        track = db.session.get(Track, data.track_id) if isinstance(data.track_id, int) else None
        if track is None or track.event_id != call.event_id:
            raise CfpError("invalid_choice", "track_id")
    if data.language not in call.languages:
        raise CfpError("invalid_choice", "language")
    return {
        "title": clean_text(data.title, "title", TITLE_MAX, required=True),
        "abstract": clean_long_text(data.abstract, "abstract", ABSTRACT_MAX),
        "description": clean_long_text(data.description, "description", DESCRIPTION_MAX),
        "format_id": data.format_id,
        "track_id": data.track_id,
        "language": data.language,
        "target_audience": clean_text(data.target_audience, "target_audience", AUDIENCE_MAX),
        "answers": clean_answers(call, data.answers),
    }


def clean_answers(call: CallForProposals, answers) -> dict:
    """Answers keyed by str(question id); empty answers left out, answers to questions
    the call no longer has dropped."""
    if not isinstance(answers, dict):
        raise CfpError("invalid_choice", "answers")
    questions = {str(q.id): q for q in call.questions}
    cleaned = {}
    for key, value in answers.items():
        question = questions.get(str(key))
        if question is None:
            continue
        name = f"answer_{question.id}"
        kind = question.kind
        if kind is QuestionKind.TEXT:
            value = clean_text(value, name, TEXT_ANSWER_MAX)
        elif kind is QuestionKind.LONG_TEXT:
            value = clean_long_text(value, name, LONG_ANSWER_MAX)
        elif kind is QuestionKind.URL:
            value = clean_url(value, name)
        elif kind is QuestionKind.CHOICE:
            value = value or ""
            if value and value not in question.option_keys:
                raise CfpError("invalid_choice", name)
        elif kind is QuestionKind.MULTIPLE_CHOICE:
            value = value or []
            if not isinstance(value, list | tuple) or not set(value) <= set(question.option_keys):
                raise CfpError("invalid_choice", name)
            value = [k for k in question.option_keys if k in value]
        elif kind is QuestionKind.YES_NO and value is not None and not isinstance(value, bool):
            raise CfpError("invalid_choice", name)
        if value not in ("", [], None):
            cleaned[str(question.id)] = value
    return cleaned


def required_fields(call: CallForProposals) -> list[str]:
    """The fields a proposal must have before it is submitted, in form order."""
    required = ["title", "abstract"]
    if call.formats:
        required.append("format_id")
    return required + [f"answer_{q.id}" for q in call.questions if q.required]


def missing_fields(call: CallForProposals, values: Proposal | ProposalData) -> list[str]:
    """The required fields (required_fields) that a proposal, or the values of its form,
    leaves empty, in form order."""
    given = {"title": values.title, "abstract": values.abstract, "format_id": values.format_id}
    given.update((f"answer_{key}", value) for key, value in (values.answers or {}).items())
    return [name for name in required_fields(call) if given.get(name) in (None, "", [])]


# The call's window and access codes -----------------------------------------------------


def closed_error(call: CallForProposals, now: datetime) -> CfpError:
    """Why the call does not take proposals now."""
    return CfpError("call_not_open" if call.phase(now) == "not_yet_open" else "call_closed")


def code_for(call: CallForProposals, code, now: datetime) -> AccessCode:
    """The valid access code given, or why not (its uses are checked on submission)."""
    access_code = find_access_code(call, code)
    if access_code is None:
        raise CfpError("unknown_code", "code")
    if not access_code.valid_at(now):
        raise CfpError("code_expired", "code")
    return access_code


def may_edit(proposal: Proposal, now: datetime | None = None) -> bool:
    """The proposal's speakers may change it now (without giving a new code)."""
    now = now or utcnow()
    return proposal.state in EDITABLE and _window_open(proposal, now)


def _window_open(proposal: Proposal, now: datetime) -> bool:
    code = proposal.access_code
    return proposal.call.is_open(now) or (code is not None and code.valid_at(now))


def check_window(proposal: Proposal, now: datetime, code) -> None:
    """Open for this proposal, or a valid code given now (remembered on it)."""
    if _window_open(proposal, now):
        return
    if not code:
        raise closed_error(proposal.call, now)
    proposal.access_code_id = code_for(proposal.call, code, now).id
    db.session.flush()
    db.session.expire(proposal, ["access_code"])


def _check_uses(proposal: Proposal) -> None:
    """Before a proposal with a code is submitted: one use more must be allowed. The
    code's row is locked (PostgreSQL) or the write lock held (SQLite), so two late
    speakers cannot both take its last use."""
    if proposal.access_code_id is None:
        return
    access_code = locks.access_code(proposal.access_code_id).take()
    if access_code.max_uses is not None and access_code_uses(access_code) >= access_code.max_uses:
        raise CfpError("code_used_up", "code")


# Drafts, edits, submission ----------------------------------------------------------------


def create_draft(
    call: CallForProposals, user: User, data: ProposalData, now: datetime | None = None, code=None
) -> Proposal:
    """A new draft with `user` as its primary speaker. While the call is closed, only with
    a valid access code."""
    now = now or utcnow()
    values = clean_proposal(call, data)
    access_code = None
    if not call.is_open(now):
        if not code:
            raise closed_error(call, now)
        access_code = code_for(call, code, now)
    with unit_of_work():
        proposal = Proposal(
            event_id=call.event_id,
            call_id=call.id,
            submitted_by_id=user.id,
            access_code_id=access_code.id if access_code else None,
            created_at=now,
            updated_at=now,
            **values,
        )
        proposal.speakers.append(
            ProposalSpeaker(
                user_id=user.id, email=user.email.lower(), is_primary=True, accepted_at=now
            )
        )
        db.session.add(proposal)
    return proposal


def update_proposal(
    proposal: Proposal,
    user: User,
    data: ProposalData,
    expected_version: int,
    now: datetime | None = None,
    code=None,
) -> Proposal:
    """Save the speakers' changes, while the proposal is a draft or submitted and the call
    (or its code) lets them."""
    now = now or utcnow()
    values = clean_proposal(proposal.call, data)
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        if not is_speaker(user, proposal):
            raise NotAllowed("not_speaker")
        if proposal.state not in EDITABLE:
            raise TransitionError("transition", state=proposal.state)
        if proposal.version != expected_version:
            raise StaleEdit("stale")
        check_window(proposal, now, code)
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.version += 1
        proposal.updated_at = now
        return proposal


def submit_proposal(
    proposal: Proposal, user: User, now: datetime | None = None, code=None
) -> Proposal:
    """Submit a complete draft while the call is open, or later with a valid access code
    that has a use left. The speaker gets a receipt by email."""
    now = now or utcnow()
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        check_actor(proposal, Action.SUBMIT, user)
        missing = missing_fields(proposal.call, proposal)
        if missing:
            raise CfpError("required", missing[0])
        check_window(proposal, now, code)
        _check_uses(proposal)
        transition(proposal, Action.SUBMIT, user, now)
        _queue_receipt(proposal, user, now)
        return proposal


def withdraw_proposal(proposal: Proposal, user: User, now: datetime | None = None) -> Proposal:
    """The submitter takes the proposal back (a draft, submitted or waitlisted one); any
    time, deadline or not. Invitations still open stop working."""
    now = now or utcnow()
    with unit_of_work() as unit:
        proposal = unit.lock(locks.proposal(proposal.id))
        transition(proposal, Action.WITHDRAW, user, now)
        for speaker in proposal.speakers:
            speaker.invitation_token_hash = None
        return proposal


def _queue_receipt(proposal: Proposal, user: User, now: datetime) -> None:
    profile = profile_of(user)
    locale = language_of(user, profile)
    call, event = proposal.call, proposal.event
    deadline = None
    if call.is_open(now):
        deadline = format_datetime(call.local_closes_at, "datetime", locale=locale)
    queue_mail(
        user.email,
        "cfp_submitted",
        subject=lambda: _("Proposal received: %(title)s", title=proposal.title),
        locale=locale,
        proposal=proposal,
        event=event,
        name=display_name_of(user, "", profile),
        deadline=deadline,
        link=proposal_url(proposal),
    )


# Reading ----------------------------------------------------------------------------------


def get_proposal(token) -> Proposal | None:
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    return db.session.scalar(select(Proposal).where(Proposal.token == token))


def submitted_proposal(event: Event, token: str) -> Proposal | None:
    """The event's proposal with this token, if it is past the draft stage (what the
    organizers and reviewers see)."""
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.token == token, Proposal.event_id == event.id)
    )
    return None if proposal is None or proposal.state is ProposalState.DRAFT else proposal


def submitted_proposals(event: Event) -> dict[str, Proposal]:
    """The event's proposals past the draft stage, by token."""
    return {
        p.token: p
        for p in db.session.scalars(
            select(Proposal).where(
                Proposal.event_id == event.id, Proposal.state != ProposalState.DRAFT
            )
        )
    }


def proposals_of(user: User, event: Event | None = None) -> list[Proposal]:
    """The proposals the person is a speaker of (drafts included), newest first."""
    query = (
        select(Proposal)
        .join(ProposalSpeaker, ProposalSpeaker.proposal_id == Proposal.id)
        .where(ProposalSpeaker.user_id == user.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
    if event is not None:
        query = query.where(Proposal.event_id == event.id)
    return list(db.session.scalars(query))
