"""Session feedback: who may rate what and when, one rating per person and session, the
results (for organizers, speakers and the impact report), the personal link and the
after-event mail."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit.extensions import db as _db
from summit.models import (
    AfterEventMail,
    EventFormat,
    MailSubscription,
    OrderStatus,
    OutboxMessage,
    SessionRating,
    TicketStatus,
)
from summit.services import outbox
from summit.services.feedback import links, privacy, ratings, results, thanks_mail
from summit.services.feedback.errors import FeedbackError
from tests import checkin_world
from tests.conftest import STOCKHOLM, statements
from tests.feedback_world import BEFORE, FIRST_AFTERNOON, check_in, summit_with_attendees
from tests.smtp import running_smtp


@pytest.fixture
def world(app, db, make_event, make_user, clock):
    event = make_event(slug="summit27")
    made = summit_with_attendees(event, make_user)
    made["event"] = event
    # Published at the real time: the parsed releases are cached by id and time.
    clock.stop(FIRST_AFTERNOON)
    return made


def rate(world, ticket, name="keynote", score=4, comment=""):
    item = ratings.rateable(world["event"], world["sessions"][name].token)
    ratings.rate(ticket, item, score, comment)


def stored(db):
    return db.session.execute(
        select(SessionRating.ticket_id, SessionRating.score, SessionRating.comment).order_by(
            SessionRating.id
        )
    ).all()


def test_a_checked_in_attendee_rates_once_and_can_change_it(db, world):
    ticket = world["eva_ticket"]
    rate(world, ticket, score=2, comment="  För lång.  ")
    assert stored(db) == [(ticket.id, 2, "För lång.")]
    rate(world, ticket, score=5, comment="")  # changed their mind: the same row
    assert stored(db) == [(ticket.id, 5, "")]
    rate(world, ticket, "parallel_a", score=3)
    assert [row.score for row in stored(db)] == [5, 3]


@pytest.mark.parametrize("who", ["olle_ticket", "stina_ticket"])
def test_not_checked_in_or_undone_is_refused_and_stores_nothing(db, world, who):
    with pytest.raises(FeedbackError) as refused:
        rate(world, world[who])
    assert refused.value.reason == "not_attended" and refused.value.status == 403
    assert stored(db) == []


def test_a_cancelled_ticket_or_order_no_longer_rates(db, world):
    ticket = world["eva_ticket"]
    ticket.status = TicketStatus.REFUNDED
    db.session.commit()
    with pytest.raises(FeedbackError):
        rate(world, ticket)
    ticket.status = TicketStatus.VALID
    ticket.order.status = OrderStatus.CANCELLED
    db.session.commit()
    with pytest.raises(FeedbackError):
        rate(world, ticket)
    assert stored(db) == []


def test_online_events_need_no_check_in(db, make_event, make_user, clock):
    event = make_event(slug="online27", format=EventFormat.ONLINE)
    world = summit_with_attendees(event, make_user) | {"event": event}
    clock.stop(FIRST_AFTERNOON)
    rate(world, world["olle_ticket"], score=4)
    assert [row.score for row in stored(db)] == [4]


def test_only_started_published_sessions_that_are_not_pauses(db, world, clock):
    event = world["event"]
    with pytest.raises(FeedbackError) as refused:
        ratings.rateable(event, world["sessions"]["closing"].token)  # on the last day
    assert refused.value.reason == "not_started" and refused.value.status == 409
    for token in (world["sessions"]["lunch"].token, "no-such-session", ""):
        with pytest.raises(FeedbackError) as refused:
            ratings.rateable(event, token)
        assert refused.value.status == 404
    # A form opened before the start and sent after it was moved later: refused too.
    item = ratings.rateable(event, world["sessions"]["keynote"].token)
    clock.stop(BEFORE)
    with pytest.raises(FeedbackError):
        ratings.rate(world["eva_ticket"], item, 4)
    assert stored(db) == []
    assert [s.title for s in ratings.started_sessions(event, FIRST_AFTERNOON)] == [
        "Öppning: social innovation i Sverige",
        "Samskapande i praktiken",
        "Design för alla",
    ]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    score=st.one_of(
        st.integers(), st.none(), st.booleans(), st.text(max_size=3), st.floats(allow_nan=True)
    ),
    comment=st.one_of(st.text(max_size=10), st.none(), st.integers()),
)
def test_bad_scores_are_refused_before_anything_is_stored(db, world, score, comment):
    if isinstance(score, int) and not isinstance(score, bool) and 1 <= score <= 5:
        score = 0
    with pytest.raises(FeedbackError) as refused:
        rate(world, world["eva_ticket"], score=score, comment=comment)
    assert refused.value.status == 422
    assert db.session.scalar(select(func.count(SessionRating.id))) == 0


def test_a_comment_too_long_is_refused(db, world):
    with pytest.raises(FeedbackError) as refused:
        rate(world, world["eva_ticket"], comment="x" * (ratings.COMMENT_MAX + 1))
    assert refused.value.reason == "too_long"
    assert stored(db) == []


def _many_raters(db, world, scores):
    """Checked-in tickets rating the keynote with these scores."""
    for n, score in enumerate(scores):
        ticket = checkin_world.ticket(world["event"], world["type"], email=f"r{n}@example.org")
        check_in(ticket)
        rate(world, ticket, score=score, comment=f"Kommentar {n}" if n % 2 else "")


def test_aggregates_per_session_in_one_query(db, world):
    _many_raters(db, world, [5, 4, 4, 1])
    rate(world, world["eva_ticket"], "parallel_b", score=3)
    db.session.refresh(world["event"])  # loaded: only the report's own queries count
    with statements() as sent:
        found = results.session_aggregates(world["event"])
    assert len(sent) == 1
    by_title = {a.title: a for a in found}
    keynote = by_title["Öppning: social innovation i Sverige"]
    assert (keynote.count, keynote.mean, keynote.distribution) == (4, 3.5, (1, 0, 0, 2, 1))
    assert keynote.track == "Innovation"
    design = by_title["Design för alla"]
    assert (design.count, design.mean, design.distribution) == (1, 3.0, (0, 0, 1, 0, 0))
    assert design.track_sv == "Design"
    # Sessions without ratings are there with nothing counted; lunch is not.
    assert by_title["Avslutning"].count == 0 and by_title["Avslutning"].mean is None
    assert "Lunch" not in by_title
    rows = {r.aggregate.title: r.comments for r in results.event_results(world["event"])}
    assert rows["Öppning: social innovation i Sverige"] == ["Kommentar 1", "Kommentar 3"]


def test_a_speaker_sees_only_their_own_sessions(db, world):
    _many_raters(db, world, [2, 5])
    rate(world, world["eva_ticket"], "parallel_a", score=1, comment="Svårt att höra.")
    per = results.speaker_results(world["event"], world["per"])
    assert [(r.aggregate.title, r.aggregate.count, r.comments) for r in per] == [
        ("Samskapande i praktiken", 1, ["Svårt att höra."]),
        ("Verkstad: tjänstedesign", 0, []),
    ]
    asa = {r.aggregate.title for r in results.speaker_results(world["event"], world["asa"])}
    assert "Samskapande i praktiken" not in asa
    assert "Öppning: social innovation i Sverige" in asa
    assert results.speaker_results(world["event"], world["eva"]) == []


def test_the_personal_link_opens_only_its_own_ticket(db, world, make_event):
    ticket = world["eva_ticket"]
    url = links.rating_link(ticket)
    assert url.startswith("http://summit.test/events/summit27/program/feedback/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert links.ticket_of_link(world["event"], token) == ticket
    assert links.ticket_of_link(make_event(slug="annat"), token) is None
    for forged in (token[:-2] + "xx", "abc", token + "." + token, None, 12):
        assert links.ticket_of_link(world["event"], forged) is None
    ticket.secret = "en-ny-hemlighet-efter-en-overlatelse"  # passed on: the old link dies
    db.session.commit()
    assert links.ticket_of_link(world["event"], token) is None


def test_the_after_event_mail_goes_once_to_those_who_came(app, db, world):
    event = world["event"]
    morning_after = datetime(2027, 5, 21, 8, 0, tzinfo=STOCKHOLM)  # the summit ends 20 May
    assert thanks_mail.due_at(event) == morning_after
    assert thanks_mail.send_due_thanks(morning_after - timedelta(minutes=1)) == 0
    assert thanks_mail.send_due_thanks(morning_after, batch=1) == 1  # only Eva came
    assert thanks_mail.send_due_thanks(morning_after + timedelta(hours=2)) == 0
    check_in(world["olle_ticket"])  # a scan uploaded late: he gets it in the next round
    assert thanks_mail.send_due_thanks(morning_after + timedelta(hours=3)) == 1
    assert thanks_mail.send_due_thanks(morning_after + timedelta(days=8)) == 0
    mails = db.session.scalars(select(AfterEventMail).order_by(AfterEventMail.id)).all()
    assert [m.ticket_id for m in mails] == [world["eva_ticket"].id, world["olle_ticket"].id]

    def thanks(messages):  # (the speakers were told of the program's release too)
        return [m for m in messages if m["To"] in ("eva@example.org", "olle@example.org")]

    with running_smtp(app) as smtp:
        outbox.deliver_pending()
        assert smtp.wait_for(lambda messages: len(thanks(messages)) == 2)
        received = sorted(thanks(smtp.messages), key=lambda m: m["To"])
    assert [m["To"] for m in received] == ["eva@example.org", "olle@example.org"]
    assert received[0]["Subject"] == "Tack för att du kom till Testevenemang"
    body = received[0].get_body(("plain",)).get_content()
    assert links.rating_link(world["eva_ticket"]) in body
    assert all(m.outbox_message_id for m in mails)


def test_a_second_worker_claims_nothing_already_claimed(db, world):
    morning_after = datetime(2027, 5, 21, 9, 0, tzinfo=STOCKHOLM)
    ids = [world["eva_ticket"].id]
    assert thanks_mail._claim_and_queue(world["event"].id, ids, morning_after) == 1
    # The other worker read the same tickets before the first committed.
    assert thanks_mail._claim_and_queue(world["event"].id, ids, morning_after) == 0
    tack = select(func.count(OutboxMessage.id)).where(OutboxMessage.subject.startswith("Tack"))
    assert db.session.scalar(tack) == 1


def test_export_and_erase_keep_the_score_only(db, world):
    rate(world, world["eva_ticket"], score=4, comment="Bra!")
    rate(world, world["eva_ticket"], "parallel_a", score=2)
    _many_raters(db, world, [5])
    thanks_mail._claim_and_queue(world["event"].id, [world["eva_ticket"].id], FIRST_AFTERNOON)
    rows = privacy.export_person("EVA@example.org")
    assert [(r["Kind"], r.get("Score (1–5)"), r.get("Comment")) for r in rows] == [
        ("Session rating", "4", "Bra!"),
        ("Session rating", "2", ""),
        ("After-event mail (thank you, rating link)", None, None),
    ]
    assert rows[0]["Session"] == "Öppning: social innovation i Sverige"
    kept = privacy.erase_person("eva@example.org")
    assert kept.startswith("2 programbetyg finns kvar som enbart betyg")
    assert privacy.export_person("eva@example.org") == []
    assert sorted((row.ticket_id is None, row.score, row.comment) for row in stored(db)) == [
        (False, 5, ""),
        (True, 2, ""),
        (True, 4, ""),
    ]
    assert _db.session.scalar(select(func.count(AfterEventMail.id))) == 0
    assert privacy.erase_person("eva@example.org") == ""
    assert privacy.erase_person("") == "" and privacy.export_person(" ") == []


def test_no_after_event_mail_to_an_address_that_unsubscribed(db, world):
    db.session.add(MailSubscription(email="eva@example.org", unsubscribed_at=FIRST_AFTERNOON))
    check_in(world["olle_ticket"])
    morning_after = datetime(2027, 5, 21, 8, 0, tzinfo=STOCKHOLM)
    assert thanks_mail.send_due_thanks(morning_after) == 1  # Olle's only
    assert thanks_mail.send_due_thanks(morning_after) == 0  # and Eva is not asked again
    to = db.session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.subject.startswith("Tack"))
    ).all()
    assert to == ["olle@example.org"]
