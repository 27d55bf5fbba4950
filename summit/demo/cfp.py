"""Demo call for speakers on the summit: an open call with three formats, three extra
questions and three criteria, about 80 proposals in every state from practitioners in
civil society, municipalities, social enterprises and academia, reviews with scores,
and confirmed speakers with their sessions (waiting to be scheduled) and complimentary
tickets, given by the confirmation service.

Rows are written directly (no receipts or decision emails); only the confirmed
speakers' tickets go through services/cfp/confirmation.py, which queues their usual
ticket emails. Run again, it adds nothing: the call is made once, the proposals only
when the summit has none.
"""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..database import unit_of_work
from ..extensions import db
from ..models import (
    CallForProposals,
    CfpQuestion,
    Event,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    QuestionKind,
    Review,
    ReviewCriterion,
    ReviewMode,
    ReviewScore,
    Role,
    SessionFormat,
    SessionKind,
    SpeakerProfile,
    TicketType,
    User,
)
from ..services import accounts, locks
from ..services.cfp.cfp_setup import get_call
from ..services.cfp.confirmation import confirm_speakers
from ..services.cfp.links import new_link_token
from .cfp_texts import (
    ABSTRACT_ENDS,
    ABSTRACT_MIDDLES,
    ABSTRACT_OPENINGS,
    AUDIENCES,
    COMMENTS,
    ENGLISH_ABSTRACT,
    INTRO_EN,
    INTRO_SV,
    ORGANISATIONS,
    TITLES_EN,
    TITLES_OF_PEOPLE,
    TITLES_SV,
)
from .sales import FIRST, LAST

STOCKHOLM = ZoneInfo("Europe/Stockholm")
S = ProposalState


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


CALL_OPENS = _at(2026, 10, 1, 9, 0)
CALL_CLOSES = _at(2027, 2, 15, 23, 59)
SUBMITTED_FROM = _at(2026, 10, 2, 8, 0)  # proposals came in over seven weeks
DECIDED_FROM = _at(2026, 11, 20, 10, 0)  # the committee's first round of decisions

FORMATS = [
    ("Föredrag", "Talk", SessionKind.TALK, 20),
    ("Workshop", "Workshop", SessionKind.WORKSHOP, 90),
    ("Panelsamtal", "Panel", SessionKind.PANEL, 45),
]
CRITERIA = [
    ("Relevans", "Relevance", 2),
    ("Social påverkan", "Social impact", 2),
    ("Praktisk nytta", "Practical value", 1),
]
LEVELS = [
    {"key": "intro", "sv": "Introduktion", "en": "Introductory"},
    {"key": "deep", "sv": "Fördjupning", "en": "In depth"},
    {"key": "all", "sv": "Alla nivåer", "en": "All levels"},
]

# How many proposals end up in each state (80 together).
STATES = [
    (S.DRAFT, 8),
    (S.SUBMITTED, 30),
    (S.ACCEPTED, 8),
    (S.WAITLISTED, 6),
    (S.REJECTED, 10),
    (S.CONFIRMED, 12),
    (S.DECLINED, 3),
    (S.WITHDRAWN, 3),
]
# The mean score a state's proposals were given (reviews spread around it).
QUALITY = {S.SUBMITTED: 3.3, S.ACCEPTED: 4.2, S.CONFIRMED: 4.3, S.DECLINED: 4.0}
QUALITY |= {S.WAITLISTED: 3.5, S.REJECTED: 2.3}

REVIEWERS = [
    # The demo's own reviewer (granskare@example.org, made in __init__.py) and the rest of
    # the committee.
    ("maja.lund@example.org", "Maja Lund"),
    ("per.eklund@example.org", "Per Eklund"),
    ("sara.oberg@example.org", "Sara Öberg"),
]
DEMO_REVIEWER = "granskare@example.org"
DEMO_SPEAKER = "talare@example.org"


def _ensure_call(summit: Event) -> CallForProposals:
    call = get_call(summit)
    if call is not None:
        return call
    call = CallForProposals(
        event_id=summit.id,
        opens_at=CALL_OPENS,
        closes_at=CALL_CLOSES,
        intro_sv=INTRO_SV,
        intro_en=INTRO_EN,
        max_co_speakers=3,
        anonymous_review=True,
        review_mode=ReviewMode.ALL,
        languages=["sv", "en"],
    )
    call.formats = [
        SessionFormat(name_sv=sv, name_en=en, kind=kind, duration_minutes=minutes, position=n)
        for n, (sv, en, kind, minutes) in enumerate(FORMATS)
    ]
    call.criteria = [
        ReviewCriterion(name_sv=sv, name_en=en, weight=weight, position=n)
        for n, (sv, en, weight) in enumerate(CRITERIA)
    ]
    call.questions = [
        CfpQuestion(
            kind=QuestionKind.CHOICE,
            label_sv="Vilken nivå passar sessionen?",
            label_en="Which level is the session for?",
            required=True,
            options=LEVELS,
            position=0,
        ),
        CfpQuestion(
            kind=QuestionKind.YES_NO,
            label_sv="Har du presenterat detta tidigare?",
            label_en="Have you presented this before?",
            help_sv="Det gör inget – vi vill bara veta.",
            help_en="That is fine – we would just like to know.",
            position=1,
        ),
        CfpQuestion(
            kind=QuestionKind.URL,
            label_sv="Länk till mer om initiativet",
            label_en="Link to more about the initiative",
            position=2,
        ),
    ]
    # Confirmed speakers get the summit's existing speaker ticket (sales.py made it).
    speaker_type = db.session.scalar(
        select(TicketType).where(TicketType.event_id == summit.id, TicketType.name_sv == "Talare")
    )
    call.speaker_ticket_type_id = speaker_type.id if speaker_type else None
    db.session.add(call)
    db.session.commit()
    return call


