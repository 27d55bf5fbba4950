"""The mail outbox's message page, as a site admin reads it: every kind of mail the app
sends, made the way the app makes it, in every state the outbox knows, opens (with its
attachments described, never rendered on the page), and a failed message can be tried
again from it."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from summit.database import begin_write
from summit.models import (
    DecisionKind,
    EventFormat,
    MessageStatus,
    OutboxMessage,
    PaymentMethod,
    PaymentStatus,
    Role,
    utcnow,
)
from summit.services import accounts
from summit.services.billing import reminders as invoice_reminders
from summit.services.cfp.co_speakers import invite_co_speaker
from summit.services.cfp.decisions import decide, respond
from summit.services.cfp.proposals import ProposalData, create_draft, submit_proposal
from summit.services.outbox import claim_batch, deliver_pending
from summit.services.payments import core as payments
from summit.services.program import releases, signups
from summit.services.tickets import ordering
from summit.services.tickets.reminders import send_due_reminders
from tests import signup_world
from tests.conftest import CFP_OPEN_NOW, csrf_token
from tests.schedule_world import at, program, session
from tests.smtp import running_smtp

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# Each kind of mail, made the real way -------------------------------------------------------


def _order(db, event, ticket_type, quantity=2, name="Eva Ek"):
    order = ordering.reserve_tickets(event, {ticket_type.id: quantity}, locale="sv")
    ordering.save_details(
        order,
        ordering.BuyerDetails(name, "eva@example.org"),
        [ordering.AttendeeDetails(f"{name} {n}") for n in range(quantity)],
    )
    return order


def paid_order(world):
    """Paid by card: a ticket PDF per attendee; the receipt is a link in the text."""
    order = _order(world.db, world.event, world.priced)
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency)
    return "eva@example.org", ["biljett-", "biljett-"]


def invoiced_order(world):
    """Paid by invoice: the tickets and the invoice."""
    order = _order(world.db, world.event, world.priced, quantity=1)
    payments.start_payment(
        order,
        PaymentMethod.INVOICE,
        invoice=payments.InvoiceDetails(
            "Malmö stad", "212000-1124", "Box 1, 205 80 Malmö", "Ref 42"
        ),
    )
    return "eva@example.org", ["biljett-", "faktura-"]


def invoice_reminder(world):
    """An invoice unpaid past its due date: the reminder, with the invoice attached."""
    invoiced_order(world)
    clear(world.db)
    invoice_reminders.send_due_reminders(utcnow() + timedelta(days=60))
    return "eva@example.org", ["faktura-"]


def free_order(world):
    order = _order(world.db, world.event, world.free, quantity=1)
    payments.start_payment(order, PaymentMethod.FREE)
    return "eva@example.org", ["biljett-"]


def reminder(world):
    online = world.make_event(
        slug="online",
        days=1,
        format=EventFormat.ONLINE,
        stream_url="https://stream.example.org/live",
        starts_at=datetime(2027, 3, 16, 13, 0, tzinfo=STOCKHOLM),
    )
    free = world.make_ticket_type(online, "Deltagare", price=0, vat_percent=0)
    order = ordering.reserve_tickets(
        online, {free.id: 1}, now=datetime(2027, 3, 1, tzinfo=STOCKHOLM)
    )
    order.expires_at = datetime(2027, 3, 20, tzinfo=STOCKHOLM)
    world.db.session.commit()
    ordering.save_details(
        order, ordering.BuyerDetails("Ola Ek", "ola@example.org"), [ordering.AttendeeDetails("Ola")]
    )
    payments.start_payment(order, PaymentMethod.FREE)
    clear(world.db)  # the confirmation
    assert send_due_reminders(datetime(2027, 3, 15, 8, 0, tzinfo=STOCKHOLM)) == 1
    return "ola@example.org", []


def payment_failed_notice(world):
    order = _order(world.db, world.event, world.priced, quantity=1)
    payments.start_payment(order, PaymentMethod.DEV)
    payments.record_payment_pending(order.payments[0])  # e.g. a bank transfer under way
    payments.record_payment_failed(order.payments[0])
    return "eva@example.org", []


def payment_mismatch_notice(world):
    """A notice to the event's organizers."""
    order = _order(world.db, world.event, world.priced, quantity=1)
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount - 100, payment.currency)
    assert payment.status is PaymentStatus.FAILED
    return "org@example.org", []


def magic_link(world):
    accounts.send_magic_link("ny@example.org", "en")
    return "ny@example.org", []


def password_reset(world):
    accounts.send_password_reset("org@example.org", "sv")
    return "org@example.org", []


