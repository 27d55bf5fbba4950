"""Personal data on the web (issue 17.5): retention seen through every export, a
person's own data and erasure, consents withdrawn, the bulk access log, the privacy
notice, and the accessibility statement with its form."""

import json
import re
from dataclasses import asdict
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from summit.extensions import db
from summit.models import (
    AccessibilityReport,
    Answer,
    DataAccess,
    ErasureRequest,
    Order,
    OutboxMessage,
    ProposalState,
    Role,
)
from summit.services import worker
from summit.services.badges.printing import badges_for
from summit.services.outbox import deliver_pending
from tests import pdf, privacy_world
from tests.conftest import csrf_token, sign_in
from tests.smtp import app_config, running_smtp

SENSITIVE = ("Vegan", "Astma", "Glutenfri", "Laktosfri", "Hörslinga")


@pytest.fixture
def world(db, make_event, clock):
    """The ended summit, ten days after its end (people sign in then)."""
    made = privacy_world.build(make_event)
    clock.set(made.event.ends_at + timedelta(days=10))
    return made


@pytest.fixture
def organizer(app, world, make_user, grant):
    user = grant(make_user("olga@example.org", name="Olga Org"), world.event, Role.ORGANIZER)
    client = app.test_client()
    sign_in(client, user)
    return client


def exports(organizer, order_ids) -> dict[str, str]:
    """What an organizer can take out: the attendee CSV, each order's page, the badge
    data of every ticket."""
    found = {"csv": organizer.get("/manage/events/summit2027/attendees.csv").get_data(as_text=True)}
    orders = [db.session.get(Order, order_id) for order_id in order_ids]
    for order in orders:
        page = organizer.get(f"/manage/events/summit2027/orders/{order.reference}")
        assert page.status_code == 200
        found[order.reference] = page.get_data(as_text=True)
    tickets = [t for o in orders for t in o.tickets]
    found["badges"] = json.dumps([asdict(b) for b in badges_for(tickets)], default=str)
    return found


def test_sensitive_answers_are_gone_from_every_export_30_days_after(app, world, organizer, clock):
    """Acceptance 2: the clock moved past the event's end + 30 days, the worker's round
    erases diet, accessibility and health from the database and so from every export;
    receipts and invoices still render, with the buyer on them."""
    ids = [world.paid.id, world.invoiced.id, world.free.id]
    paid_ref, paid_token, invoiced_token = (
        world.paid.reference,
        world.paid.token,
        world.invoiced.token,
    )
    before = exports(organizer, ids)
    assert all(word in before["csv"] for word in SENSITIVE)
    assert "Vegan" in before[paid_ref]
    clock.set(world.event.ends_at + timedelta(days=30, hours=1))
    worker.one_round()
    after = exports(organizer, ids)
    for where, text in after.items():
        assert not [word for word in SENSITIVE if word in text], where
    assert "Åsa Öberg" in after["csv"] and "offentlig" in after["csv"]  # ordinary data stays
    answers = db.session.scalars(select(Answer.value)).all()
    assert not set(SENSITIVE) & set(answers)
    receipt = app.test_client().get(f"/events/summit2027/orders/{paid_token}/receipt.pdf")
    invoice = app.test_client().get(f"/events/summit2027/orders/{invoiced_token}/invoice.pdf")
    assert receipt.status_code == invoice.status_code == 200
    assert "Åsa Öberg" in pdf.text(receipt.data)
    assert "232100-0255" in pdf.text(invoice.data)
    # Each attendee list taken out is in the log, with its rows.
    logged = db.session.scalars(select(DataAccess).order_by(DataAccess.id)).all()
    assert [(e.what, e.rows, e.user_email) for e in logged] == [
        ("attendee_csv", 4, "olga@example.org")
    ] * 2
    page = organizer.get("/manage/events/summit2027/privacy/log").get_data(as_text=True)
    assert page.count("olga@example.org") == 2


