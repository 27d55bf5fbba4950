"""An ended summit whose people left personal data of every kind (tests of issue 17's
personal data): a paid order and an invoiced one with sensitive, ordinary and consent
answers, the older fixed diet and accessibility fields, a free order, a waiting-list
entry, and a proposal by the paying buyer."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from summit.extensions import db
from summit.models import (
    Answer,
    AnswerKind,
    DataClass,
    Event,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Question,
    QuestionScope,
    Ticket,
    TicketType,
    WaitingListEntry,
)
from tests.billing import numbered_invoice
from tests.conftest import STOCKHOLM

STARTS = datetime(2027, 5, 18, 9, 0, tzinfo=STOCKHOLM)
PAID_AT = datetime(2027, 3, 2, 13, 5, tzinfo=STOCKHOLM)
PHOTO_TEXT = "Jag går med på att bli fotograferad och filmad."
BUYER = "asa.oberg@example.se"


@dataclass
class World:
    event: Event
    paid: Order  # by Åsa (BUYER), tickets for herself and Mohammed
    invoiced: Order  # by Region Skåne, for Bo
    free: Order  # by Cecilia, for herself
    questions: dict[str, Question]


def _question(event, key, kind, label, **kwargs) -> Question:
    question = Question(event=event, key=key, kind=kind, label_sv=label, label_en=label, **kwargs)
    db.session.add(question)
    return question


def _order(event, ticket_type, status, buyer, email, attendees, **fields) -> Order:
    order = Order(
        event=event,
        status=status,
        expires_at=PAID_AT + timedelta(minutes=30),
        buyer_name=buyer,
        buyer_email=email,
        confirmed_at=PAID_AT,
        **fields,
    )
    for name, attendee_email, diet in attendees:
        order.tickets.append(
            Ticket(
                ticket_type=ticket_type,
                price=ticket_type.price,
                vat_percent=25,
                attendee_name=name,
                attendee_email=attendee_email,
                attendee_organisation="Malmö stad",
                dietary_needs=diet,
                accessibility_needs="Hörslinga" if diet else "",
            )
        )
    db.session.add(order)
    return order


def build(make_event) -> World:
    event = make_event(slug="summit2027", starts_at=STARTS)
    paid_type = TicketType(event=event, name_sv="Ordinarie", price=150000, vat_percent=25)
    free_type = TicketType(event=event, name_sv="Student", price=0, vat_percent=0)
    q = {
        "kost": _question(
            event, "kost", AnswerKind.LONG_TEXT, "Specialkost", data_class=DataClass.SENSITIVE
        ),
        "halsa": _question(
            event, "halsa", AnswerKind.TEXT, "Hälsa", data_class=DataClass.SENSITIVE
        ),
        "sektor": _question(event, "sektor", AnswerKind.TEXT, "Sektor"),
        "foto": _question(event, "foto", AnswerKind.CONSENT, PHOTO_TEXT),
        "fakturafraga": _question(
            event, "fakturafraga", AnswerKind.TEXT, "Kostnadsställe", scope=QuestionScope.ORDER
        ),
    }
    paid = _order(
        event,
        paid_type,
        OrderStatus.PAID,
        "Åsa Öberg",
        BUYER,
        [("Åsa Öberg", BUYER, "Vegan"), ("Mohammed Ali", "mohammed@example.se", "Glutenfri")],
        payment_method=PaymentMethod.STRIPE,
        paid_at=PAID_AT,
        buyer_organisation="Malmö stad",
    )
    invoiced = _order(
        event,
        paid_type,
        OrderStatus.INVOICED,
        "Bertil Beställare",
        "bertil@example.se",
        [("Bo Berg", "bo@example.se", "Laktosfri")],
        payment_method=PaymentMethod.INVOICE,
        buyer_organisation="Region Skåne",
        org_number="232100-0255",
        invoice_address="Region Skåne\nBox 123\n291 89 Kristianstad",
        invoice_reference="Kst 4410",
        invoice_due_on=date(2027, 4, 1),
    )
    free = _order(
        event,
        free_type,
        OrderStatus.PAID,
        "Cecilia Citizen",
        "cecilia@example.se",
        [("Cecilia Citizen", "cecilia@example.se", "")],
        payment_method=PaymentMethod.FREE,
        paid_at=PAID_AT,
    )
    db.session.add(
        Payment(
            order=paid,
            method=PaymentMethod.STRIPE,
            status=PaymentStatus.SUCCEEDED,
            amount=300000,
            settled_at=PAID_AT,
        )
    )
    db.session.flush()
    numbered_invoice(invoiced, 1042, date(2027, 3, 2), date(2027, 4, 1))
    db.session.add(
        WaitingListEntry(event=event, ticket_type=paid_type, name="Åsa Öberg", email=BUYER.upper())
    )
    db.session.flush()
    for order, values in (
        (paid, ("Vegan", "Astma", "offentlig")),
        (invoiced, ("Laktosfri", "", "akademi")),
        (free, ("", "", "ideburen")),
    ):
        for ticket in order.tickets:
            for key, value in zip(("kost", "halsa", "sektor"), values, strict=True):
                if value:
                    db.session.add(Answer(question=q[key], order=order, ticket=ticket, value=value))
            db.session.add(
                Answer(
                    question=q["foto"],
                    order=order,
                    ticket=ticket,
                    value="yes",
                    consent_text=PHOTO_TEXT,
                )
            )
        db.session.add(Answer(question=q["fakturafraga"], order=order, value="Kst 4410"))
    db.session.commit()
    return World(event, paid, invoiced, free, q)


def tables_holding(words: set[str]) -> set[tuple[str, str]]:
    """Every (table, column) of the schema in which one of the words still appears, in
    any case (JSON read as text; compared here, as SQLite lowers ASCII only)."""
    words = {word.casefold() for word in words}
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String | sa.Text | sa.JSON):
                continue
            for value in db.session.scalars(sa.select(sa.cast(column, sa.Text)).select_from(table)):
                if value and any(word in value.casefold() for word in words):
                    found.add((table.name, column.name))
    return found


# What still holds Åsa after her erasure, as its log says: the receipt's buyer (and the
# search words folded from it), and the request itself.
KEPT_AFTER_ERASURE = {
    ("orders", "buyer_name"),
    ("orders", "search_text"),
    ("erasure_requests", "email"),
}
ASA_WORDS = {BUYER, "Åsa Öberg", "asa oberg"}  # and as the search folds her name