def role_granted(world):
    accounts.grant_role(world.event, "door@example.org", Role.DOOR, world.organizer)
    return "door@example.org", []


def _proposal(world):
    call = world.make_call(world.event)
    speaker = world.make_user("talare@example.org", "Tove Talare")
    data = ProposalData(
        title="Medborgardialog på riktigt",
        abstract="Hur kommunen lyssnar.",
        format_id=call.formats[0].id,
    )
    proposal = create_draft(call, speaker, data, now=CFP_OPEN_NOW)
    return proposal, speaker


def cfp_submitted(world):
    proposal, speaker = _proposal(world)
    submit_proposal(proposal, speaker, now=CFP_OPEN_NOW)
    return "talare@example.org", []


def cfp_invitation(world):
    proposal, speaker = _proposal(world)
    invite_co_speaker(proposal, speaker, "medtalare@example.org", now=CFP_OPEN_NOW)
    return "medtalare@example.org", []


def cfp_decision(world):
    proposal, speaker = _proposal(world)
    submit_proposal(proposal, speaker, now=CFP_OPEN_NOW)
    clear(world.db)  # the receipt
    decide([proposal], DecisionKind.ACCEPTED, world.organizer, now=CFP_OPEN_NOW)
    return "talare@example.org", []


def program_changed(world):
    rooms = program(world.event)
    ada = world.make_user("ada@example.org", "Ada Lind")
    world.make_profile(ada, "Ada Lind", language="en")
    talk = session(world.event, "Samskapande", [ada], rooms[0], at(9), 30)
    releases.publish(world.event)
    clear(world.db)  # release 1's "where and when you speak"
    talk.starts_at = at(11)
    world.db.session.commit()
    releases.publish(world.event)
    return "ada@example.org", []


def cfp_declined(world):
    """A speaker declines an accepted proposal: the organizers are told."""
    proposal, speaker = _proposal(world)
    submit_proposal(proposal, speaker, now=CFP_OPEN_NOW)
    decide([proposal], DecisionKind.ACCEPTED, world.organizer, now=CFP_OPEN_NOW)
    clear(world.db)  # the receipt and the decision
    respond(proposal, speaker, confirm=False, now=CFP_OPEN_NOW)
    return "org@example.org", []


def program_first_release(world):
    """The first release tells each speaker where and when they speak."""
    rooms = program(world.event)
    ada = world.make_user("ada@example.org", "Ada Lind")
    world.make_profile(ada, "Ada Lind", language="en")
    session(world.event, "Samskapande", [ada], rooms[0], at(9), 30)
    releases.publish(world.event)
    return "ada@example.org", []


def program_signup(world):
    """A place in a workshop, confirmed by mail."""
    made, _talk = signup_world.workshop(world.event)
    clear(world.db)
    cia = world.make_user("cia@example.org", "Cia")
    held = signup_world.ticket(world.event, world.free, "cia@example.org", name="Cia")
    signups.sign_up(made, held, cia, now=signup_world.BEFORE)
    return "cia@example.org", []


KINDS = [
    cfp_declined,
    program_first_release,
    program_signup,
    paid_order,
    invoiced_order,
    invoice_reminder,
    free_order,
    reminder,
    payment_failed_notice,
    payment_mismatch_notice,
    magic_link,
    password_reset,
    role_granted,
    cfp_submitted,
    cfp_invitation,
    cfp_decision,
    program_changed,
]


class World:
    def __init__(self, **things):
        self.__dict__.update(things)


@pytest.fixture
def world(
    db, make_user, make_event, make_ticket_type, make_call, make_profile, grant, client, login
):
    admin = make_user("admin@example.org", "Ada Admin", is_site_admin=True)
    event = make_event(slug="summit27")
    organizer = grant(make_user("org@example.org", "Olle Org"), event, Role.ORGANIZER)
    priced = make_ticket_type(event, "Ordinarie", price=150000, vat_percent=6)
    free = make_ticket_type(event, "Gratis", price=0, vat_percent=0)
    clear(db)
    login(admin)
    return World(
        db=db,
        client=client,
        admin=admin,
        event=event,
        organizer=organizer,
        priced=priced,
        free=free,
        make_event=make_event,
        make_user=make_user,
        make_ticket_type=make_ticket_type,
        make_call=make_call,
        make_profile=make_profile,
    )


def clear(db):
    db.session.commit()
    begin_write()
    for message in db.session.scalars(select(OutboxMessage)):
        db.session.delete(message)
    db.session.commit()


