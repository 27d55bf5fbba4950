"""Retention rules (services/privacy/retention.py): sensitive answers go a set number
of days after the event, attendee data when the organizer's policy says, buyers on
bookkeeping records after seven years; the dry run shows it all and changes nothing;
a rule runs once, however many workers run it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from summit.extensions import db
from summit.models import (
    Answer,
    DataClass,
    EventPrivacy,
    Order,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Question,
    Ticket,
    WaitingListEntry,
)
from summit.services.privacy import retention
from summit.services.tickets import documents
from tests import pdf, privacy_world


@pytest.fixture
def world(db, make_event):
    return privacy_world.build(make_event)


def sensitive_left() -> int:
    answers = db.session.scalar(
        select(func.count(Answer.id))
        .join(Question)
        .where(Question.data_class == DataClass.SENSITIVE)
    )
    needs = db.session.scalar(
        select(func.count(Ticket.id)).where(
            (Ticket.dietary_needs != "") | (Ticket.accessibility_needs != "")
        )
    )
    return answers + needs


def answers_left() -> list[tuple[str, str]]:
    return sorted(
        (q.key, a.value)
        for a, q in db.session.execute(select(Answer, Question).join(Question)).all()
    )


def test_sensitive_answers_go_30_days_after_the_event_and_nothing_else(world, clock):
    event = world.event
    clock.set(event.ends_at + timedelta(days=29, hours=23))
    assert retention.apply_due() == 0
    assert sensitive_left() == 3 + 5  # 3 tickets with fixed needs; (Vegan, Astma) ×2, Laktosfri
    clock.set(event.ends_at + timedelta(days=30, minutes=1))
    before = answers_left()
    assert retention.apply_due() == 1
    db.session.expire_all()
    assert sensitive_left() == 0
    assert answers_left() == [a for a in before if a[0] not in ("kost", "halsa")]
    # Names, bookkeeping and consents stay: only the sensitive class went.
    assert db.session.get(Order, world.paid.id).tickets[0].attendee_name == "Åsa Öberg"
    # Run again (a second worker, the next round): nothing more, nothing twice.
    assert retention.apply_due() == 0
    receipt = pdf.text(documents.render_document(f"receipt:{world.paid.id}"))
    invoice = pdf.text(documents.render_document(f"invoice:{world.invoiced.id}"))
    assert "Åsa Öberg" in receipt and "Region Skåne" in invoice and "232100-0255" in invoice


def test_the_dry_run_shows_what_would_go_and_when_and_changes_nothing(world, clock):
    event = world.event
    db.session.add(EventPrivacy(event_id=event.id, sensitive_days=10, attendee_months=6))
    db.session.commit()
    clock.set(event.ends_at + timedelta(days=1))
    before = answers_left()
    steps = {step.rule: step for step in retention.plan(event)}
    assert steps["sensitive"].due_at == event.ends_at + timedelta(days=10)
    assert steps["sensitive"].count == 8
    assert steps["attendees"].due_at == datetime(2027, 11, 20, 15, 0, tzinfo=UTC)
    assert steps["attendees"].count == 4 + 1 + len(before)  # tickets, waiting, answers
    assert steps["bookkeeping"].due_at == datetime(2034, 12, 31, 23, 0, tzinfo=UTC)
    assert all(step.done_at is None for step in steps.values())
    assert answers_left() == before and sensitive_left() == 8


def test_attendees_are_anonymised_when_the_policy_says_and_receipts_keep_the_buyer(world, clock):
    event = world.event
    db.session.add(EventPrivacy(event_id=event.id, sensitive_days=30, attendee_months=6))
    # A card payment begun and never made is no verification: the free order keeps no one.
    db.session.add(
        Payment(
            order=world.free, method=PaymentMethod.STRIPE, amount=1000, status=PaymentStatus.CREATED
        )
    )
    db.session.commit()
    clock.set(event.ends_at + timedelta(days=200))
    assert retention.apply_due() == 2
    db.session.expire_all()
    assert answers_left() == []
    assert db.session.scalars(select(Ticket.attendee_name).distinct()).all() == [""]
    assert db.session.scalars(select(WaitingListEntry.email)).all() == [""]
    paid, invoiced, free = (
        db.session.get(Order, o.id) for o in (world.paid, world.invoiced, world.free)
    )
    # Bookkeeping: the buyer on the receipt and invoice stays; a free order keeps no one.
    assert (paid.buyer_name, paid.buyer_organisation) == ("Åsa Öberg", "Malmö stad")
    assert (invoiced.org_number, invoiced.invoice_address.splitlines()[0]) == (
        "232100-0255",
        "Region Skåne",
    )
    assert (free.buyer_name, free.buyer_email) == ("", "")
    invoice = pdf.text(documents.render_document(f"invoice:{invoiced.id}"))
    assert "Region Skåne" in invoice and "Bo Berg" not in invoice
    # Seven years after the end of 2027, the buyers go too.
    clock.set(datetime(2035, 1, 2, tzinfo=UTC))
    assert retention.apply_due() == 1
    db.session.expire_all()
    assert db.session.scalars(select(Order.buyer_name).distinct()).all() == [""]


def test_until_erased_keeps_attendees(world, clock):
    clock.set(world.event.ends_at + timedelta(days=3000))
    retention.apply_due()
    db.session.expire_all()
    assert db.session.get(Order, world.free.id).tickets[0].attendee_name == "Cecilia Citizen"