def _ensure_reviewers(summit: Event) -> list[User]:
    for email, name in REVIEWERS:
        if accounts.find_user(email) is None:
            with unit_of_work():
                accounts.create_user(email, name=name)
        accounts.grant_role(summit, email, Role.REVIEWER, None)
    db.session.commit()
    return [accounts.find_user(DEMO_REVIEWER)] + [accounts.find_user(e) for e, _n in REVIEWERS]


def _speakers(rng: random.Random, count: int) -> list[User]:
    """`count` speakers with profiles (Swedish names, real kinds of organisations)."""
    people, seen = [], set()
    while len(people) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        organisation, domain, kind = rng.choice(ORGANISATIONS)
        handle = f"{first}.{last}".lower().translate(str.maketrans("åäöé", "aaoe"))
        email = f"{handle}@{domain}.example.org"
        if email in seen:
            continue
        seen.add(email)
        user = accounts.find_user(email) or accounts.create_user(email, name=f"{first} {last}")
        db.session.flush()
        if db.session.scalar(select(SpeakerProfile.id).where(SpeakerProfile.user_id == user.id)):
            people.append(user)
            continue
        db.session.add(
            SpeakerProfile(
                user_id=user.id,
                display_name=f"{first} {last}",
                organisation=organisation,
                title=rng.choice(TITLES_OF_PEOPLE[kind]),
                bio=f"{first} arbetar på {organisation} med utveckling och samverkan.",
                preferred_language="sv",
            )
        )
        people.append(user)
    return people


def _demo_speaker() -> User:
    user = accounts.find_user(DEMO_SPEAKER)
    if not db.session.scalar(select(SpeakerProfile.id).where(SpeakerProfile.user_id == user.id)):
        db.session.add(
            SpeakerProfile(
                user_id=user.id,
                display_name=user.name,
                organisation="Fryshuset",
                title="Projektledare",
                bio="Fatima leder Fryshusets arbete med ungas inflytande i Malmö och Stockholm.",
                pronouns="hon",
                preferred_language="sv",
            )
        )
    return user


def abstract(rng: random.Random, title: str, english: bool) -> str:
    """A demo abstract about the title's topic (Swedish made of three drawn sentences)."""
    topic = title.split(":")[0].lower()
    if english:
        return ENGLISH_ABSTRACT.format(topic=topic)
    return " ".join(
        [
            rng.choice(ABSTRACT_OPENINGS).format(topic=topic),
            rng.choice(ABSTRACT_MIDDLES),
            rng.choice(ABSTRACT_ENDS),
        ]
    )


def _states(rng: random.Random) -> list[ProposalState]:
    states = [state for state, count in STATES for _ in range(count)]
    rng.shuffle(states)
    return states


def _review(rng, proposal: Proposal, reviewer: User, criteria, when: datetime) -> Review:
    quality = QUALITY[proposal.state]
    review = Review(
        proposal=proposal,
        reviewer_id=reviewer.id,
        comment=rng.choice(COMMENTS),
        created_at=when,
        updated_at=when,
    )
    for criterion in criteria:
        score = min(5, max(1, round(rng.gauss(quality, 0.8))))
        review.scores.append(ReviewScore(criterion_id=criterion.id, score=score))
    return review


