"""Next year from this year (issue 16.6): the demo summit copied as next year's draft,
its set-up moved by the difference in start dates, none of its people or orders."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from summit.models import (
    CallForProposals,
    Checkin,
    EventRole,
    EventStatus,
    Order,
    ProgramDay,
    ProgramSession,
    Proposal,
    Role,
    Room,
    Ticket,
    TicketType,
    Track,
    User,
)
from summit.models.cfp import AccessCode, DecisionKind, DecisionTemplate
from summit.services.event_copy import copy_event
from summit.services.events import EventError, get_event

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def count(db, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def local(moment):
    return moment.astimezone(STOCKHOLM)


def test_the_summit_copied_as_next_years_draft(db, demo):
    source = get_event("summit2027")
    organizer = db.session.scalar(select(User).where(User.email == "arrangor@example.org"))
    starts_on = local(source.starts_at).date() + timedelta(days=364)  # same weekday
    # Early-bird sales that end at 23:59 in winter time, and a decision mail text.
    early = db.session.scalars(select(TicketType).where(TicketType.event_id == source.id)).first()
    early.sale_ends_at = datetime(2027, 2, 28, 23, 59, tzinfo=STOCKHOLM)
    call = db.session.scalar(select(CallForProposals).where(CallForProposals.event_id == source.id))
    db.session.add(
        DecisionTemplate(
            call=call, kind=DecisionKind.ACCEPTED, locale="sv", subject="Välkommen", body="Hej!"
        )
    )
    db.session.commit()
    before = {m: count(db, m) for m in (Order, Ticket, Proposal, ProgramSession, Checkin)}

    made = copy_event(source, "summit2028", starts_on, name_sv="Summit 2028", by=organizer)

    db.session.expire_all()
    made, source = get_event("summit2028"), get_event("summit2027")
    assert made.status is EventStatus.DRAFT and made.name_sv == "Summit 2028"
    assert made.name_en == source.name_en and made.accent_color == source.accent_color
    assert local(made.starts_at).date() == starts_on
    assert local(made.starts_at).time() == local(source.starts_at).time()
    assert made.ends_at - made.starts_at == source.ends_at - source.starts_at
    if source.logo:
        assert made.logo == source.logo and made.logo_token != source.logo_token

    # Ticket types: the same, their sales moved by 364 days at the same local time.
    def types(event):
        return db.session.scalars(
            select(TicketType).where(TicketType.event_id == event.id).order_by(TicketType.id)
        ).all()

    old, new = types(source), types(made)
    assert local(new[0].sale_ends_at) == datetime(2028, 2, 27, 23, 59, tzinfo=STOCKHOLM)
    assert [(t.name_sv, t.price, t.capacity, t.vat_percent) for t in new] == [
        (t.name_sv, t.price, t.capacity, t.vat_percent) for t in old
    ]
    for was, now in zip(old, new, strict=True):
        for field in ("sale_starts_at", "sale_ends_at"):
            if getattr(was, field) is None:
                assert getattr(now, field) is None
            else:
                moved = local(getattr(was, field)) + timedelta(days=364)
                assert local(getattr(now, field)) == moved
                assert local(getattr(now, field)).time() == local(getattr(was, field)).time()

    for model in (Room, Track, ProgramDay):
        assert count(db, model, event_id=made.id) == count(db, model, event_id=source.id) > 0
    days = db.session.scalars(select(ProgramDay).where(ProgramDay.event_id == made.id)).all()
    assert {d.day - timedelta(days=364) for d in days} == {
        d.day
        for d in db.session.scalars(select(ProgramDay).where(ProgramDay.event_id == source.id))
    }

    # The call for speakers: its set-up, its speakers' ticket type the copy's own.
    call = db.session.scalar(select(CallForProposals).where(CallForProposals.event_id == made.id))
    old_call = db.session.scalar(
        select(CallForProposals).where(CallForProposals.event_id == source.id)
    )
    assert local(call.closes_at) == local(old_call.closes_at) + timedelta(days=364)
    assert [q.label_sv for q in call.questions] == [q.label_sv for q in old_call.questions]
    assert [f.name_sv for f in call.formats] == [f.name_sv for f in old_call.formats]
    assert [c.name_sv for c in call.criteria] == [c.name_sv for c in old_call.criteria]
    if old_call.speaker_ticket_type is not None:
        assert call.speaker_ticket_type.event_id == made.id
        assert call.speaker_ticket_type.name_sv == old_call.speaker_ticket_type.name_sv
    texts = db.session.scalars(select(DecisionTemplate).where(DecisionTemplate.call_id == call.id))
    assert [(t.kind, t.subject, t.body) for t in texts] == [
        (DecisionKind.ACCEPTED, "Välkommen", "Hej!")
    ]
    assert count(db, AccessCode, call_id=call.id) == 0

    # No people, no orders: only whoever copied it, as its organizer.
    assert [
        (r.user_id, r.role)
        for r in db.session.scalars(select(EventRole).where(EventRole.event_id == made.id))
    ] == [(organizer.id, Role.ORGANIZER)]
    assert count(db, Order, event_id=made.id) == 0
    assert {m: count(db, m) for m in before} == before  # the source keeps all it had


@pytest.mark.parametrize(
    ("slug", "reason"),
    [("summit2027", "taken"), ("Summit 2028", "bad_slug"), ("-x", "bad_slug"), ("", "bad_slug")],
)
def test_a_taken_or_malformed_address_is_refused_and_nothing_written(db, demo, slug, reason):
    source = get_event("summit2027")
    events = count(db, TicketType)
    with pytest.raises(EventError) as refused:
        copy_event(source, slug, date(2028, 5, 16))
    assert refused.value.reason == reason and refused.value.field == "slug"
    assert count(db, TicketType) == events


def test_the_command_copies_and_says_what_it_made(app, db, demo):
    runner = app.test_cli_runner()
    done = runner.invoke(
        args=["events", "copy", "summit2027", "summit2028", "--starts", "2028-05-16"]
    )
    assert done.exit_code == 0, done.output
    assert done.output.startswith("summit2028: a draft from 2028-05-1")
    refused = runner.invoke(args=["events", "copy", "summit2027", "x", "--starts", "16 maj"])
    assert refused.exit_code == 2 and "16 maj" in refused.output
    again = runner.invoke(
        args=["events", "copy", "summit2027", "summit2028", "--starts", "2028-05-16"]
    )
    assert again.exit_code == 1 and "slug:" in again.output


def test_registration_questions_are_copied_with_their_links_remapped(db, demo):
    from summit.models import Answer, Question

    source = get_event("summit2027")
    student = db.session.scalar(
        select(TicketType).where(TicketType.event_id == source.id, TicketType.name_sv == "Student")
    )
    diet = db.session.scalar(
        select(Question).where(Question.event_id == source.id, Question.key == "kost")
    )
    diet.ticket_types = [student]
    db.session.commit()
    answers = count(db, Answer)

    copy_event(source, "summit2028", local(source.starts_at).date() + timedelta(days=364))

    db.session.expire_all()
    made, source = get_event("summit2028"), get_event("summit2027")

    def asked(event):
        return {
            q.key: q
            for q in db.session.scalars(
                select(Question).where(Question.event_id == event.id).order_by(Question.position)
            )
        }

    old, new = asked(source), asked(made)
    assert list(new) == list(old) == ["sektor", "sektor_annat", "kost", "tillganglighet", "foto"]
    for key, question in new.items():
        was = old[key]
        assert question.id != was.id
        assert (question.kind, question.label_sv, question.label_en, question.choices) == (
            was.kind,
            was.label_sv,
            was.label_en,
            was.choices,
        )
        assert (question.required, question.scope, question.data_class) == (
            was.required,
            was.scope,
            was.data_class,
        )
    # The condition points at the copy's sektor, the ticket type at the copy's Student.
    assert new["sektor_annat"].depends_on_id == new["sektor"].id
    assert new["sektor_annat"].depends_on_value == "annat"
    assert [(t.event_id, t.name_sv) for t in new["kost"].ticket_types] == [(made.id, "Student")]
    assert count(db, Answer) == answers  # answers are people's: not copied


def test_add_ons_and_approval_settings_are_copied_with_dates_moved(
    db, make_event, make_ticket_type
):
    from summit.models import Addon, TicketAddon

    source = make_event(slug="forum2027")
    regular = make_ticket_type(source, "Ordinarie")
    make_ticket_type(source, "Reducerat pris", requires_approval=True, approval_hold_hours=24)
    dinner = Addon(
        event=source,
        name_sv="Konferensmiddag",
        name_en="Conference dinner",
        price=67200,
        vat_percent=12,
        capacity=120,
        badge_label="Middag",
        sale_ends_at=datetime(2027, 5, 10, 12, 0, tzinfo=STOCKHOLM),
        ticket_types=[regular],
    )
    visit = Addon(event=source, name_sv="Studiebesök", price=0, vat_percent=25, capacity=30)
    db.session.add_all([dinner, visit])
    db.session.commit()
    starts_on = local(source.starts_at).date() + timedelta(days=364)

    made = copy_event(source, "forum2028", starts_on)

    db.session.expire_all()
    made = get_event("forum2028")
    copied = {
        t.name_sv: t
        for t in db.session.scalars(select(TicketType).where(TicketType.event_id == made.id))
    }
    assert copied["Reducerat pris"].requires_approval is True
    assert copied["Reducerat pris"].approval_hold_hours == 24
    assert copied["Ordinarie"].requires_approval is False
    addons = db.session.scalars(
        select(Addon).where(Addon.event_id == made.id).order_by(Addon.id)
    ).all()
    assert [(a.name_sv, a.price, a.vat_percent, a.capacity, a.badge_label) for a in addons] == [
        ("Konferensmiddag", 67200, 12, 120, "Middag"),
        ("Studiebesök", 0, 25, 30, ""),
    ]
    assert local(addons[0].sale_ends_at) == datetime(2028, 5, 8, 12, 0, tzinfo=STOCKHOLM)
    assert [t.id for t in addons[0].ticket_types] == [copied["Ordinarie"].id]
    assert addons[1].ticket_types == []
    assert count(db, Addon, event_id=source.id) == 2 and count(db, TicketAddon) == 0
