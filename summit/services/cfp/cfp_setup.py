"""Setting up an event's call for speakers: its window and texts, session formats, extra
questions, review criteria and access codes for late or invited submissions.

Each save validates everything first and stores nothing when something is wrong; then
it writes and commits. Times given without a zone are wall-clock times in the event's
zone (Europe/Stockholm) and are stored in UTC (see validation.local_to_utc).
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ...database import unit_of_work
from ...extensions import db
from ...models import (
    CFP_LANGUAGES,
    AccessCode,
    CallForProposals,
    CfpQuestion,
    Event,
    Proposal,
    ProposalState,
    QuestionKind,
    ReviewCriterion,
    ReviewMode,
    SessionFormat,
    SessionKind,
)
from ..tickets.codes import is_guessable
from .errors import CfpError
from .validation import clean_int, clean_long_text, clean_text, local_to_utc

MAX_CO_SPEAKERS = 10
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,63}$")


def get_call(event: Event) -> CallForProposals | None:
    return db.session.scalar(select(CallForProposals).where(CallForProposals.event_id == event.id))


# The call ---------------------------------------------------------------------------


@dataclass
class CallSettings:
    opens_at: datetime  # aware, or naive wall-clock time in the event's zone
    closes_at: datetime
    intro_sv: str = ""
    intro_en: str = ""
    max_co_speakers: int = 3
    anonymous_review: bool = False
    review_mode: ReviewMode = ReviewMode.ALL
    languages: Iterable[str] = CFP_LANGUAGES


def save_call(event: Event, data: CallSettings) -> CallForProposals:
    """Open (create) or change the event's call."""
    opens_at = local_to_utc(data.opens_at, event.tz, "opens_at")
    closes_at = local_to_utc(data.closes_at, event.tz, "closes_at")
    if closes_at <= opens_at:
        raise CfpError("closes_before_opens", "closes_at")
    intro_sv = clean_long_text(data.intro_sv, "intro_sv", 5000)
    intro_en = clean_long_text(data.intro_en, "intro_en", 5000)
    max_co = clean_int(data.max_co_speakers, "max_co_speakers", 0, MAX_CO_SPEAKERS)
    if not isinstance(data.review_mode, ReviewMode):
        raise CfpError("invalid_choice", "review_mode")
    languages = [code for code in CFP_LANGUAGES if code in set(data.languages)]
    if not languages or set(data.languages) - set(CFP_LANGUAGES):
        raise CfpError("invalid_choice", "languages")

    with unit_of_work():
        call = get_call(event) or CallForProposals(event_id=event.id)
        db.session.add(call)
        call.opens_at, call.closes_at = opens_at, closes_at
        call.intro_sv, call.intro_en = intro_sv, intro_en
        call.max_co_speakers = max_co
        call.anonymous_review = bool(data.anonymous_review)
        call.review_mode = data.review_mode
        call.languages = languages
    return call


# Session formats --------------------------------------------------------------------


@dataclass
class FormatData:
    name_sv: str
    duration_minutes: int
    name_en: str = ""
    kind: SessionKind = SessionKind.TALK


def save_format(
    call: CallForProposals, data: FormatData, session_format: SessionFormat | None = None
) -> SessionFormat:
    name_sv = clean_text(data.name_sv, "name_sv", 120, required=True)
    name_en = clean_text(data.name_en, "name_en", 120)
    minutes = clean_int(data.duration_minutes, "duration_minutes", 5, 8 * 60)
    if not isinstance(data.kind, SessionKind):
        raise CfpError("invalid_choice", "kind")
    with unit_of_work():
        if session_format is None:
            session_format = SessionFormat(
                call_id=call.id, position=_next_position(SessionFormat, call)
            )
            db.session.add(session_format)
        session_format.name_sv, session_format.name_en = name_sv, name_en
        session_format.duration_minutes, session_format.kind = minutes, data.kind
    return session_format


def delete_format(session_format: SessionFormat) -> None:
    """Proposals of this format keep their text and lose the format (set to none)."""
    with unit_of_work():
        db.session.delete(session_format)


def next_position(column, *where) -> int:
    """One past the highest `column` (a position) among the rows `where` picks: 0 for
    the first."""
    last = db.session.scalar(select(func.max(column)).where(*where))
    return 0 if last is None else last + 1


def _next_position(model, call: CallForProposals) -> int:
    return next_position(model.position, model.call_id == call.id)


# Extra questions ----------------------------------------------------------------------


@dataclass
class QuestionData:
    kind: QuestionKind
    label_sv: str
    label_en: str = ""
    help_sv: str = ""
    help_en: str = ""
    required: bool = False
    # For choices: [{"sv": ..., "en": ..., "key": (kept when editing an option)}].
    options: list[dict] = field(default_factory=list)


def _clean_options(kind: QuestionKind, options) -> list[dict]:
    if not kind.has_options:
        return []
    if not isinstance(options, list):
        raise CfpError("options_needed", "options")
    cleaned, seen_keys, seen_texts = [], set(), set()
    for option in options:
        if not isinstance(option, dict):
            raise CfpError("invalid_choice", "options")
        sv = clean_text(option.get("sv"), "options", 200)
        en = clean_text(option.get("en"), "options", 200)
        if not sv and not en:
            continue  # an empty row of the form
        if sv.casefold() in seen_texts:
            raise CfpError("duplicate_option", "options")
        seen_texts.add(sv.casefold())
        key = option.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9]{1,16}", key) or key in seen_keys:
            key = secrets.token_hex(4)
        seen_keys.add(key)
        cleaned.append({"key": key, "sv": sv or en, "en": en})
    if len(cleaned) < 2:
        raise CfpError("options_needed", "options")
    return cleaned


