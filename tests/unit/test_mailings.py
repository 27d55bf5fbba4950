"""Mail to attendee groups (issue 16.5): who a mailing reaches, what each gets, once per
address per round, at the time set, and unsubscribes honoured only where they may be."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    DeliveryStatus,
    Mailing,
    MailingRecipient,
    MailingStatus,
    MailSubscription,
    OutboxMessage,
    ResendMode,
    utcnow,
)
from summit.services.mailings import sending
from summit.services.mailings import unsubscribe as subscriptions
from summit.services.mailings.errors import MailingError
from summit.services.mailings.recipients import (
    CheckedIn,
    Selection,
    SignedUpFor,
    TicketTypeIs,
    recipients,
)
from summit.services.outbox import deliver_pending
from tests import mail_world
from tests.smtp import running_smtp


@pytest.fixture
def world(db, make_event, make_user, make_call, make_proposal, make_profile):
    return mail_world.build(make_user, make_call, make_proposal, make_profile, make_event)


def names(world, selection):
    return sorted(r.name for r in recipients(world.event, selection))


def test_each_criterion_narrows_the_attendees_and_they_combine(world):
    everyone = ["Eva Smith", "Johan Ängström", "Karin Åberg", "Mohammed Ali", "Åsa Öberg-Lindqvist"]
    assert names(world, Selection(attendees=True)) == everyone
    students = TicketTypeIs((world.student.id,))
    assert names(world, Selection(True, (students,))) == ["Johan Ängström", "Karin Åberg"]
    assert names(world, Selection(True, (CheckedIn(True),))) == ["Åsa Öberg-Lindqvist"]
    assert "Åsa Öberg-Lindqvist" not in names(world, Selection(True, (CheckedIn(False),)))
    workshop = SignedUpFor((world.workshop.id,))
    assert names(world, Selection(True, (workshop,))) == ["Johan Ängström", "Mohammed Ali"]
    assert names(world, Selection(True, (students, workshop))) == ["Johan Ängström"]


def test_speakers_are_the_confirmed_ones_and_an_address_gets_one_mail(world):
    speakers = recipients(world.event, Selection(speakers=True))
    assert sorted(r.email for r in speakers) == ["mo@example.org", "talare@example.org"]
    assert {r.email: r.locale for r in speakers}["talare@example.org"] == "en"
    both = recipients(world.event, Selection(attendees=True, speakers=True))
    emails = [r.email for r in both]
    assert len(emails) == len(set(emails)) == 6
    # Mo is an attendee first: the attendee's name and order link.
    mo = next(r for r in both if r.email == "mo@example.org")
    assert mo.name == "Mohammed Ali" and "/orders/" in mo.link


def test_a_selection_from_json_refuses_garbage(world):
    for garbage in (
        None,
        [],
        {"attendees": True, "criteria": {"nonsense": [1]}},
        {"attendees": True, "criteria": {"ticket_types": "1"}},
        {"attendees": True, "criteria": {"ticket_types": [True]}},
        {"attendees": True, "criteria": {"ticket_types": []}},
        {"attendees": True, "criteria": {"checked_in": "yes"}},
        {"attendees": True, "criteria": []},
    ):
        with pytest.raises(MailingError):
            Selection.from_json(garbage).check(world.event)
    with pytest.raises(MailingError):  # nobody chosen
        Selection.from_json({"attendees": False}).check(world.event)
    with pytest.raises(MailingError):  # another event's ticket type
        Selection(True, (TicketTypeIs((999_999,)),)).check(world.event)
    stored = Selection(True, (TicketTypeIs((world.student.id,)), CheckedIn(False)), True)
    assert Selection.from_json(stored.to_json()) == stored


def test_unknown_fields_are_refused_and_nothing_is_stored(world, db):
    with pytest.raises(MailingError) as refused:
        mail_world.mailing(world, body_sv="Hej {nman}!")
    assert refused.value.field == "body_sv"
    assert "{namn}" in refused.value.message
    with pytest.raises(MailingError):
        sending.save_mailing(world.event, mail_world.data(Selection()))
    with pytest.raises(MailingError):  # essential without saying why
        data = mail_world.data(essential=True)
        data.essential_reason = " "
        sending.save_mailing(world.event, data)
    assert db.session.scalar(select(func.count(Mailing.id))) == 0


def outbox(db) -> dict[str, OutboxMessage]:
    messages = db.session.scalars(select(OutboxMessage)).all()
    by_address = {m.to_address: m for m in messages}
    assert len(by_address) == len(messages), "an address got two messages"
    return by_address


def test_send_now_puts_one_message_per_address_in_the_outbox_in_their_language(world, db):
    mailing = mail_world.mailing(world)
    sending.send(mailing)
    with pytest.raises(MailingError):  # a double click
        sending.send(mailing)
    assert sending.send_due_mailings() == 5
    assert sending.send_due_mailings() == 0
    assert db.session.get(Mailing, mailing.id).status is MailingStatus.SENT
    sent = outbox(db)
    assert set(sent) == {world.emails[w] for w in ("asa", "mohammed", "johan", "karin", "eva")}
    asa = sent["asa@example.org"]
    assert asa.subject == "Välkommen till Testevenemang"
    assert asa.body_text.startswith("Hej Åsa Öberg-Lindqvist!")
    assert "/events/summit2027/orders/" in asa.body_text
    assert "/my/tickets" in sent["karin@example.org"].body_text  # not the buyer's order
    eva = sent["eva@example.org"]
    assert eva.subject == "Welcome to Test event"
    assert eva.body_text.startswith("Hello Eva Smith!")
    assert "No more mail like this" in eva.body_text
    assert asa.list_unsubscribe and "/unsubscribe/" in asa.list_unsubscribe
    assert asa.list_unsubscribe in asa.body_text and asa.list_unsubscribe in asa.body_html
    assert "@" not in asa.list_unsubscribe.rpartition("/")[2]
    log, total, counts = sending.deliveries(mailing, 1)
    assert total == 5 and {d.message_id for d in log} == {m.id for m in sent.values()}


def test_a_scheduled_mailing_waits_for_its_time(world, db, clock):
    start = utcnow()
    clock.set(start)
    mailing = mail_world.mailing(world)
    with pytest.raises(MailingError):
        sending.send(mailing, at=start - timedelta(minutes=1))
    sending.send(mailing, at=start + timedelta(hours=2))
    assert mailing.status is MailingStatus.SCHEDULED
    assert sending.send_due_mailings() == 0
    clock.set(start + timedelta(hours=1, minutes=59))
    assert sending.send_due_mailings() == 0 and not outbox(db)
    clock.set(start + timedelta(hours=2, seconds=1))
    assert sending.send_due_mailings() == 5
    assert db.session.get(Mailing, mailing.id).status is MailingStatus.SENT


def test_a_schedule_can_be_taken_back(world, db):
    mailing = mail_world.mailing(world)
    sending.send(mailing, at=utcnow() + timedelta(days=1))
    sending.unschedule(mailing)
    assert mailing.status is MailingStatus.DRAFT
    assert sending.send_due_mailings(utcnow() + timedelta(days=2)) == 0


def test_sending_again_needs_a_choice_and_everyone_a_confirmation(world, db):
    mailing = mail_world.mailing(world)
    sending.send(mailing)
    sending.send_due_mailings()
    # Nobody new: a round to those who have not got it sends nothing.
    sending.send_again(mailing, ResendMode.MISSING)
    assert sending.send_due_mailings() == 0
    # Someone new in the group gets it then.
    from tests import checkin_world

    checkin_world.ticket(world.event, world.ordinary, name="Ny Person", email="ny@example.org")
    sending.send_again(mailing, ResendMode.MISSING)
    assert sending.send_due_mailings() == 1
    with pytest.raises(MailingError):
        sending.send_again(mailing, ResendMode.EVERYONE)
    sending.send_again(mailing, ResendMode.EVERYONE, confirmed=True)
    assert sending.send_due_mailings() == 6
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 5 + 1 + 6
    with pytest.raises(MailingError):  # a sent mailing's text stays what was sent
        sending.save_mailing(world.event, mail_world.data(), mailing)


def test_unsubscribed_addresses_get_non_essential_mail_no_more(world, db, app):
    first = mail_world.mailing(world)
    sending.send(first)
    sending.send_due_mailings()
    asa = outbox(db)["asa@example.org"]
    token = asa.list_unsubscribe.rpartition("/")[2]
    assert subscriptions.unsubscribe(token).email == "asa@example.org"
    subscriptions.unsubscribe(token)  # twice: as once
    assert db.session.scalar(select(func.count(MailSubscription.id))) == 5

    news = mail_world.mailing(world, subject_sv="Nyheter")
    venue = mail_world.mailing(world, essential=True, subject_sv="Ny lokal")
    for mailing in (news, venue):
        sending.send(mailing)
    sending.send_due_mailings()
    got = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_address == "asa@example.org")
    ).all()
    assert sorted(got) == ["Ny lokal", "Välkommen till Testevenemang"]
    skipped = db.session.scalar(
        select(MailingRecipient).where(
            MailingRecipient.mailing_id == news.id, MailingRecipient.email == "asa@example.org"
        )
    )
    assert skipped.status is DeliveryStatus.UNSUBSCRIBED and skipped.outbox_message_id is None
    # The others are not touched by Åsa's choice.
    assert (
        db.session.scalar(
            select(func.count(MailSubscription.id)).where(
                MailSubscription.unsubscribed_at.is_not(None)
            )
        )
        == 1
    )

    with running_smtp(app) as smtp:
        deliver_pending()
    received = {(m["To"], m["Subject"]): m for m in smtp.messages}
    essential = received["asa@example.org", "Ny lokal"]
    assert essential["List-Unsubscribe"] is None
    assert "No more mail" not in essential.get_body(("plain",)).get_content()
    news_to_johan = received["johan@example.org", "Nyheter"]
    url = str(news_to_johan["List-Unsubscribe"]).strip()  # folded onto its own line
    assert url.startswith("<http") and "/unsubscribe/" in url and url.endswith(">")
    assert news_to_johan["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url[1:-1] in news_to_johan.get_body(("plain",)).get_content()
    assert len(smtp.messages) == 5 + 4 + 5


def test_the_waiting_list_is_those_still_in_line(world, db):
    from summit.models import WaitingListEntry, WaitingStatus

    for name, email, status, locale in (
        ("Fatima Öberg", "fatima@example.org", WaitingStatus.WAITING, "sv"),
        ("Liam Ek", "liam@example.org", WaitingStatus.OFFERED, "en"),
        ("Gick Ur", "left@example.org", WaitingStatus.LEFT, "sv"),
        ("Köpte Ändå", "bought@example.org", WaitingStatus.BOUGHT, "sv"),
    ):
        db.session.add(
            WaitingListEntry(
                event_id=world.event.id,
                ticket_type_id=world.ordinary.id,
                name=name,
                email=email,
                status=status,
                locale=locale,
            )
        )
    db.session.commit()
    waiting = recipients(world.event, Selection(waiting=True))
    assert [(r.name, r.locale) for r in waiting] == [("Fatima Öberg", "sv"), ("Liam Ek", "en")]
    assert all("/waiting-list/" in r.link for r in waiting)
    assert Selection.from_json(Selection(waiting=True).to_json()).waiting
    mailing = mail_world.mailing(world, Selection(waiting=True), body_sv="Hej {namn}: {orderlänk}")
    sending.send(mailing)
    assert sending.send_due_mailings() == 2
    assert "/waiting-list/" in outbox(db)["fatima@example.org"].body_text


def test_an_addon_narrows_to_those_who_hold_it_confirmed(world, db):
    from summit.models import Addon, Order, OrderStatus, Ticket, TicketAddon
    from summit.services.mailings.recipients import HasAddon

    dinner = Addon(event_id=world.event.id, name_sv="Konferensmiddag", price=50000)
    visit = Addon(event_id=world.event.id, name_sv="Studiebesök", price=0)
    db.session.add_all([dinner, visit])
    db.session.flush()
    tickets = {t.attendee_email: t for t in db.session.scalars(select(Ticket))}
    for email, addon, status in (
        ("asa@example.org", dinner, OrderStatus.PAID),
        ("johan@example.org", visit, OrderStatus.PAID),
        ("karin@example.org", dinner, OrderStatus.RESERVED),  # not paid: not yet hers
    ):
        ticket = tickets[email]
        # Bought after the ticket, in an order of its own.
        follow_up = Order(
            event_id=world.event.id, status=status, expires_at=utcnow(), buyer_email=email
        )
        db.session.add(follow_up)
        db.session.flush()
        db.session.add(
            TicketAddon(
                ticket_id=ticket.id,
                order_id=follow_up.id,
                addon_id=addon.id,
                price=0,
                vat_percent=25,
            )
        )
    db.session.commit()
    assert names(world, Selection(True, (HasAddon((dinner.id,)),))) == ["Åsa Öberg-Lindqvist"]
    both = Selection(True, (HasAddon((dinner.id, visit.id)),))
    assert names(world, both) == ["Johan Ängström", "Åsa Öberg-Lindqvist"]
    with pytest.raises(MailingError):  # another event's add-on, or none at all
        Selection(True, (HasAddon((999_999,)),)).check(world.event)
    assert Selection.from_json(both.to_json()) == both