def mail_to(db, address) -> OutboxMessage:
    db.session.commit()
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).all()
    return message


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def set_state(db, message, state):
    """Put a message in one of the outbox's states, the way the worker does."""
    if state == "pending":
        return
    if state == "sending":
        # Claimed by a worker that is talking to the server right now.
        make_due(db)
        assert [m.id for m in claim_batch()] == [message.id]
        return
    values = {
        "sent": dict(status=MessageStatus.SENT, sent_at=utcnow(), attempts=1),
        "failed": dict(
            status=MessageStatus.FAILED, attempts=8, last_error="550 5.1.1 No such user"
        ),
        "retrying": dict(
            status=MessageStatus.PENDING,
            attempts=2,
            next_attempt_at=utcnow() + timedelta(minutes=1),
            last_error="421 Try again later",
        ),
    }[state]
    begin_write()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values))
    db.session.commit()


def make_due(db):
    begin_write()
    db.session.execute(
        update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


STATES = ["pending", "sending", "retrying", "sent", "failed"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_every_kind_of_mail_opens_in_every_state(world, kind, state):
    to, attachment_prefixes = kind(world)
    message = mail_to(world.db, to)
    set_state(world.db, message, state)

    response = world.client.get(f"/manage/outbox/{message.id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    text = page_text(response)
    assert f"<h1>{message.subject}</h1>" in text
    assert to in text
    names = [a.filename for a in message.attachments]
    assert [
        next(p for p in attachment_prefixes if n.startswith(p)) for n in names
    ] == attachment_prefixes
    for name in names:
        assert name in text
    if state == "failed":
        assert "Försök igen" in text
    else:
        assert "Försök igen" not in text


def test_attachments_are_described_and_made_on_demand(world):
    invoiced_order(world)
    message = mail_to(world.db, "eva@example.org")
    response = world.client.get(f"/manage/outbox/{message.id}")
    text = page_text(response)
    assert "Biljett (PDF)" in text and "Faktura (PDF)" in text
    links = re.findall(
        r'href="(/manage/outbox/\d+/attachments/\d+)"', response.get_data(as_text=True)
    )
    assert len(links) == 2
    invoice = world.client.get(links[-1])
    assert invoice.status_code == 200
    assert invoice.mimetype == "application/pdf"
    assert invoice.data.startswith(b"%PDF")
    assert "faktura-" in invoice.headers["Content-Disposition"]
    # Another message's attachment is not reachable through this one.
    other = message.id + 1000
    assert world.client.get(links[0].replace(f"/{message.id}/", f"/{other}/")).status_code == 404


def test_a_failed_ticket_mail_can_be_tried_again(world, app):
    paid_order(world)
    message = mail_to(world.db, "eva@example.org")
    with running_smtp(app) as smtp:
        smtp.handler.refuse_rcpt = lambda address: "550 5.1.1 No such user"
        assert deliver_pending().failed == 1
    world.db.session.commit()
    world.db.session.refresh(message)
    assert message.status is MessageStatus.FAILED

    page = f"/manage/outbox/{message.id}"
    response = world.client.get(page)
    assert response.status_code == 200
    assert "5.1.1 No such user" in page_text(response)
    token = csrf_token(world.client, page)
    response = world.client.post(f"{page}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    after = page_text(world.client.get(page))
    assert "Meddelandet skickas igen." in after
    assert "Försök igen" not in after

    with running_smtp(app) as smtp:
        assert deliver_pending().sent == 1
    [email] = smtp.messages
    names = [a.get_filename() for a in email.iter_attachments()]
    assert len(names) == 2 and all(name.startswith("biljett-") for name in names)
    assert "Skickat" in page_text(world.client.get(page))


def test_trying_again_gives_the_message_its_attempts_back(world, app):
    """A mail that used up all its attempts and is tried again by hand is not given up
    at the first temporary refusal that follows: it goes back to retrying."""
    paid_order(world)
    message = mail_to(world.db, "eva@example.org")
    world.db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(
            status=MessageStatus.FAILED,
            attempts=app.config["MAIL_MAX_ATTEMPTS"],
            last_error="451 4.3.0 Try again later",
        )
    )
    world.db.session.commit()

    page = f"/manage/outbox/{message.id}"
    token = csrf_token(world.client, page)
    assert world.client.post(f"{page}/retry", data={"csrf_token": token}).status_code == 302
    with running_smtp(app) as smtp:
        smtp.handler.refuse_rcpt = lambda address: "451 4.3.0 Try again later"
        assert deliver_pending().failed == 0
    world.db.session.commit()
    world.db.session.refresh(message)
    assert message.status is MessageStatus.PENDING
    assert message.attempts == 1