def test_the_dry_run_page_shows_what_would_go_and_changes_nothing(world, organizer):
    page = organizer.get("/manage/events/summit2027/privacy")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "19 juni 2027" in text or "19 jun" in text  # 30 days after 20 May
    assert db.session.scalar(select(func.count(Answer.id))) == 16
    # The organizer chooses 14 days and anonymising after 6 months: the notice says so.
    response = organizer.post(
        "/manage/events/summit2027/privacy",
        data={
            "csrf_token": csrf_token(organizer, "/manage/events/summit2027/privacy"),
            "sensitive_days": "14",
            "keep": "months",
            "attendee_months": "6",
            "notice_sv": "",
            "notice_en": "",
        },
    )
    assert response.status_code == 302
    notice = organizer.get("/events/summit2027/privacy").get_data(as_text=True)
    assert (
        "14 dagar" in notice and "6 månader" in notice and "Mötesplats Social Innovation" in notice
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"sensitive_days": "-1"},
        {"sensitive_days": "abc"},
        {"keep": "months", "attendee_months": ""},
        {"keep": "forever"},
        {"notice_sv": "x" * 20_001},
    ],
)
def test_a_bad_policy_is_refused_and_changes_nothing(world, organizer, changes):
    data = {
        "csrf_token": csrf_token(organizer, "/manage/events/summit2027/privacy"),
        "sensitive_days": "30",
        "keep": "erased",
        "attendee_months": "",
        **changes,
    }
    response = organizer.post("/manage/events/summit2027/privacy", data=data)
    assert response.status_code == 422
    assert db.session.scalar(sa.text("SELECT count(*) FROM event_privacy")) == 0


# A person's own data -------------------------------------------------------------------


@pytest.fixture
def asa(app, world, make_user, make_call, make_proposal):
    """Åsa, the paying buyer, with an account, consents and a proposal (not in any
    published program), signed in."""
    user = make_user(privacy_world.BUYER, name="Åsa Öberg")
    call = make_call(world.event)
    make_proposal(call, user, state=ProposalState.SUBMITTED, title="Grannskap som plattform")
    client = app.test_client()
    sign_in(client, user)
    return client


def test_a_person_downloads_their_data(world, asa):
    page = asa.get("/my/data")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Grannskap som plattform" in text and world.paid.reference in text
    download = asa.get("/my/data.json")
    assert download.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(download.data)["data"]
    assert set(data) >= {"orders", "registration_answers", "call_for_speakers", "account"}
    assert {"Vegan", "Astma", "offentlig"} <= {r["Svar"] for r in data["registration_answers"]}
    consent = next(
        r for r in data["registration_answers"] if r["Fråga"] == privacy_world.PHOTO_TEXT
    )
    assert consent["Text som godkändes"] == privacy_world.PHOTO_TEXT
    logged = db.session.scalars(select(DataAccess)).all()
    assert [(e.what, e.user_email) for e in logged] == [("person_export", privacy_world.BUYER)]


def test_a_withdrawn_consent_reads_withdrawn_in_the_attendee_list(world, asa, organizer):
    page = asa.get("/my/tickets").get_data(as_text=True)
    assert page.count("Återkalla samtycke") == 1  # Åsa's own ticket; Mohammed's is his
    key = re.search(r'name="key" value="(\d+)"', page).group(1)
    token = csrf_token(asa, "/my/tickets")
    response = asa.post(
        "/my/consents/withdraw", data={"csrf_token": token, "kind": "answer", "key": key}
    )
    assert response.status_code == 302
    answer = db.session.get(Answer, int(key))
    db.session.refresh(answer)
    assert answer.withdrawn_at is not None and answer.consent_text == privacy_world.PHOTO_TEXT
    assert "Återkallat" in asa.get("/my/tickets").get_data(as_text=True)
    csv_text = organizer.get("/manage/events/summit2027/attendees.csv").get_data(as_text=True)
    asa_row = next(line for line in csv_text.splitlines() if ";Ordinarie;Åsa Öberg;" in line)
    assert "Återkallat" in asa_row and "Lämnat" not in asa_row
    # Someone else's consent (Mohammed's answer), a made-up one, no token: refused.
    other = db.session.scalar(
        select(Answer.id).where(Answer.consent_text != "", Answer.withdrawn_at.is_(None))
    )
    for data, status in (
        ({"kind": "answer", "key": str(other)}, 404),
        ({"kind": "consent", "key": "nope"}, 404),
        ({"kind": "other", "key": "1"}, 404),
        ({"kind": "answer"}, 400),
    ):
        assert (
            asa.post("/my/consents/withdraw", data={"csrf_token": token, **data}).status_code
            == status
        )
    assert (
        asa.post("/my/consents/withdraw", data={"kind": "answer", "key": str(other)}).status_code
        == 400
    )
    assert db.session.get(Answer, other).withdrawn_at is None


