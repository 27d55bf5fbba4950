"""`flask demo` builds a realistic summit, and running it twice adds nothing."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from summit.models import (
    BadgeRole,
    CallForProposals,
    Checkin,
    CheckinList,
    Event,
    EventKind,
    EventRole,
    Order,
    OrderStatus,
    ProgramSession,
    Proposal,
    ProposalState,
    Review,
    ReviewScore,
    Role,
    Room,
    Station,
    Ticket,
    TicketType,
    Track,
    User,
)
from summit.services.tickets import waitlist


def counts(db):
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Event,
            CallForProposals,
            Proposal,
            Review,
            ReviewScore,
            ProgramSession,
            Room,
            Track,
            User,
            EventRole,
            TicketType,
            Order,
            Ticket,
            Station,
            Checkin,
        )
    }


def test_demo_is_complete_and_idempotent(app, db, demo):
    assert "admin@example.org" in demo and "demo-summit-2027" in demo
    after_first = counts(db)
    second = app.test_cli_runner().invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts(db) == after_first

    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    assert summit.kind is EventKind.SUMMIT and summit.is_published
    assert len(summit.days) == 3
    assert len(summit.rooms) == 6
    assert {"Civilsamhälle", "Offentlig sektor", "Social ekonomi"} <= {
        t.name_sv for t in summit.tracks
    }
    seminars = db.session.scalars(select(Event).where(Event.kind == EventKind.SEMINAR)).all()
    assert len(seminars) == 2
    assert all(s.stream_url for s in seminars if s.format.has_stream)
    roles = {grant.role for grant in summit.roles}
    assert roles == {Role.ORGANIZER, Role.REVIEWER, Role.DOOR}
    assert db.session.scalars(select(User).where(User.is_site_admin)).one()

    # Ticket types and about 200 paid (or invoiced) attendees, registrations on seminars.
    types = {
        t.name_sv: t
        for t in db.session.scalars(select(TicketType).where(TicketType.event_id == summit.id))
    }
    assert {"Ordinarie", "Offentlig sektor", "Ideell organisation", "Student", "Talare"} <= set(
        types
    )
    # The speakers' badges say so; everyone else's "deltagare".
    assert types["Talare"].badge_role is BadgeRole.SPEAKER
    assert types["Ordinarie"].badge_role is BadgeRole.ATTENDEE
    tickets = db.session.scalars(
        select(Ticket)
        .join(Order)
        .where(
            Order.event_id == summit.id, Order.status.in_([OrderStatus.PAID, OrderStatus.INVOICED])
        )
    ).all()
    # 200 bought, and the sold-out pre-conference day's 12 (three people wait for it);
    # the confirmed speakers' complimentary tickets come with the call.
    pre_day = types["Förkonferens: workshopdag"]
    bought = [t for t in tickets if t.ticket_type_id not in (types["Talare"].id, pre_day.id)]
    assert len(bought) == 200
    assert sum(t.ticket_type_id == pre_day.id for t in tickets) == pre_day.capacity == 12
    assert [t.name for t in waitlist.full_types(summit)] == [pre_day.name]
    line = waitlist.waiting_lists(summit)[pre_day]
    assert [row.place for row in line] == [1, 2, 3]
    assert all(t.attendee_name and t.attendee_organisation for t in tickets)
    for seminar in seminars:
        assert (
            db.session.scalar(
                select(func.count()).select_from(Order).where(Order.event_id == seminar.id)
            )
            > 0
        )


def test_demo_has_stations_and_people_checked_in(app, db, demo):
    assert demo.count("/events/summit2027/checkin/station#") == 2
    stations = db.session.scalars(select(Station).order_by(Station.name)).all()
    assert [(s.name, s.prints_badges) for s in stations] == [
        ("Entré A", False),
        ("Registrering", True),
    ]
    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    checked_in = (
        select(func.count())
        .select_from(Checkin)
        .join(Checkin.checkin_list)
        .where(CheckinList.event_id == summit.id)
    )
    assert db.session.scalar(checked_in) == 60


def test_demo_has_an_open_call_with_proposals_in_every_state(app, db, demo):
    from summit.services.cfp.reviews import proposals_to_review
    from summit.services.cfp.speakers import profile_of
    from summit.services.program.snapshot import scheduled_speakers

    summit = db.session.scalars(select(Event).where(Event.slug == "summit2027")).one()
    call = db.session.scalars(
        select(CallForProposals).where(CallForProposals.event_id == summit.id)
    ).one()
    assert call.event_id == summit.id and call.anonymous_review
    assert call.is_open(datetime(2027, 1, 15, 12, 0, tzinfo=UTC))
    assert [(f.name_sv, f.duration_minutes) for f in call.formats] == [
        ("Föredrag", 20),
        ("Workshop", 90),
        ("Panelsamtal", 45),
    ]
    assert len(call.questions) == 3 and len(call.criteria) == 3
    per_state = dict(
        db.session.execute(select(Proposal.state, func.count()).group_by(Proposal.state)).all()
    )
    assert per_state == {
        ProposalState.DRAFT: 8,
        ProposalState.SUBMITTED: 30,
        ProposalState.ACCEPTED: 8,
        ProposalState.WAITLISTED: 6,
        ProposalState.REJECTED: 10,
        ProposalState.CONFIRMED: 12,
        ProposalState.DECLINED: 3,
        ProposalState.WITHDRAWN: 3,
    }
    proposals = db.session.scalars(select(Proposal)).all()
    assert all(p.track_id and p.format_id for p in proposals)
    assert len({p.title for p in proposals}) == 80
    # Reviews with a score on every criterion, on submitted and decided proposals only.
    reviews = db.session.scalars(select(Review)).all()
    assert len(reviews) > 100
    assert all(len(r.scores) == 3 for r in reviews)
    assert {r.proposal.state for r in reviews} <= {
        ProposalState.SUBMITTED,
        ProposalState.ACCEPTED,
        ProposalState.WAITLISTED,
        ProposalState.REJECTED,
        ProposalState.CONFIRMED,
        ProposalState.DECLINED,
    }
    # The demo reviewer has scored some and has some left to score.
    karin = db.session.scalars(select(User).where(User.email == "granskare@example.org")).one()
    to_review = proposals_to_review(karin, summit)
    scored = [p for p in to_review if any(r.reviewer_id == karin.id for r in p.reviews)]
    assert 10 < len(scored) < len(to_review)
    # Confirmed: their sessions, speakers with a speaker ticket.
    confirmed = [p for p in proposals if p.state is ProposalState.CONFIRMED]
    # (The demo program places them: tests/unit/test_demo_program.py.)
    sessions = db.session.scalars(
        select(ProgramSession).where(ProgramSession.proposal_id.is_not(None))
    ).all()
    assert {s.proposal_id for s in sessions} == {p.id for p in confirmed}
    speaker_emails = {s.email for p in confirmed for s in p.accepted_speakers}
    speaker_tickets = db.session.scalars(
        select(Ticket).join(TicketType).where(TicketType.name_sv == "Talare")
    ).all()
    # ...and so has everyone speaking in the published program (keynotes too).
    in_program = {u.email for u in scheduled_speakers(summit)}
    assert {t.attendee_email for t in speaker_tickets} == speaker_emails | in_program
    # The demo speaker has a confirmed session, a submitted proposal and a draft.
    fatima = db.session.scalars(select(User).where(User.email == "talare@example.org")).one()
    mine = {p.state for p in proposals if p.submitted_by_id == fatima.id}
    assert mine == {ProposalState.CONFIRMED, ProposalState.SUBMITTED, ProposalState.DRAFT}
    assert profile_of(fatima).organisation == "Fryshuset"
    assert fatima.email in speaker_emails


def test_demo_summit_asks_sektor_and_its_attendees_answered(app, db, demo):
    from summit.models import Answer, Question, TicketStatus
    from summit.services.tickets import answers, questions

    summit = db.session.scalar(select(Event).where(Event.slug == "summit2027"))
    asked = {q.key: q for q in questions.active_questions(summit)}
    assert list(asked) == ["sektor", "sektor_annat", "kost", "tillganglighet", "foto"]
    sektor = asked["sektor"]
    assert sektor.required and sektor.scope.value == "attendee"
    assert sektor.choice_keys == ["akademi", "naringsliv", "offentlig", "ideburen", "annat"]
    assert sektor.choice_label("ideburen") == "Idéburen sektor / civilsamhälle"
    assert [c["en"] for c in sektor.choices][2] == "Public sector"
    assert asked["sektor_annat"].depends_on_id == sektor.id
    assert {asked[k].data_class.value for k in ("kost", "tillganglighet")} == {"sensitive"}
    assert asked["foto"].kind.value == "consent"
    # Every confirmed ticket has a sektor, spread over all five; "annat" says which.
    per_sector = {
        key: len(answers.attendees_matching(summit, "sektor", key)) for key in sektor.choice_keys
    }
    confirmed = db.session.scalar(
        select(func.count(Ticket.id))
        .join(Order)
        .where(
            Order.event_id == summit.id,
            Order.status.in_(OrderStatus.CONFIRMED),
            Ticket.status == TicketStatus.VALID,  # one was cancelled (a credit note)
        )
    )
    assert sum(per_sector.values()) == confirmed and min(per_sector.values()) >= 3
    others = db.session.scalar(
        select(func.count(Answer.id)).where(Answer.question_id == asked["sektor_annat"].id)
    )
    assert others == per_sector["annat"]
    assert db.session.scalar(select(func.count(Question.id))) >= 5


def test_demo_summit_sells_add_ons_and_has_applications_waiting(db, demo):
    from summit.models import Addon
    from summit.services.events import get_event
    from summit.services.tickets import addons, approval

    summit = get_event("summit2027")
    sold = {row.addon.name_sv: row for row in addons.addon_sales(summit)}
    dinner = sold["Konferensmiddag"]
    assert dinner.addon.capacity == 250 and dinner.addon.badge_label == "Middag"
    assert dinner.sold == 60 and dinner.left == 190
    assert sold["Studiebesök: Mötesplats Rosengård"].sold == 12
    assert len(addons.tickets_with_addon(summit, dinner.addon)) == 60
    waiting = approval.applications(summit)
    assert [o.buyer_name for o in waiting][:2] == ["Lars Ängström", "Mohammed Hassan"]
    assert all(o.tickets[0].ticket_type.requires_approval for o in waiting)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Addon).where(Addon.event_id == summit.id)
        )
        == 2
    )


def test_demo_has_last_years_summit_over_for_the_impact_report(db, demo):
    from summit.services.accounts import find_user
    from summit.services.events import get_event
    from summit.services.impact import impact_report
    from summit.services.impact.report import comparable_events

    last, summit = get_event("summit2026"), get_event("summit2027")
    assert last.is_published and last.ends_at < summit.starts_at
    report = impact_report(last)
    assert report.begun and report.registered == 180
    assert 0 < report.no_shows < report.registered
    days = [row.attended for row in report.breakdown("day").rows]
    assert days == sorted(days, reverse=True) and days[-1] > 0  # fewer each day
    assert sum(r.registered for r in report.breakdown("sector").rows) == 180
    # This year's organizer sets this year against last year's by default.
    assert comparable_events(summit, find_user("arrangor@example.org"))[0] == last
    assert impact_report(summit).returning > 0


def test_demo_summit_has_a_survey_with_answers_and_a_follow_up(app, db, demo, client):
    from summit.models import Survey, SurveyStatus
    from summit.services.surveys import results

    surveys = db.session.scalars(select(Survey).order_by(Survey.id)).all()
    assert [s.status for s in surveys] == [SurveyStatus.SENT, SurveyStatus.DRAFT]
    assert surveys[1].follows_id == surveys[0].id
    found = results.survey_results(surveys[0])
    assert found.sent >= 20 and 0.4 < found.response_rate < 0.6
    by_key = {r.question.key: r for r in found.questions}
    assert 3 <= by_key["helhet"].mean <= 5
    assert by_key["med_dig"].texts
    link = next(line for line in demo.splitlines() if "/survey/" in line).split()[-1]
    assert client.get(link).status_code == 200
