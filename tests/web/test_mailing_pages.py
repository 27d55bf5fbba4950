"""The organizers' group mail pages: write a mailing, see who gets it and a sample,
send it once (a second click sends nothing more), send again only by choice, read the
log; garbage is answered 4xx and changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import Mailing, MailingStatus, OutboxMessage, Role, utcnow
from summit.services.mailings import sending
from tests import mail_world
from tests.conftest import csrf_token

BASE = "/manage/events/summit2027/mail"


@pytest.fixture
def world(db, make_event, make_user, make_call, make_proposal, make_profile):
    return mail_world.build(make_user, make_call, make_proposal, make_profile, make_event)


@pytest.fixture
def organizer(client, world, make_user, grant, login):
    user = grant(
        make_user("arrangor@example.org", name="Åsa Arrangör"), world.event, Role.ORGANIZER
    )
    login(user)
    return client


def form(client, path, **fields):
    return {"csrf_token": csrf_token(client, path), **fields}


def mailings(db):
    db.session.expire_all()
    return db.session.scalars(select(Mailing)).all()


def test_write_preview_send_once_and_read_the_log(organizer, world, db):
    page = organizer.get(f"{BASE}/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "{namn}" in html and "{orderlänk}" in html and "{evenemang}" in html
    answer = organizer.post(
        f"{BASE}/new",
        data=form(
            organizer,
            f"{BASE}/new",
            subject_sv="Workshop i morgon, {namn}",
            body_sv="Hej {namn}!\n\nVi ses på {evenemang}.",
            subject_en="Workshop tomorrow",
            body_en="Hello {name}!",
            attendees="y",
            checked_in="any",
            sessions=str(world.workshop.id),
        ),
    )
    assert answer.status_code == 303
    [mailing] = mailings(db)
    shown = organizer.get(answer.location)
    html = shown.get_data(as_text=True)
    assert "2 personer får det" in html
    assert "johan@example.org" in html and "mo@example.org" in html
    assert "asa@example.org" not in html
    assert "Workshop i morgon, Johan Ängström" in html or "Workshop i morgon, Mohammed Ali" in html

    send = f"{BASE}/{mailing.id}/send"
    token = csrf_token(organizer, answer.location)
    assert organizer.post(send, data={"csrf_token": token, "when": "now"}).status_code == 303
    again = organizer.post(send, data={"csrf_token": token, "when": "now"})
    # The double click: nothing more is sent, and the browser lands where the first
    # click went, told the same (it used to get a 422 page without a word of why).
    assert again.status_code == 303 and again.location.endswith(f"/{mailing.id}/")
    assert "Utskicket skickas." in organizer.get(again.location).get_data(as_text=True)
    assert sending.send_due_mailings() == 2
    group_mail = select(func.count(OutboxMessage.id)).where(
        OutboxMessage.subject.contains("Workshop")
    )
    assert db.session.scalar(group_mail) == 2

    log = organizer.get(f"{BASE}/{mailing.id}/log").get_data(as_text=True)
    assert "johan@example.org" in log and "Väntar" in log

    # Again: only by choice; everyone needs the box ticked.
    resend = f"{BASE}/{mailing.id}/resend"
    token = csrf_token(organizer, answer.location)
    refused = organizer.post(resend, data={"csrf_token": token, "mode": "everyone"})
    assert refused.status_code == 422
    assert "Kryssa i rutan" in refused.get_data(as_text=True)
    assert mailings(db)[0].round == 1
    ok = organizer.post(resend, data={"csrf_token": token, "mode": "everyone", "confirm": "y"})
    assert ok.status_code == 303
    assert sending.send_due_mailings() == 2
    assert mailings(db)[0].round == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"subject_sv": "", "body_sv": "Hej"},
        {"subject_sv": "Hej", "body_sv": "Hej {nman}"},
        {"subject_sv": "Hej", "body_sv": "Hej", "attendees": ""},  # nobody
        {"subject_sv": "Hej", "body_sv": "Hej", "ticket_types": "999999"},
        {"subject_sv": "Hej", "body_sv": "Hej", "sessions": "x"},
        {"subject_sv": "Hej", "body_sv": "Hej", "checked_in": "kanske"},
        {"subject_sv": "Hej", "body_sv": "Hej", "essential": "y", "essential_reason": ""},
        {"subject_sv": "Hej\x00", "body_sv": "Hej"},
        {"subject_sv": "x" * 201, "body_sv": "Hej"},
    ],
)
def test_garbage_in_the_form_is_422_and_nothing_is_stored(organizer, db, fields):
    data = {"attendees": "y", "checked_in": "any", **fields}
    answer = organizer.post(f"{BASE}/new", data=form(organizer, f"{BASE}/new", **data))
    assert answer.status_code == 422
    assert mailings(db) == []


def test_sending_garbage_is_422_and_sends_nothing(organizer, world, db):
    mailing = mail_world.mailing(world)
    page = f"{BASE}/{mailing.id}/"
    token = csrf_token(organizer, page)
    send = f"{BASE}/{mailing.id}/send"
    for data in (
        {},
        {"when": "soon"},
        {"when": "later"},  # no time
        {"when": "later", "send_at": "igår"},
        {"when": "later", "send_at": "2020-01-01T10:00"},  # past
    ):
        assert organizer.post(send, data={"csrf_token": token, **data}).status_code == 422
    assert organizer.post(send, data={"when": "now"}).status_code in (400, 422)  # no CSRF
    resend = f"{BASE}/{mailing.id}/resend"
    assert organizer.post(resend, data={"csrf_token": token, "mode": "missing"}).status_code == 422
    assert mailings(db)[0].status is MailingStatus.DRAFT
    assert sending.send_due_mailings() == 0


def test_a_scheduled_mailing_can_be_taken_back(organizer, world, db):
    mailing = mail_world.mailing(world)
    token = csrf_token(organizer, f"{BASE}/{mailing.id}/")
    when = (utcnow() + timedelta(days=2)).astimezone(world.event.tz).strftime("%Y-%m-%dT%H:%M")
    answer = organizer.post(
        f"{BASE}/{mailing.id}/send", data={"csrf_token": token, "when": "later", "send_at": when}
    )
    assert answer.status_code == 303
    assert mailings(db)[0].status is MailingStatus.SCHEDULED
    assert "Schemalagt" in organizer.get(f"{BASE}/").get_data(as_text=True)
    back = organizer.post(f"{BASE}/{mailing.id}/unschedule", data={"csrf_token": token})
    assert back.status_code == 303
    assert mailings(db)[0].status is MailingStatus.DRAFT


def test_another_events_mailing_is_404(organizer, world, db, make_event):
    other = make_event(slug="annat")
    from summit.services.mailings.recipients import Selection

    theirs = sending.save_mailing(other, mail_world.data(Selection(attendees=True)))
    assert organizer.get(f"{BASE}/{theirs.id}/").status_code == 404
    assert organizer.get(f"{BASE}/{theirs.id}/log").status_code == 404
    token = csrf_token(organizer, f"{BASE}/")
    assert (
        organizer.post(
            f"{BASE}/{theirs.id}/send", data={"csrf_token": token, "when": "now"}
        ).status_code
        == 404
    )
    assert mailings(db)[0].status is MailingStatus.DRAFT


def test_a_sent_mailing_cannot_be_edited(organizer, world, db):
    mailing = mail_world.mailing(world)
    sending.send(mailing)
    sending.send_due_mailings()
    answer = organizer.get(f"{BASE}/{mailing.id}/edit")
    assert answer.status_code == 303
    token = csrf_token(organizer, f"{BASE}/{mailing.id}/")
    posted = organizer.post(
        f"{BASE}/{mailing.id}/edit",
        data={"csrf_token": token, "subject_sv": "Ändrad", "body_sv": "x", "attendees": "y"},
    )
    assert posted.status_code == 303
    assert mailings(db)[0].subject_sv == "Välkommen till {evenemang}"


def test_the_recipients_and_the_log_are_paged(organizer, world, db):
    from tests import checkin_world

    for n in range(50):
        checkin_world.ticket(
            world.event, world.ordinary, name=f"Öberg {n:02d}", email=f"p{n:02d}@example.org"
        )
    mailing = mail_world.mailing(world)
    first = organizer.get(f"{BASE}/{mailing.id}/").get_data(as_text=True)
    assert "55 personer får det" in first and "Sida 1 av 2" in first
    second = organizer.get(f"{BASE}/{mailing.id}/?page=2").get_data(as_text=True)
    assert second.count("Visa exempel för") == 5
    assert organizer.get(f"{BASE}/{mailing.id}/?page=3").status_code == 404
    sending.send(mailing)
    sending.send_due_mailings()
    log = organizer.get(f"{BASE}/{mailing.id}/log?page=2").get_data(as_text=True)
    assert "55 rader" in log and log.count("<tr>") == 1 + 5
    assert organizer.get(f"{BASE}/{mailing.id}/log?page=3").status_code == 404


def test_the_waiting_list_can_be_chosen_alone(organizer, world, db):
    answer = organizer.post(
        f"{BASE}/new",
        data=form(organizer, f"{BASE}/new", subject_sv="Plats?", body_sv="Hej {namn}", waiting="y"),
    )
    assert answer.status_code == 303
    [mailing] = mailings(db)
    assert mailing.criteria["waiting"] is True and mailing.criteria["attendees"] is False
    assert "Väntelistan" in organizer.get(answer.location).get_data(as_text=True)


def test_attendees_can_be_narrowed_to_an_addon(organizer, world, db):
    from summit.models import Addon

    dinner = Addon(event_id=world.event.id, name_sv="Konferensmiddag", price=50000)
    db.session.add(dinner)
    db.session.commit()
    assert "Konferensmiddag" in organizer.get(f"{BASE}/new").get_data(as_text=True)
    fields = {"subject_sv": "Middag", "body_sv": "Hej", "attendees": "y", "checked_in": "any"}
    refused = organizer.post(
        f"{BASE}/new", data=form(organizer, f"{BASE}/new", addons="999999", **fields)
    )
    assert refused.status_code == 422 and mailings(db) == []
    answer = organizer.post(
        f"{BASE}/new", data=form(organizer, f"{BASE}/new", addons=str(dinner.id), **fields)
    )
    assert answer.status_code == 303
    assert mailings(db)[0].criteria["criteria"] == {"addons": [dinner.id]}
    assert "tillägg: Konferensmiddag" in organizer.get(answer.location).get_data(as_text=True)
