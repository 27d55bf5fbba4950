"""Dates and times as people read them, the same everywhere: pages, mails and PDFs in
Swedish ("6 dec. 2026 11:03") and English ("6 Dec 2026, 11:03"), day before month, the
24-hour clock, in the event's time zone. Never "12/6/26, 11:03 AM"."""

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from summit import i18n
from summit.database import begin_write
from summit.models import OutboxMessage, PaymentMethod, ProposalState, Role
from summit.services.cfp.proposals import ProposalData, create_draft, submit_proposal
from summit.services.payments import core as payments
from summit.services.program import releases
from summit.services.tickets import documents, ordering
from tests import pdf
from tests.conftest import CFP_OPEN_NOW
from tests.schedule_world import at, program, session

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MOMENT = datetime(2026, 12, 6, 10, 3, tzinfo=UTC)  # 11:03 in Stockholm
SHOWN = {"sv": "6 dec. 2026 11:03", "en": "6 Dec 2026, 11:03"}
HEADERS = {"sv": {"Accept-Language": "sv"}, "en": {"Accept-Language": "en"}}
TWELVE_HOUR = re.compile(r"\d\s?(AM|PM|am|pm|a\.m\.|p\.m\.|fm|em)\b")


def text_of(markup: str) -> str:
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\xa0", " ").split())


def assert_no_twelve_hour_clock(text: str):
    assert not TWELVE_HOUR.search(text), TWELVE_HOUR.search(text).group(0)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text), "a US-style date"


# The named formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sv", "en"),
    [
        ("date", "6 dec. 2026", "6 Dec 2026"),
        ("long_date", "6 december 2026", "6 December 2026"),
        ("datetime", "6 dec. 2026 11:03", "6 Dec 2026, 11:03"),
        ("time", "11:03", "11:03"),
        ("weekday", "söndag 6 december", "Sunday 6 December"),
        ("weekday_date", "söndag 6 december 2026", "Sunday 6 December 2026"),
        ("weekday_time", "söndag 6 december 11:03", "Sunday 6 December, 11:03"),
        ("sortable", "2026-12-06 11:03", "2026-12-06 11:03"),
        # Babel's sizes, as older templates name them, are the named formats too.
        ("short", "6 dec. 2026 11:03", "6 Dec 2026, 11:03"),
        ("medium", "6 dec. 2026 11:03", "6 Dec 2026, 11:03"),
    ],
)
def test_named_formats(app, name, sv, en):
    with app.test_request_context():
        for locale, expected in (("sv", sv), ("en", en)):
            with force_locale(locale):
                assert i18n.format_datetime(MOMENT, name) == expected
                template = app.jinja_env.from_string("{{ m|datetimeformat(f) }}")
                assert template.render(m=MOMENT, f=name) == expected


def test_the_whole_day_of_an_event_and_its_days(app, make_event):
    one_day = make_event(
        days=1,
        starts_at=datetime(2027, 2, 10, 8, 30, tzinfo=STOCKHOLM),
        ends_at=datetime(2027, 2, 10, 16, 0, tzinfo=STOCKHOLM),
    )
    summit = make_event(starts_at=datetime(2027, 5, 18, 9, 0, tzinfo=STOCKHOLM))
    with app.test_request_context():
        with force_locale("sv"):
            assert i18n.event_when(one_day) == "10 februari 2027, 08:30–16:00"
            assert i18n.event_when(summit) == "18–20 maj 2027"
        with force_locale("en"):
            assert i18n.event_when(one_day) == "10 February 2027, 08:30–16:00"
            assert i18n.event_when(summit) == "18–20 May 2027"


# Organizer pages ------------------------------------------------------------------------------


@pytest.fixture
def world(db, make_user, make_event, make_ticket_type, make_call, make_profile, grant, login):
    admin = make_user("admin@example.org", "Ada Admin", is_site_admin=True)
    event = make_event(slug="summit27")
    grant(admin, event, Role.ORGANIZER)
    speaker = make_user("talare@example.org", "Tove Talare")
    call = make_call(event, closes_at=datetime(2027, 3, 1, 11, 3, tzinfo=STOCKHOLM))
    priced = make_ticket_type(event, "Ordinarie", price=150000, vat_percent=6)
    return {
        "db": db,
        "admin": admin,
        "event": event,
        "speaker": speaker,
        "call": call,
        "priced": priced,
        "login": login,
    }


def paid_order(world, locale="sv"):
    """An order bought and paid by card at MOMENT."""
    order = ordering.reserve_tickets(world["event"], {world["priced"].id: 1}, locale=locale)
    ordering.save_details(
        order,
        ordering.BuyerDetails("Eva Ek", "eva@example.org"),
        [ordering.AttendeeDetails("Eva Ek")],
    )
    payments.start_payment(order, PaymentMethod.DEV)
    payment = order.payments[0]
    payments.record_payment(payment, payment.amount, payment.currency, now=MOMENT)
    begin_write()
    order.created_at = MOMENT
    world["db"].session.commit()
    return order


def submitted(world):
    proposal = create_draft(
        world["call"],
        world["speaker"],
        ProposalData(
            title="Medborgardialog",
            abstract="Hur kommunen lyssnar.",
            format_id=world["call"].formats[0].id,
        ),
        now=CFP_OPEN_NOW,
    )
    return submit_proposal(proposal, world["speaker"], now=CFP_OPEN_NOW)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_organizer_pages_show_dates_in_the_language_of_the_page(world, client, lang):
    db = world["db"]
    order = paid_order(world)
    proposal = submitted(world)
    begin_write()
    proposal.submitted_at = MOMENT
    for message in db.session.scalars(select(OutboxMessage)):
        message.created_at = MOMENT
    db.session.commit()
    rooms = program(world["event"])
    session(world["event"], "Samskapande", [], rooms[0], at(9), 30)
    release = releases.publish(world["event"])
    begin_write()
    release.published_at = MOMENT
    db.session.commit()
    world["login"](world["admin"])

    message = db.session.scalars(select(OutboxMessage)).first()
    pages = [
        "/manage/outbox",
        f"/manage/outbox/{message.id}",
        f"/manage/events/summit27/orders/{order.reference}",
        "/manage/events/summit27/orders/",
        f"/manage/events/summit27/speakers/proposals/{proposal.token}",
        "/manage/events/summit27/program/releases/",
    ]
    for page in pages:
        response = client.get(page, headers=HEADERS[lang])
        assert response.status_code == 200, page
        text = text_of(response.get_data(as_text=True))
        assert SHOWN[lang] in text, (page, text[:3000])
        assert_no_twelve_hour_clock(text)


# A mail and a PDF -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "deadline"), [("sv", "1 mars 2027 11:03"), ("en", "1 Mar 2027, 11:03")]
)
def test_a_mail_says_the_time_the_same_way(world, lang, deadline):
    world["speaker"].locale = lang
    world["db"].session.commit()
    proposal = submitted(world)
    assert proposal.state is ProposalState.SUBMITTED
    [mail] = (
        world["db"]
        .session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == "talare@example.org")
        )
        .all()
    )
    for body in (mail.body_text, text_of(mail.body_html)):
        assert deadline in body, body
        assert_no_twelve_hour_clock(body)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_receipt_says_when_it_was_paid_the_same_way(world, lang):
    order = paid_order(world, locale=lang)
    text = " ".join(pdf.text(documents.render_document(f"receipt:{order.id}")).split())
    assert SHOWN[lang] in text, text
    assert {"sv": "6 dec. 2026", "en": "6 Dec 2026"}[lang] in text
    assert "2026-12-06" not in text
    assert_no_twelve_hour_clock(text)
