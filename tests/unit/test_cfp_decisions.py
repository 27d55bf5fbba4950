"""Decisions: one or many at once (all or nothing), emails from templates in each
speaker's language with their input escaped, previews, and the confirm link that makes
a session waiting to be scheduled and gives every speaker a complimentary ticket."""

import re

import pytest
from sqlalchemy import func, select

from summit.models import (
    BadgeRole,
    DecisionKind,
    Order,
    OrderStatus,
    OutboxMessage,
    PaymentMethod,
    ProgramSession,
    ProposalSpeaker,
    ProposalState,
    Role,
    SessionKind,
    Ticket,
)
from summit.services.badges.printing import badge_role, confirmed_speaker_emails, printable_tickets
from summit.services.cfp import CfpError, LinkRefused, NotAllowed, TransitionError
from summit.services.cfp.co_speakers import accept_invitation
from summit.services.cfp.decision_mail import preview_decision, reset_template, save_template
from summit.services.cfp.decisions import (
    decide,
    proposal_for_link,
    reopen,
    respond,
    respond_by_link,
    send_decision,
)
from summit.services.cfp.links import new_link_token
from tests.conftest import CFP_OPEN_NOW

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def world(db, make_user, make_event, make_call, grant, make_profile):
    event = make_event(name_sv="Mötesplats Social Innovation 2027", name_en="MSI Summit 2027")
    call = make_call(event)
    organizer = grant(make_user("org@example.org", "Olle"), event, Role.ORGANIZER)
    anna = make_user("anna@example.org", "Anna")
    make_profile(anna, "Anna Andersson", language="sv", organisation="Malmö stad")
    john = make_user("john@example.org", "John")
    make_profile(john, f"John {SCRIPT}", language="en")
    db.session.query(OutboxMessage).delete()  # the role grant's email
    db.session.commit()
    return event, call, organizer, anna, john