def what_issue_17_holds_of(world, email: str) -> None:
    """Åsa's session rating with a comment naming her, her certificate, her survey
    answer and her entry on the participant list."""
    from summit.models import (
        AnswerKind,
        Certificate,
        CertificateKind,
        ParticipantListing,
        ProgramSession,
        SessionRating,
        Survey,
        SurveyAnswer,
        SurveyQuestion,
        SurveyRecipient,
        SurveyResponse,
        SurveyStatus,
        User,
    )

    ticket = world.paid.tickets[0]
    user = db.session.scalar(select(User).where(User.email == email))
    talk = ProgramSession(event=world.event, title="Öppningen")
    survey = Survey(
        event=world.event,
        title_sv="Efteråt",
        status=SurveyStatus.SENT,
        send_at=world.event.ends_at,
        sent_at=world.event.ends_at,
        closes_at=world.event.ends_at + timedelta(days=30),
    )
    asked = SurveyQuestion(survey=survey, key="tar_med", kind=AnswerKind.TEXT, label_sv="Vad?")
    recipient = SurveyRecipient(survey=survey, email=email, name="Åsa Öberg", ticket=ticket)
    response = SurveyResponse(survey=survey, recipient=recipient)
    db.session.add_all(
        [
            talk,
            SessionRating(ticket=ticket, session=talk, score=4, comment="Bra, tyckte Åsa Öberg"),
            Certificate(
                event=world.event,
                kind=CertificateKind.ATTENDANCE,
                ticket=ticket,
                name="Åsa Öberg",
                days=["2027-05-18"],
            ),
            survey,
            asked,
            recipient,
            response,
            SurveyAnswer(response=response, question=asked, value="Mötet med Åsa Öberg"),
            ParticipantListing(
                event=world.event,
                user=user,
                ticket=ticket,
                name="Åsa Öberg",
                sektor="offentlig",
                consent_text="Ja, visa mig på deltagarlistan.",
            ),
        ]
    )
    db.session.commit()


def test_erasure_leaves_exactly_what_the_log_says_was_kept(app, world, asa, organizer, make_user):
    """Acceptance 3 (web): Åsa asks, the organizer completes; what still holds her
    name or address is the receipt's buyer (as the log says) and the request itself.
    Her session rating stays as a score (as the log says too), nobody's."""
    from summit.models import SessionRating

    what_issue_17_holds_of(world, privacy_world.BUYER)
    words = privacy_world.ASA_WORDS
    assert asa.get("/my/data.json").status_code == 200  # logged with her address
    assert (
        len(privacy_world.tables_holding(words)) > 6
    )  # orders, tickets, waiting list, users, proposals...
    token = csrf_token(asa, "/my/tickets")
    assert asa.post("/my/data/erasure", data={"csrf_token": token}).status_code == 302
    assert asa.post("/my/data/erasure", data={"csrf_token": token}).status_code == 302  # once
    asked = db.session.scalars(select(ErasureRequest)).one()
    page = organizer.get("/manage/events/summit2027/privacy").get_data(as_text=True)
    assert privacy_world.BUYER in page
    response = organizer.post(
        f"/manage/events/summit2027/privacy/requests/{asked.token}/complete",
        data={"csrf_token": csrf_token(organizer, "/manage/events/summit2027/privacy")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    asked = db.session.get(ErasureRequest, asked.id)
    assert asked.completed_by_email == "olga@example.org"
    assert asked.kept_lines == [
        "1 programbetyg finns kvar som enbart betyg (ingen kommentar, ingen koppling till "
        "personen), så att programpunkternas statistik stämmer.",
        "1 enkätsvar finns kvar utan namn, adress, biljett eller fritext, som anonym statistik "
        "för evenemangets enkäter.",
        f"Beställningar {world.paid.reference}: köparens namn, organisation, organisationsnummer "
        "och fakturaadress finns kvar på kvittot eller fakturan i sju år, som bokföringslagen "
        "(7 kap. 2 §) kräver.",
    ]
    rating = db.session.scalars(select(SessionRating)).one()
    assert (rating.score, rating.ticket_id, rating.comment) == (4, None, "")
    # What the log says, and the request: nothing else anywhere holds her.
    assert privacy_world.tables_holding(words) == privacy_world.KEPT_AFTER_ERASURE
    assert privacy_world.tables_holding({"Grannskap som plattform"}) == set()
    # She is signed out (her account is gone); the receipt still has her as the buyer.
    assert asa.get("/my/tickets").status_code == 302
    receipt = asa.get(f"/events/summit2027/orders/{world.paid.token}/receipt.pdf")
    assert "Åsa Öberg" in pdf.text(receipt.data) and "Vegan" not in pdf.text(receipt.data)
    # Completing again changes nothing.
    again = organizer.post(
        f"/manage/events/summit2027/privacy/requests/{asked.token}/complete",
        data={"csrf_token": csrf_token(organizer, "/manage/events/summit2027/privacy")},
    )
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(ErasureRequest.id))) == 1
    # The site admins' page keeps the log: who completed it, what was kept and why.
    admin = app.test_client()
    sign_in(admin, make_user("admin@example.org", is_site_admin=True))
    overview = admin.get("/manage/privacy").get_data(as_text=True)
    assert "olga@example.org" in overview and "bokföringslagen" in overview