def _proposals(summit: Event, call: CallForProposals, reviewers: list[User]) -> list[Proposal]:
    rng = random.Random(2027)
    tracks = list(summit.tracks)
    formats = list(call.formats)
    level, presented, link = call.questions
    speakers = _speakers(rng, 66)
    fatima = _demo_speaker()
    titles = [(t, tr, f, "sv") for t, tr, f in TITLES_SV] + [
        (t, tr, f, "en") for t, tr, f in TITLES_EN
    ]
    states = _states(rng)
    # The demo speaker has a confirmed session, a submitted proposal and a draft.
    for state, title_index in ((S.CONFIRMED, 4), (S.SUBMITTED, 53), (S.DRAFT, 69)):
        other = next(i for i, s in enumerate(states) if s is state and i not in (4, 53, 69))
        states[title_index], states[other] = states[other], states[title_index]
    owners = {4: fatima, 53: fatima, 69: fatima}
    made = []
    for index, ((title, track, form, language), state) in enumerate(
        zip(titles, states, strict=True)
    ):
        speaker = owners.get(index) or speakers[index % len(speakers)]
        submitted = SUBMITTED_FROM + timedelta(hours=rng.randint(0, 24 * 48))
        created = submitted - timedelta(days=rng.randint(0, 6), minutes=rng.randint(0, 600))
        proposal = Proposal(
            event_id=summit.id,
            call_id=call.id,
            state=state,
            title=title,
            abstract=abstract(rng, title, language == "en"),
            description="" if rng.random() < 0.5 else abstract(rng, title, language == "en"),
            format_id=formats[form].id,
            track_id=tracks[track].id,
            language=language,
            target_audience=rng.choice(AUDIENCES) if language == "sv" else "Everyone",
            answers={
                str(level.id): rng.choice(LEVELS)["key"],
                str(presented.id): rng.random() < 0.3,
            },
            submitted_by_id=speaker.id,
            created_at=created,
            updated_at=submitted,
            submitted_at=None if state is S.DRAFT else submitted,
        )
        if rng.random() < 0.25:
            proposal.answers[str(link.id)] = f"https://example.org/initiativ/{index + 1}"
        if state is S.WITHDRAWN:
            proposal.withdrawn_at = submitted + timedelta(days=rng.randint(1, 10))
        if state in (S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.CONFIRMED, S.DECLINED):
            proposal.decided_at = DECIDED_FROM + timedelta(hours=rng.randint(0, 72))
        if state is S.ACCEPTED:
            _token, proposal.response_token_hash = new_link_token()
        if state in (S.CONFIRMED, S.DECLINED):
            proposal.responded_at = proposal.decided_at + timedelta(hours=rng.randint(2, 60))
            proposal.responded_by_id = speaker.id  # who answered, as the link records it
        if language == "en":
            profile = db.session.scalar(
                select(SpeakerProfile).where(SpeakerProfile.user_id == speaker.id)
            )
            if profile is not None and speaker is not fatima:
                profile.preferred_language = "en"
        proposal.speakers.append(
            ProposalSpeaker(
                user_id=speaker.id, email=speaker.email, is_primary=True, accepted_at=created
            )
        )
        if index % 5 == 2:  # a co-speaker who said yes
            co = speakers[(index * 7 + 3) % len(speakers)]
            if co.id != speaker.id:
                proposal.speakers.append(
                    ProposalSpeaker(
                        user_id=co.id, email=co.email, invited_at=created, accepted_at=submitted
                    )
                )
        elif index % 17 == 5 and state in (S.DRAFT, S.SUBMITTED):  # one not answered yet
            _token, invitation_hash = new_link_token()
            proposal.speakers.append(
                ProposalSpeaker(
                    email=f"kollega{index}@example.org",
                    invited_at=created,
                    invitation_token_hash=invitation_hash,
                )
            )
        db.session.add(proposal)
        made.append(proposal)
    db.session.flush()
    _reviews(rng, made, reviewers, list(call.criteria))
    db.session.commit()
    return made


def _reviews(rng, proposals: list[Proposal], reviewers: list[User], criteria) -> None:
    """Decided proposals have three or four reviews; of the submitted ones, some none
    yet. The demo reviewer has scored about a third of the undecided ones, so there is
    work left for whoever signs in as her."""
    karin, *committee = reviewers
    for proposal in proposals:
        if proposal.state not in QUALITY:
            continue
        if proposal.state is S.SUBMITTED:
            if rng.random() < 0.3:
                continue
            who = rng.sample(committee, rng.randint(1, len(committee)))
            if rng.random() < 0.35:
                who.append(karin)
        else:
            who = [karin, *rng.sample(committee, rng.randint(2, len(committee)))]
        for reviewer in who:
            when = proposal.submitted_at + timedelta(days=rng.randint(1, 12))
            db.session.add(_review(rng, proposal, reviewer, criteria, when))


def _confirm(summit: Event, proposals: list[Proposal]) -> int:
    """The confirmed proposals' sessions and speaker tickets, as confirming makes them."""
    confirmed = [p for p in proposals if p.state is S.CONFIRMED]
    for proposal in confirmed:
        with unit_of_work(locks.sales(summit.id)):
            confirm_speakers(proposal, proposal.responded_at)
    return len(confirmed)


def create_demo_cfp(summit: Event) -> list[str]:
    call = _ensure_call(summit)
    reviewers = _ensure_reviewers(summit)
    has_proposals = db.session.scalar(
        select(func.count()).select_from(Proposal).where(Proposal.event_id == summit.id)
    )
    lines = ["", "Call for speakers (open until 15 February 2027, reviewed anonymously):"]
    if not has_proposals:
        proposals = _proposals(summit, call, reviewers)
        confirmed = _confirm(summit, proposals)
        lines.append(f"  {len(proposals)} proposals, {confirmed} confirmed sessions")
    lines += [
        f"  /events/{summit.slug}/speakers/                 the call (as {DEMO_SPEAKER})",
        f"  /manage/events/{summit.slug}/review/             review (as {DEMO_REVIEWER})",
        f"  /manage/events/{summit.slug}/speakers/proposals/ decisions (as an organizer)",
    ]
    return lines