def save_question(
    call: CallForProposals, data: QuestionData, question: CfpQuestion | None = None
) -> CfpQuestion:
    """Answers already given keep their option keys: an option edited in place keeps its key."""
    if not isinstance(data.kind, QuestionKind):
        raise CfpError("invalid_choice", "kind")
    label_sv = clean_text(data.label_sv, "label_sv", 300, required=True)
    label_en = clean_text(data.label_en, "label_en", 300)
    help_sv = clean_long_text(data.help_sv, "help_sv", 1000)
    help_en = clean_long_text(data.help_en, "help_en", 1000)
    options = _clean_options(data.kind, data.options)
    with unit_of_work():
        if question is None:
            question = CfpQuestion(call_id=call.id, position=_next_position(CfpQuestion, call))
            db.session.add(question)
        question.kind = data.kind
        question.label_sv, question.label_en = label_sv, label_en
        question.help_sv, question.help_en = help_sv, help_en
        question.required = bool(data.required)
        question.options = options
    return question


def delete_question(question: CfpQuestion) -> None:
    with unit_of_work():
        db.session.delete(question)


# Review criteria ----------------------------------------------------------------------


@dataclass
class CriterionData:
    name_sv: str
    name_en: str = ""
    weight: int = 1


def save_criterion(
    call: CallForProposals, data: CriterionData, criterion: ReviewCriterion | None = None
) -> ReviewCriterion:
    name_sv = clean_text(data.name_sv, "name_sv", 120, required=True)
    name_en = clean_text(data.name_en, "name_en", 120)
    weight = clean_int(data.weight, "weight", 1, 10)
    with unit_of_work():
        if criterion is None:
            position = _next_position(ReviewCriterion, call)
            criterion = ReviewCriterion(call_id=call.id, position=position)
            db.session.add(criterion)
        criterion.name_sv, criterion.name_en, criterion.weight = name_sv, name_en, weight
    return criterion


def delete_criterion(criterion: ReviewCriterion) -> None:
    """Its scores go with it; reviews keep their scores on the other criteria."""
    with unit_of_work():
        db.session.delete(criterion)


# Access codes -------------------------------------------------------------------------


@dataclass
class AccessCodeData:
    code: str
    note: str = ""
    valid_until: datetime | None = None  # aware, or naive wall-clock time in the event's zone
    max_uses: int | None = None


def normalize_code(code) -> str:
    return code.strip().upper() if isinstance(code, str) else ""


def save_access_code(
    call: CallForProposals, data: AccessCodeData, access_code: AccessCode | None = None
) -> AccessCode:
    code = normalize_code(data.code)
    if not CODE_RE.match(code):
        raise CfpError("invalid_code", "code")
    if is_guessable(code) and (access_code is None or access_code.code != code):
        # Tried one after another, a short code lets anyone past the deadline.
        raise CfpError("guessable_code", "code")
    note = clean_text(data.note, "note", 200)
    valid_until = (
        None
        if data.valid_until is None
        else local_to_utc(data.valid_until, call.event.tz, "valid_until")
    )
    max_uses = None if data.max_uses is None else clean_int(data.max_uses, "max_uses", 1, 10_000)
    with unit_of_work():
        taken = db.session.scalar(
            select(AccessCode.id).where(AccessCode.call_id == call.id, AccessCode.code == code)
        )
        if taken is not None and (access_code is None or taken != access_code.id):
            raise CfpError("code_taken", "code")
        if access_code is None:
            access_code = AccessCode(call_id=call.id)
            db.session.add(access_code)
        access_code.code, access_code.note = code, note
        access_code.valid_until, access_code.max_uses = valid_until, max_uses
        return access_code


def delete_access_code(access_code: AccessCode) -> None:
    """Proposals submitted with it stay as they are."""
    with unit_of_work():
        db.session.delete(access_code)


def find_access_code(call: CallForProposals, code) -> AccessCode | None:
    code = normalize_code(code)
    if not code or not CODE_RE.match(code):
        return None
    return db.session.scalar(
        select(AccessCode).where(AccessCode.call_id == call.id, AccessCode.code == code)
    )


def access_code_uses(access_code: AccessCode) -> int:
    """Proposals submitted with the code (drafts do not count; a withdrawn one does)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.access_code_id == access_code.id, Proposal.state != ProposalState.DRAFT)
    )


def access_code_use_counts(call: CallForProposals) -> dict[int, int]:
    """access_code_uses for every code of the call (by code id), in one query."""
    counts = dict(
        db.session.execute(
            select(Proposal.access_code_id, func.count())
            .join(AccessCode, AccessCode.id == Proposal.access_code_id)
            .where(AccessCode.call_id == call.id, Proposal.state != ProposalState.DRAFT)
            .group_by(Proposal.access_code_id)
        ).all()
    )
    return {code.id: counts.get(code.id, 0) for code in call.access_codes}


def proposals_with_code(access_code: AccessCode) -> list[Proposal]:
    """The proposals started with the code (drafts included), newest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.access_code_id == access_code.id)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )


# Order --------------------------------------------------------------------------------


def move(item: SessionFormat | CfpQuestion | ReviewCriterion, step: int) -> None:
    """Move a format, question or criterion one place up (step -1) or down (+1) among
    those of its call; the positions are renumbered 0, 1, 2 ... on the way."""
    if step not in (-1, 1):
        raise CfpError("invalid_choice", "step")
    model = type(item)
    with unit_of_work():
        items = list(
            db.session.scalars(
                select(model)
                .where(model.call_id == item.call_id)
                .order_by(model.position, model.id)
            )
        )
        index = next(i for i, other in enumerate(items) if other.id == item.id)
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for position, other in enumerate(items):
            other.position = position