def test_an_organizer_of_another_event_cannot_complete_a_request(
    app, world, asa, make_event, make_user, grant
):
    other = make_event(slug="annat")
    elsewhere = grant(make_user("else@example.org"), other, Role.ORGANIZER)
    asa.post("/my/data/erasure", data={"csrf_token": csrf_token(asa, "/my/tickets")})
    asked = db.session.scalars(select(ErasureRequest)).one()
    client = app.test_client()
    sign_in(client, elsewhere)
    token = csrf_token(client, "/manage/events/annat/privacy")
    assert privacy_world.BUYER not in client.get("/manage/events/annat/privacy").get_data(
        as_text=True
    )
    client.post(
        f"/manage/events/annat/privacy/requests/{asked.token}/complete", data={"csrf_token": token}
    )
    assert (
        client.post(
            "/manage/events/annat/privacy/requests/nope/complete", data={"csrf_token": token}
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(ErasureRequest, asked.id).completed_at is None
    assert client.get("/manage/privacy").status_code == 403


# The privacy notice and the accessibility statement ------------------------------------


def test_the_shop_and_every_page_link_to_the_notices(app, world, make_ticket_type):
    make_ticket_type(world.event, "Ordinarie")
    shop = app.test_client().get("/events/summit2027/tickets/").get_data(as_text=True)
    assert "/events/summit2027/privacy" in shop
    assert "/accessibility" in shop and 'href="/privacy"' not in shop  # the event's own
    assert 'href="/privacy"' in app.test_client().get("/").get_data(as_text=True)
    notice = app.test_client().get("/events/summit2027/privacy").get_data(as_text=True)
    assert "personuppgiftsansvarig" in notice and "30 dagar" in notice and "sju år" in notice


def test_the_accessibility_statement_has_what_the_law_asks(app):
    page = app.test_client().get("/accessibility").get_data(as_text=True)
    for required in (
        "(WCAG) 2.1 på nivå AA",
        "delvis förenlig",
        "DIGG",
        "digg.se/tdosanmalan",
        "2026-12-07",
    ):
        assert required in page, required


def test_an_accessibility_report_is_stored_and_mailed(app, world):
    client = app.test_client()
    token = csrf_token(client, "/accessibility")
    with app_config(app, CONTACT_EMAIL="msi@example.org"), running_smtp(app) as smtp:
        response = client.post(
            "/accessibility",
            data={
                "csrf_token": token,
                "description": "Knappen Betala går inte att nå med tangentbordet.",
                "page": "/events/summit2027/tickets",
                "email": "Karin@Example.org",
            },
        )
        assert response.status_code == 302
        deliver_pending()
        assert smtp.wait_for(lambda messages: len(messages) == 1)
    message = smtp.messages[0]
    assert message["To"] == "msi@example.org" and message["Reply-To"] == "karin@example.org"
    assert "tangentbordet" in message.get_body(("plain",)).get_content()
    report = db.session.scalars(select(AccessibilityReport)).one()
    assert report.page == "/events/summit2027/tickets"


@pytest.mark.parametrize(
    "data",
    [
        {"description": ""},
        {"description": "   "},
        {"description": "x" * 5001},
        {"description": "Problem", "email": "not an address"},
        {"description": "Problem", "page": "p" * 501},
    ],
)
def test_a_bad_report_is_refused_and_stores_nothing(app, data):
    client = app.test_client()
    response = client.post(
        "/accessibility", data={"csrf_token": csrf_token(client, "/accessibility"), **data}
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(AccessibilityReport.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_reports_need_the_csrf_token_and_are_rate_limited(app):
    client = app.test_client()
    assert client.post("/accessibility", data={"description": "Problem"}).status_code == 400
    token = csrf_token(client, "/accessibility")
    with app_config(app, ACCESSIBILITY_REPORT_RATE_LIMIT="2 per hour"):
        codes = [
            client.post(
                "/accessibility", data={"csrf_token": token, "description": f"P {n}"}
            ).status_code
            for n in range(3)
        ]
    assert codes == [302, 302, 429]
    assert db.session.scalar(select(func.count(AccessibilityReport.id))) == 2