def mails(db, to=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def confirm_token(message: OutboxMessage) -> str:
    return re.search(r"/speakers/respond/([\w-]+)", message.body_text).group(1)


# Deciding -----------------------------------------------------------------------------------


def test_bulk_decision_with_emails_in_each_speakers_language(db, world, make_proposal):
    _event, call, organizer, anna, john = world
    swedish = make_proposal(call, anna, title="Medborgardialog")
    english = make_proposal(call, john, title=f"Inclusion {SCRIPT}", language="en")
    decide([swedish, english], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW)
    assert swedish.state is english.state is ProposalState.ACCEPTED
    assert swedish.decided_at == CFP_OPEN_NOW

    [to_anna] = mails(db, "anna@example.org")
    assert to_anna.subject == "Ditt förslag ”Medborgardialog” är antaget"
    assert "Hej Anna Andersson!" in to_anna.body_text
    assert "Mötesplats Social Innovation 2027" in to_anna.body_text
    assert '<html lang="sv">' in to_anna.body_html

    [to_john] = mails(db, "john@example.org")
    assert to_john.subject == f"Your proposal “Inclusion {SCRIPT}” is accepted"
    assert "MSI Summit 2027" in to_john.body_text
    assert '<html lang="en">' in to_john.body_html
    # Every piece of the speaker's input is escaped in the HTML part.
    assert "<script>" not in to_john.body_html
    assert "John &lt;script&gt;alert(1)&lt;/script&gt;" in to_john.body_html
    assert "Inclusion &lt;script&gt;" in to_john.body_html
    # The plain text part has them as written (it is never interpreted).
    assert f"Hello John {SCRIPT}!" in to_john.body_text
    # The confirm link is a link, and differs per proposal.
    token = confirm_token(to_john)
    assert f'<a href="http://summit.test/events/{call.event.slug}/speakers/respond/{token}?by=' in (
        to_john.body_html
    )
    assert confirm_token(to_anna) != token
    assert proposal_for_link(token) == english


def test_rejection_and_waiting_list_have_no_confirm_link(db, world, make_proposal):
    _event, call, organizer, anna, john = world
    rejected = make_proposal(call, anna, title="Nej")
    waiting = make_proposal(call, john, title="Kanske")
    decide([rejected], DecisionKind.REJECTED, organizer, now=CFP_OPEN_NOW)
    decide([waiting], DecisionKind.WAITLISTED, organizer, now=CFP_OPEN_NOW)
    assert rejected.response_token_hash is None and waiting.response_token_hash is None
    [to_anna] = mails(db, "anna@example.org")
    assert "/respond/" not in to_anna.body_text and "tyvärr" in to_anna.body_text
    [to_john] = mails(db, "john@example.org")
    assert "waiting list" in to_john.body_text
    assert f"/speakers/proposals/{waiting.token}" in to_john.body_text


def test_a_bulk_decision_is_all_or_nothing(db, world, make_proposal):
    _event, call, organizer, anna, john = world
    fine = make_proposal(call, anna, title="Går bra")
    confirmed = make_proposal(call, john, state=ProposalState.CONFIRMED, title="Redan klar")
    with pytest.raises(TransitionError) as refused:
        decide([fine, confirmed], DecisionKind.REJECTED, organizer, now=CFP_OPEN_NOW)
    assert refused.value.proposal.title == "Redan klar"
    db.session.expire_all()
    assert fine.state is ProposalState.SUBMITTED and fine.decided_at is None
    assert confirmed.state is ProposalState.CONFIRMED
    assert mails(db) == []


def test_only_organizers_decide(db, world, make_proposal, make_event, make_call):
    event, call, organizer, anna, john = world
    proposal = make_proposal(call, anna)
    with pytest.raises(NotAllowed):
        decide([proposal], DecisionKind.ACCEPTED, anna, now=CFP_OPEN_NOW)
    # An organizer of one event decides nothing of another's.
    other_call = make_call(make_event())
    elsewhere = make_proposal(other_call, john)
    with pytest.raises(NotAllowed):
        decide([elsewhere], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW)
    with pytest.raises(CfpError) as refused:
        decide([proposal, elsewhere], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW)
    assert refused.value.reason == "mixed_events"
    db.session.expire_all()
    assert proposal.state is elsewhere.state is ProposalState.SUBMITTED


# Templates and previews ----------------------------------------------------------------------


def test_preview_renders_without_sending(db, world, make_proposal):
    _event, call, _org, anna, john = world
    proposal = make_proposal(call, john, co_speakers=[anna], title=f"T {SCRIPT}")
    english, swedish = preview_decision(proposal, DecisionKind.ACCEPTED)
    assert (english.to, english.locale, swedish.to, swedish.locale) == (
        "john@example.org",
        "en",
        "anna@example.org",
        "sv",
    )
    assert "/speakers/respond/example-link-made-when-sent" in english.text
    assert "<script>" not in english.html(proposal.event)
    assert "&lt;script&gt;" in english.html(proposal.event)
    assert preview_decision(proposal, DecisionKind.REJECTED, locale="en")[1].locale == "en"
    assert mails(db) == []
    db.session.refresh(proposal)
    assert proposal.state is ProposalState.SUBMITTED


def test_organizers_templates_are_used_and_checked(db, world, make_proposal):
    _event, call, organizer, anna, _john = world
    save_template(
        call,
        DecisionKind.REJECTED,
        "sv",
        "Angående {title}",
        "Hej {name}!\n\nTack för <b>{title}</b>.\nVi hörs.",
    )
    for subject, body, reason in (
        ("Om {title}", "Hej {namn}", "unknown_placeholder"),
        ("Om {title.__class__}", "Hej", "unknown_placeholder"),
        ("Om {title}", "Hej {confirm_url}", "unknown_placeholder"),  # no link in a rejection
        ("", "Hej", "required"),
    ):
        with pytest.raises(CfpError) as refused:
            save_template(call, DecisionKind.REJECTED, "sv", subject, body)
        assert refused.value.reason == reason
    with pytest.raises(CfpError) as refused:
        save_template(call, DecisionKind.ACCEPTED, "sv", "Ja", "Hej {name}, antaget!")
    assert refused.value.reason == "confirm_url_needed"
    with pytest.raises(CfpError):
        save_template(call, DecisionKind.ACCEPTED, "de", "Ja", "{confirm_url}")

    proposal = make_proposal(call, anna, title="Om <i>oss</i>")
    decide([proposal], DecisionKind.REJECTED, organizer, now=CFP_OPEN_NOW)
    [mail] = mails(db)
    assert mail.subject == "Angående Om <i>oss</i>"
    assert mail.body_text == "Hej Anna Andersson!\n\nTack för <b>Om <i>oss</i></b>.\nVi hörs."
    # The organizers' text is escaped in HTML too: a template is plain text.
    assert "<p>Tack för &lt;b&gt;Om &lt;i&gt;oss&lt;/i&gt;&lt;/b&gt;.<br>\nVi hörs.</p>" in (
        mail.body_html
    )
    reset_template(call, DecisionKind.REJECTED, "sv")
    [preview] = preview_decision(proposal, DecisionKind.REJECTED)
    assert preview.subject.startswith("Om ditt förslag")


# Confirming ----------------------------------------------------------------------------------


def accepted_with_link(db, call, organizer, proposal) -> str:
    decide([proposal], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW)
    message = mails(db, proposal.primary_speaker.email)[-1]
    return confirm_token(message)


def test_confirming_makes_a_session_and_speaker_tickets(db, world, make_proposal):
    event, call, organizer, anna, john = world
    proposal = make_proposal(
        call, anna, co_speakers=[john], title="Workshop om samskapande", format=call.formats[1]
    )
    token = accepted_with_link(db, call, organizer, proposal)
    respond_by_link(token, confirm=True, now=CFP_OPEN_NOW)
    db.session.expire_all()
    assert proposal.state is ProposalState.CONFIRMED and proposal.responded_at == CFP_OPEN_NOW

    session = db.session.scalar(select(ProgramSession))
    assert session.proposal_id == proposal.id and session.title == "Workshop om samskapande"
    assert session.kind is SessionKind.WORKSHOP and session.duration_minutes == 90
    assert session.starts_at is None and session.room_id is None  # waiting to be scheduled
    assert not session.is_scheduled
    assert [s.user_id for s in session.speakers] == [anna.id, john.id]

    tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
    assert [t.attendee_email for t in tickets] == ["anna@example.org", "john@example.org"]
    for ticket in tickets:
        assert ticket.price == 0
        assert ticket.order.status is OrderStatus.PAID
        assert ticket.order.payment_method is PaymentMethod.FREE
        assert ticket.ticket_type.badge_role is BadgeRole.SPEAKER
        assert not ticket.ticket_type.is_visible and not ticket.ticket_type.is_active
    assert tickets[0].ticket_type_id == tickets[1].ticket_type_id  # one type per event
    assert tickets[0].attendee_name == "Anna Andersson"
    assert tickets[0].attendee_organisation == "Malmö stad"
    # Each speaker gets the ticket mail, with the ticket PDF, in their language.
    [ticket_mail] = [m for m in mails(db, "john@example.org") if m.attachments]
    assert ticket_mail.attachments[0].document == f"ticket:{tickets[1].id}"
    assert "Your tickets" in ticket_mail.subject
    # On the door list and the badge list, with the speaker ribbon.
    assert set(printable_tickets(event)) == set(tickets)
    speakers = confirmed_speaker_emails(event)
    assert speakers == {"anna@example.org", "john@example.org"}
    assert {badge_role(t, speakers) for t in tickets} == {BadgeRole.SPEAKER}


def test_confirm_link_works_once_and_tampered_links_do_nothing(db, world, make_proposal):
    _event, call, organizer, anna, _john = world
    proposal = make_proposal(call, anna)
    token = accepted_with_link(db, call, organizer, proposal)
    for bad in (token[:-2] + "xx", new_link_token()[0], "", None, "a" * 10_000, token.upper()):
        with pytest.raises(LinkRefused) as refused:
            respond_by_link(bad, confirm=True, now=CFP_OPEN_NOW)
        assert refused.value.reason == "link_invalid"
    db.session.expire_all()
    assert proposal.state is ProposalState.ACCEPTED
    respond_by_link(token, confirm=False, now=CFP_OPEN_NOW)
    assert proposal.state is ProposalState.DECLINED
    with pytest.raises(LinkRefused):
        respond_by_link(token, confirm=True, now=CFP_OPEN_NOW)
    assert count(db, ProgramSession) == 0 and count(db, Ticket) == 0
    assert confirmed_speaker_emails(proposal.event) == frozenset()


def test_a_rejected_proposal_cannot_be_confirmed(db, world, make_proposal):
    _event, call, organizer, anna, _john = world
    proposal = make_proposal(call, anna)
    old_token = accepted_with_link(db, call, organizer, proposal)
    reopen(proposal, organizer, now=CFP_OPEN_NOW)
    decide([proposal], DecisionKind.REJECTED, organizer, now=CFP_OPEN_NOW)
    with pytest.raises(LinkRefused):
        respond_by_link(old_token, confirm=True, now=CFP_OPEN_NOW)
    with pytest.raises(TransitionError):
        respond(proposal, anna, confirm=True, now=CFP_OPEN_NOW)
    db.session.expire_all()
    assert proposal.state is ProposalState.REJECTED
    assert count(db, ProgramSession) == 0 and count(db, Order) == 0


def test_resending_an_acceptance_replaces_the_link(db, world, make_proposal):
    _event, call, organizer, anna, _john = world
    proposal = make_proposal(call, anna)
    first = accepted_with_link(db, call, organizer, proposal)
    send_decision(proposal, organizer, now=CFP_OPEN_NOW)
    second = confirm_token(mails(db, "anna@example.org")[-1])
    assert first != second
    with pytest.raises(LinkRefused):
        respond_by_link(first, confirm=True, now=CFP_OPEN_NOW)
    respond_by_link(second, confirm=True, now=CFP_OPEN_NOW)
    assert proposal.state is ProposalState.CONFIRMED


def test_a_signed_in_speaker_confirms_without_the_link(db, world, make_proposal, make_user):
    _event, call, organizer, anna, john = world
    proposal = make_proposal(call, anna, co_speakers=[john])
    decide([proposal], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW, notify=False)
    assert mails(db) == []
    with pytest.raises(NotAllowed):
        respond(proposal, make_user("eve@example.org", "Eve"), confirm=True, now=CFP_OPEN_NOW)
    respond(proposal, john, confirm=True, now=CFP_OPEN_NOW)
    assert proposal.state is ProposalState.CONFIRMED


def test_one_ticket_per_speaker_whatever_the_number_of_sessions(db, world, make_proposal):
    event, call, organizer, anna, john = world
    first = make_proposal(call, anna, title="Ett")
    second = make_proposal(call, anna, co_speakers=[john], title="Två")
    decide([first, second], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW, notify=False)
    respond(first, anna, confirm=True, now=CFP_OPEN_NOW)
    respond(second, anna, confirm=True, now=CFP_OPEN_NOW)
    emails = db.session.scalars(select(Ticket.attendee_email).order_by(Ticket.id)).all()
    assert emails == ["anna@example.org", "john@example.org"]
    assert count(db, ProgramSession) == 2


def test_speakers_get_tickets_when_the_event_is_sold_out(db, world, make_proposal):
    event, call, organizer, anna, _john = world
    event.capacity = 0
    db.session.commit()
    proposal = make_proposal(call, anna)
    decide([proposal], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW, notify=False)
    respond(proposal, anna, confirm=True, now=CFP_OPEN_NOW)
    assert count(db, Ticket) == 1


def test_a_co_speaker_joining_after_confirmation_gets_on_the_session(
    db, world, make_proposal, make_user
):
    from summit.services.cfp.links import new_link_token as make_token

    _event, call, organizer, anna, _john = world
    proposal = make_proposal(call, anna)
    token, hashed = make_token()
    proposal.speakers.append(ProposalSpeaker(email="bo@example.org", invitation_token_hash=hashed))
    db.session.commit()
    decide([proposal], DecisionKind.ACCEPTED, organizer, now=CFP_OPEN_NOW, notify=False)
    respond(proposal, anna, confirm=True, now=CFP_OPEN_NOW)
    # Bo had not answered yet: not on the session, no ticket, no speaker badge.
    assert confirmed_speaker_emails(proposal.event) == {"anna@example.org"}
    bo = make_user("bo@example.org", "Bo Berg")
    accept_invitation(token, bo, now=CFP_OPEN_NOW)
    session = db.session.scalar(select(ProgramSession))
    assert [s.user_id for s in session.speakers] == [anna.id, bo.id]
    assert db.session.scalars(select(Ticket.attendee_email).order_by(Ticket.id)).all() == [
        "anna@example.org",
        "bo@example.org",
    ]
    assert confirmed_speaker_emails(proposal.event) == {"anna@example.org", "bo@example.org"}
