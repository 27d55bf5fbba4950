"""Every route declares who may use it, and every protected route refuses the others.

The routes are read from the app's URL map, so a new route is tested the day it is
added: without an access declaration it fails here, and with one it is probed as an
anonymous visitor, as a person without the role, and as a person with it, in a world
with one of everything (`world`). A person with the role must get the route's own
answer, as written in EXPECTED; a route missing there fails until it is added.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from summit import create_app, models
from summit.access import ACCESS_LEVELS
from summit.models import (
    AccessCode,
    BadgeJob,
    BadgeJobStatus,
    CertificateKind,
    CertificateRun,
    CfpQuestion,
    Checkin,
    DiscountCode,
    DiscountKind,
    Event,
    EventRole,
    Order,
    OrderStatus,
    OutboxAttachment,
    OutboxMessage,
    ProgramDay,
    ProposalState,
    QuestionKind,
    ReviewerAssignment,
    Role,
    SessionSpeaker,
    Ticket,
    TicketType,
    Track,
    User,
    utcnow,
)
from summit.services.certificates.issuing import issue_attendance
from summit.services.checkin import setup as checkin_setup
from summit.services.program.releases import publish
from tests import signup_world
from tests.billing import numbered_invoice
from tests.conftest import CFP_OPEN_NOW, built_once, csrf_token, sign_in

PROTECTED_PREFIXES = ("/manage", "/api", "/door", "/checkin")
# Fixed URL values; the ids and tokens of the objects made in `world` are added there.
SAMPLE_VALUES = {
    "slug": "summit2027",
    "reference": "ACCESS23",  # the order made in `world`
    "number": 1,  # its first ticket (Mina biljetter), a release number on the program pages
    "kind": "accepted",  # a decision email
    "locale": "sv",
    "day": "2027-05-18",  # the program's first day (ISO date)
}


# What a person with the role gets from each protected route in `world`: 200 for a page,
# the redirect (302/303) of a form or an action done, 422 for a form sent empty (the
# form with its errors). A new route fails the tests until it is added here.
EXPECTED: dict[tuple[str, str], int] = {
    ("GET", "site.my_tickets"): 200,
    ("GET", "privacy.my_data"): 200,
    ("GET", "privacy.my_data_json"): 200,
    ("POST", "privacy.ask_erasure"): 302,
    ("POST", "privacy.withdraw_consent"): 302,
    ("GET", "privacy.settings"): 200,
    ("POST", "privacy.settings"): 422,
    ("GET", "privacy.event_log"): 200,
    ("POST", "privacy.complete_event_request"): 302,
    ("GET", "privacy.overview"): 200,
    ("POST", "privacy.complete_request"): 302,
    ("GET", "site.my_ticket_pdf"): 200,
    ("GET", "site.my_attendance_certificate"): 200,
    ("GET", "site.my_presentation_certificate"): 200,
    ("GET", "certificates.index"): 200,
    ("POST", "certificates.index"): 422,
    ("GET", "certificates.run"): 200,
    ("GET", "certificates.run_status"): 200,
    ("GET", "certificates.download"): 200,
    ("POST", "certificates.withdraw"): 303,
    # The event's policy is off (and the ticket checked in): said, nothing changes.
    ("GET", "tickets.my_cancel_ticket"): 409,
    ("POST", "tickets.my_cancel_ticket"): 409,
    ("GET", "tickets.my_transfer_ticket"): 409,
    ("POST", "tickets.my_transfer_ticket"): 409,
    ("GET", "auth.account"): 200,
    ("POST", "auth.account"): 422,
    ("POST", "auth.sign_out_everywhere"): 302,  # signed out, to the start page
    ("GET", "admin.dashboard"): 200,
    ("GET", "admin.new_event"): 200,
    ("POST", "admin.new_event"): 422,
    ("GET", "admin.edit_event"): 200,
    ("POST", "admin.edit_event"): 422,
    ("GET", "admin.copy_event"): 200,
    ("POST", "admin.copy_event"): 422,
    ("POST", "admin.publish"): 302,
    ("POST", "admin.unpublish"): 302,
    ("GET", "admin.roles"): 200,
    ("POST", "admin.roles"): 422,
    ("POST", "admin.revoke_role"): 302,
    ("GET", "admin.outbox_list"): 200,
    ("GET", "admin.outbox_message"): 200,
    ("GET", "admin.outbox_attachment"): 200,
    ("POST", "admin.outbox_retry"): 302,
    ("GET", "admin.bank_page"): 200,
    ("POST", "admin.bank_page"): 422,
    ("POST", "admin.bank_match"): 302,
    ("POST", "admin.bank_settle"): 302,
    ("GET", "tickets.ticket_types"): 200,
    ("GET", "tickets.new_ticket_type"): 200,
    ("POST", "tickets.new_ticket_type"): 422,
    ("GET", "tickets.edit_ticket_type"): 200,
    ("POST", "tickets.edit_ticket_type"): 422,
    ("POST", "tickets.deactivate_ticket_type"): 302,
    ("POST", "tickets.delete_ticket_type"): 302,
    ("GET", "tickets.question_list"): 200,
    ("GET", "tickets.new_question"): 200,
    ("POST", "tickets.new_question"): 422,
    ("GET", "tickets.edit_question"): 200,
    ("POST", "tickets.edit_question"): 422,
    ("POST", "tickets.move_question"): 302,
    ("POST", "tickets.deactivate_question"): 302,
    ("POST", "tickets.delete_question"): 302,
    ("GET", "tickets.addon_list"): 200,
    ("GET", "tickets.applications"): 200,
    ("POST", "tickets.decide_applications"): 400,
    ("GET", "tickets.new_addon"): 200,
    ("POST", "tickets.new_addon"): 422,
    ("GET", "tickets.edit_addon"): 200,
    ("POST", "tickets.edit_addon"): 422,
    ("POST", "tickets.delete_addon"): 302,
    ("GET", "tickets.discount_codes"): 200,
    ("GET", "tickets.new_discount_code"): 200,
    ("POST", "tickets.new_discount_code"): 422,
    ("GET", "tickets.edit_discount_code"): 200,
    ("POST", "tickets.edit_discount_code"): 422,
    ("POST", "tickets.deactivate_discount_code"): 302,
    ("POST", "tickets.delete_discount_code"): 302,
    ("GET", "tickets.sales_overview"): 200,
    ("GET", "tickets.overdue_invoices"): 200,
    ("GET", "tickets.orders"): 200,
    ("GET", "tickets.order_detail"): 200,
    ("POST", "tickets.order_resend"): 302,
    ("POST", "tickets.order_invoice_paid"): 302,
    ("GET", "tickets.order_document_pdf"): 200,
    ("GET", "tickets.order_document_xml"): 200,
    ("POST", "tickets.order_einvoice_again"): 302,
    ("POST", "tickets.order_dispute"): 302,
    ("GET", "tickets.order_cancel"): 200,
    ("POST", "tickets.order_cancel"): 302,
    ("GET", "tickets.order_refund"): 302,
    ("POST", "tickets.order_refund"): 302,
    ("GET", "tickets.attendees_csv"): 200,
    ("GET", "tickets.bookkeeping"): 200,
    ("POST", "tickets.bookkeeping"): 302,  # every account empty: BAS's
    ("GET", "tickets.bookkeeping_export"): 422,  # no period
    ("GET", "tickets.self_service_policy"): 200,
    ("POST", "tickets.self_service_policy"): 422,
    ("GET", "tickets.voucher_list"): 200,
    ("POST", "tickets.make_vouchers"): 422,
    ("POST", "tickets.revoke_voucher"): 302,
    ("GET", "tickets.vouchers_csv"): 200,
    ("GET", "tickets.waiting_lists"): 200,
    ("POST", "tickets.waiting_offer_hours"): 422,
    ("POST", "tickets.waiting_offer"): 302,
    ("POST", "tickets.waiting_remove"): 302,
    ("GET", "checkin.door_scanner"): 200,
    ("GET", "checkin.status"): 200,
    ("GET", "checkin.stations"): 200,
    ("POST", "checkin.stations"): 422,
    ("GET", "checkin.station_settings"): 200,
    ("POST", "checkin.station_settings"): 422,
    ("POST", "checkin.renew_station"): 200,
    ("POST", "checkin.revoke_station"): 302,
    ("GET", "checkin.lists"): 200,
    ("POST", "checkin.lists"): 422,
    ("POST", "checkin.delete_list"): 302,
    ("GET", "checkin.search"): 200,
    ("POST", "checkin.check_in_by_hand"): 302,
    ("POST", "checkin.undo"): 302,
    ("GET", "badges.index"): 200,
    ("POST", "badges.index"): 422,
    ("GET", "badges.job"): 200,
    ("GET", "badges.job_status"): 200,
    ("GET", "badges.download"): 200,
    ("POST", "badges.ticket_badge"): 200,
    ("GET", "speakers.manage_index"): 200,
    ("GET", "speakers.manage_call"): 200,
    ("POST", "speakers.manage_call"): 422,
    ("POST", "speakers.manage_decide"): 422,
    ("GET", "speakers.manage_proposal"): 200,
    ("POST", "speakers.manage_assign_one"): 422,
    ("POST", "speakers.manage_unassign"): 302,
    ("POST", "speakers.manage_reopen"): 302,
    ("POST", "speakers.manage_resend"): 302,
    ("GET", "speakers.manage_emails"): 200,
    ("GET", "speakers.manage_email"): 200,
    ("POST", "speakers.manage_email"): 422,
    ("POST", "speakers.manage_reset_email"): 302,
    ("GET", "speakers.manage_new_format"): 200,
    ("POST", "speakers.manage_new_format"): 422,
    ("GET", "speakers.manage_edit_format"): 200,
    ("POST", "speakers.manage_edit_format"): 422,
    ("GET", "speakers.manage_new_track"): 200,
    ("POST", "speakers.manage_new_track"): 422,
    ("GET", "speakers.manage_edit_track"): 200,
    ("POST", "speakers.manage_edit_track"): 422,
    ("GET", "speakers.manage_new_question"): 200,
    ("POST", "speakers.manage_new_question"): 422,
    ("GET", "speakers.manage_edit_question"): 200,
    ("POST", "speakers.manage_edit_question"): 422,
    ("GET", "speakers.manage_new_criterion"): 200,
    ("POST", "speakers.manage_new_criterion"): 422,
    ("GET", "speakers.manage_edit_criterion"): 200,
    ("POST", "speakers.manage_edit_criterion"): 422,
    ("GET", "speakers.manage_new_code"): 200,
    ("POST", "speakers.manage_new_code"): 302,
    ("GET", "speakers.manage_edit_code"): 200,
    ("POST", "speakers.manage_edit_code"): 302,
    ("POST", "speakers.manage_delete_format"): 302,
    ("POST", "speakers.manage_move_format"): 302,
    ("POST", "speakers.manage_delete_question"): 302,
    ("POST", "speakers.manage_move_question"): 302,
    ("POST", "speakers.manage_delete_criterion"): 302,
    ("POST", "speakers.manage_move_criterion"): 302,
    ("POST", "speakers.manage_delete_code"): 302,
    ("GET", "speakers.manage_reviewers"): 200,
    ("POST", "speakers.manage_reviewer_tracks"): 302,
    ("GET", "speakers.manage_proposals"): 200,
    ("POST", "speakers.manage_assign"): 422,
    ("GET", "speakers.profile"): 200,
    ("POST", "speakers.profile"): 422,
    ("POST", "speakers.remove_photo"): 302,
    ("GET", "speakers.my_proposals"): 200,
    ("GET", "speakers.new_proposal"): 200,
    ("POST", "speakers.new_proposal"): 422,
    ("GET", "speakers.proposal"): 200,
    ("GET", "speakers.edit_proposal"): 200,
    ("POST", "speakers.edit_proposal"): 422,
    ("POST", "speakers.submit_proposal"): 302,
    ("GET", "speakers.withdraw"): 200,
    ("POST", "speakers.withdraw"): 302,
    ("POST", "speakers.answer"): 302,
    ("POST", "speakers.invite"): 422,
    ("POST", "speakers.remove_co_speaker"): 422,
    ("POST", "speakers.resend_invitation"): 422,
    ("GET", "speakers.availability"): 200,
    ("POST", "speakers.availability"): 302,
    ("GET", "speakers.review_list"): 200,
    ("GET", "speakers.review_proposal"): 200,
    ("POST", "speakers.review_proposal"): 422,
    ("GET", "program.editor_start"): 302,
    ("GET", "program.editor"): 200,
    ("POST", "program.place"): 200,
    ("GET", "program.place_form"): 200,
    ("POST", "program.place_form"): 422,
    ("GET", "program.conflicts"): 200,
    ("GET", "program.releases"): 200,
    ("GET", "program.release"): 200,
    ("GET", "program.publish"): 200,
    ("POST", "program.publish"): 302,
    ("GET", "program.overview"): 200,
    ("GET", "program.rooms"): 200,
    ("GET", "program.new_room"): 200,
    ("POST", "program.new_room"): 422,
    ("GET", "program.edit_room"): 200,
    ("POST", "program.edit_room"): 422,
    ("POST", "program.move_room"): 302,
    ("POST", "program.delete_room"): 302,
    ("GET", "program.days"): 200,
    ("GET", "program.new_day"): 200,
    ("POST", "program.new_day"): 422,
    ("GET", "program.edit_day"): 200,
    ("POST", "program.edit_day"): 422,
    ("POST", "program.delete_day"): 302,
    ("GET", "program.sessions"): 200,
    ("GET", "program.new_session"): 200,
    ("POST", "program.new_session"): 422,
    ("GET", "program.edit_session"): 200,
    ("POST", "program.edit_session"): 422,
    ("POST", "program.delete_session"): 302,
    ("GET", "program.signup"): 200,
    ("POST", "program.signup"): 422,
    ("GET", "program.signups"): 200,
    ("POST", "program.signups_door_list"): 303,
    ("GET", "mailings.mailing_list"): 200,
    ("GET", "mailings.new_mailing"): 200,
    ("POST", "mailings.new_mailing"): 422,
    ("GET", "mailings.show_mailing"): 200,
    ("GET", "mailings.edit_mailing"): 200,
    ("POST", "mailings.edit_mailing"): 422,
    ("POST", "mailings.send_mailing"): 422,  # neither now nor a time: nothing sent
    ("POST", "mailings.unschedule_mailing"): 303,  # not scheduled: said so, back
    ("POST", "mailings.resend_mailing"): 422,
    ("GET", "mailings.mailing_log"): 200,
    # Session feedback: nobody is checked in, but the workshop (February: the call is
    # open) has not started, which the page says; sending a rating is refused.
    ("GET", "program.rate_session"): 200,
    ("POST", "program.rate_session"): 409,
    ("GET", "program.feedback_results"): 200,
    ("GET", "speakers.my_feedback"): 200,
    # The participant list: nobody holds a ticket but is not on the list, so she may
    # join (her page) and not see it; leaving when not on it changes nothing.
    ("GET", "meeting.participants"): 403,
    ("GET", "meeting.my_listing"): 200,
    ("POST", "meeting.my_listing"): 422,
    ("POST", "meeting.withdraw"): 303,
    ("GET", "surveys.survey_list"): 200,
    ("GET", "surveys.new_survey"): 200,
    ("POST", "surveys.new_survey"): 422,
    ("GET", "surveys.show_survey"): 200,
    ("GET", "surveys.edit_survey"): 200,
    ("POST", "surveys.edit_survey"): 422,
    ("POST", "surveys.schedule_survey"): 303,
    ("POST", "surveys.unschedule_survey"): 303,  # not scheduled: said so, back
    ("GET", "surveys.survey_results"): 200,
    # The impact report and its exports; the public summary switched on and back.
    ("GET", "impact.report"): 200,
    ("GET", "impact.report_xlsx"): 200,
    ("GET", "impact.report_pdf"): 200,
    ("POST", "impact.public_switch"): 302,
    ("GET", "surveys.new_survey_question"): 200,
    ("POST", "surveys.new_survey_question"): 422,
    ("GET", "surveys.edit_survey_question"): 200,
    ("POST", "surveys.edit_survey_question"): 422,
    ("POST", "surveys.move_survey_question"): 303,
    ("POST", "surveys.deactivate_survey_question"): 303,
    ("POST", "surveys.delete_survey_question"): 303,
}


def _rules():
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40, "TESTING": True}
    )
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((rule.rule, rule.endpoint, method, getattr(view, "access", None)))
    return rules


RULES = _rules()
PROTECTED = [r for r in RULES if r[3] not in (None, "public", "api_token")]
# The door JSON API: a station's bearer token (or a door account's session), JSON answers.
API = [r for r in RULES if r[3] == "api_token"]


def test_every_route_declares_its_access():
    undeclared = [f"{endpoint} {rule}" for rule, endpoint, _m, access in RULES if access is None]
    assert not undeclared, f"routes without @public/@signed_in/@..._required: {undeclared}"
    for _rule, endpoint, _method, access in RULES:
        assert access in ACCESS_LEVELS or isinstance(access, tuple), endpoint


def test_organizer_and_door_areas_are_never_public():
    public = [rule for rule, _e, _m, access in RULES if rule.startswith(PROTECTED_PREFIXES)]
    exposed = [rule for rule, _e, _m, access in RULES if rule in public and access == "public"]
    assert not exposed


def test_there_are_protected_routes_to_check():
    # Guards against the URL map walk silently finding nothing.
    assert len(PROTECTED) >= 10


@pytest.fixture
def world(app, db, make_event, make_user, grant, make_call, make_proposal, make_profile, clock):
    """summit2027 with one of everything its pages show (so that every page can answer
    as it does on the day), and a person in every relation to it. "nobody" has no role:
    she bought the order, holds a ticket and wrote the proposal, so the pages for any
    signed-in person show her own things.

    Built by the first test that asks; every later test gets the same rows written
    back into its empty tables (built_once), not built again. Everyone is signed in
    through the login form then, once: their login sessions are rows of the world, and
    `signed_in` gives a test a browser holding one's cookie."""
    clock.set(CFP_OPEN_NOW)  # February 2027: the call is open, the summit to come

    def build() -> dict:
        built = _build_world(
            db, make_event, make_user, grant, make_call, make_proposal, make_profile
        )
        cookies = {}
        for who, person in built["people"].items():
            client = app.test_client()
            sign_in(client, person)
            cookies[who] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        return {
            "cookies": cookies,
            "event_id": built["event"].id,
            "people": {who: user.id for who, user in built["people"].items()},
            "ids": built["ids"],
            "tokens": built["tokens"],
        }

    made = built_once("access", build)
    users = {user.id: user for user in db.session.scalars(select(User))}
    return {
        "event": db.session.get(Event, made["event_id"]),
        "people": {who: users[user_id] for who, user_id in made["people"].items()},
        "ids": dict(made["ids"]),
        "tokens": dict(made["tokens"]),
        "cookies": made["cookies"],
    }


def signed_in(app, world, who: str):
    """A browser signed in as `who` of the world (its cookie from the login form)."""
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], world["cookies"][who])
    return client


def _build_world(db, make_event, make_user, grant, make_call, make_proposal, make_profile):
    event = make_event(slug="summit2027")
    other = make_event(slug="annat-event")
    people = {
        "admin": make_user("admin@example.org", is_site_admin=True),
        "nobody": make_user("nobody@example.org"),
        "elsewhere": make_user("elsewhere@example.org"),
    }
    for role in Role:
        people[role.value] = grant(make_user(f"{role.value}@example.org"), event, role)
        grant(people["elsewhere"], other, role)
    nobody, reviewer = people["nobody"], people["reviewer"]

    # Tickets: a type, a code, nobody's paid order with two tickets, one checked in.
    ticket_type = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
    code = DiscountCode(event=event, code="ACCESS", kind=DiscountKind.PERCENT, value=10)
    order = Order(
        event=event,
        reference="ACCESS23",
        status=OrderStatus.PAID,
        expires_at=utcnow(),
        buyer_name="Nobody Särskild",
        buyer_email=nobody.email,
    )
    for name in ("Nobody Särskild", "Kollega Karlsson"):
        order.tickets.append(
            Ticket(
                ticket_type=ticket_type,
                price=150000,
                vat_percent=25,
                attendee_name=name,
                attendee_email=nobody.email,
            )
        )
    db.session.add_all([code, order])
    db.session.commit()
    # Its invoice, number 1, to an organisation; its e-invoice refused by the access point.
    order.org_number = "212000-1124"
    invoice = numbered_invoice(order, 1, date(2027, 3, 1), date(2027, 3, 31))
    db.session.flush()
    sending = db.session.scalars(select(models.EinvoiceDelivery)).one()
    assert sending.invoice_id == invoice.id
    sending.state = models.DeliveryState.FAILED
    db.session.commit()
    question = models.Question(
        event=event, key="sektor", kind=models.AnswerKind.TEXT, label_sv="Sektor"
    )
    db.session.add(question)
    db.session.commit()
    dinner = models.Addon(event=event, name_sv="Konferensmiddag", price=65000, vat_percent=12)
    db.session.add(dinner)
    db.session.commit()
    made = {
        "type_id": ticket_type.id,
        "code_id": code.id,
        "registration_question_id": question.id,  # question_id is the call for speakers' own
        "addon_id": dinner.id,
    }
    voucher_model = getattr(models, "Voucher", None)  # tickets by code (issue 13, owner 1)
    if voucher_model is not None:
        voucher = voucher_model(
            event_id=event.id, ticket_type_id=ticket_type.id, code="ACCESSVOUCHER23"
        )
        db.session.add(voucher)
        db.session.commit()
        made["voucher_id"] = voucher.id
    entry = models.WaitingListEntry(
        event=event, ticket_type=ticket_type, name="Åsa", email="asa@example.org"
    )
    db.session.add(entry)
    db.session.commit()
    made["entry_id"] = entry.id

    # The outbox: a message with an attachment.
    message = OutboxMessage(to_address="a@example.org", subject="Hej", body_text="Hej")
    message.attachments.append(
        OutboxAttachment(filename="a.txt", content_type="text/plain", data=b"Hej")
    )
    db.session.add(message)
    db.session.commit()
    made |= {"message_id": message.id, "attachment_id": message.attachments[0].id}

    # A bank file with a payment waiting for a person.
    bank = models.BankFile(sha256="0" * 64, content=b"")
    waiting = models.BankPayment(
        file=bank,
        serial="000000000001",
        paid_on=utcnow().date(),
        amount=100,
        outcome=models.BankOutcome.UNMATCHED,
    )
    db.session.add(waiting)
    db.session.commit()
    made["row_id"] = waiting.id

    # Check-in: a station on the entrance list; the first ticket is checked in.
    station, _token = checkin_setup.create_station(event, "Entré A")
    checked_in, not_yet = order.tickets
    made_checkin = Checkin(ticket=checked_in, checkin_list=station.checkin_list, station=station)
    db.session.add(made_checkin)
    db.session.commit()
    made |= {
        "station_id": station.id,
        "list_id": station.checkin_list_id,
        "ticket_id": not_yet.id,
        "checkin_id": made_checkin.id,
        "checked_in_ticket_id": checked_in.id,
    }

    # Badges: a finished print run with its PDF.
    job = BadgeJob(
        event=event,
        layout="a6",
        status=BadgeJobStatus.DONE,
        total=1,
        done=1,
        pdf=b"%PDF-1.4\n%%EOF\n",
        finished_at=utcnow(),
    )
    db.session.add(job)

    # Call for speakers: nobody's submitted proposal, given to the reviewer by hand.
    call = make_call(event)
    track = Track(event=event, name_sv="Hållbarhet", name_en="Sustainability")
    question = CfpQuestion(call=call, kind=QuestionKind.TEXT, label_sv="Varför?")
    access_code = AccessCode(call=call, code="SENT")
    db.session.add_all([track, question, access_code])
    make_profile(nobody)
    proposal = make_proposal(call, nobody)
    # Accepted and waiting for her answer: it also makes her a speaker of the program.
    accepted = make_proposal(call, nobody, state=ProposalState.ACCEPTED, title="Antagen")
    db.session.add(ReviewerAssignment(proposal=proposal, reviewer=reviewer))
    db.session.commit()
    made |= {
        "format_id": call.formats[0].id,
        "criterion_id": call.criteria[0].id,
        "track_id": track.id,
        "question_id": question.id,
        "access_code_id": access_code.id,
        "reviewer_id": reviewer.id,
        "grant_id": db.session.scalar(
            select(EventRole.id).where(EventRole.user_id == people["door"].id)
        ),
    }

    # The program: rooms, days, a published release with a workshop nobody may sign up for.
    workshop, talk = signup_world.workshop(event)
    # Nobody speaks in the talk, as the next release has it (her certificate of
    # presentation); her first ticket was checked in (her certificate of attendance).
    db.session.add(SessionSpeaker(session=talk, user=nobody))
    db.session.commit()
    publish(event, confirm_conflicts=True)
    certificate = issue_attendance(checked_in)
    certificate_run = CertificateRun(
        event=event,
        kind=CertificateKind.ATTENDANCE,
        status=BadgeJobStatus.DONE,
        total=1,
        done=1,
        archive=b"PK\x05\x06" + bytes(18),
        finished_at=utcnow(),
    )
    db.session.add(certificate_run)
    db.session.commit()
    made |= {
        "room_id": workshop.room_id,
        "day_id": db.session.scalar(select(ProgramDay.id).where(ProgramDay.event_id == event.id)),
    }
    tokens = {
        "proposals": proposal.token,
        "accepted": accepted.token,
        "program": workshop.token,
        "badges": job.token,
        "certificate_runs": certificate_run.token,
        "certificates": certificate.token,
    }
    made["session_version"] = workshop.version

    # Group mail: a draft to every attendee.
    mailing = models.Mailing(
        event_id=event.id,
        subject_sv="Välkommen",
        body_sv="Hej {namn}!",
        criteria={"attendees": True},
    )
    db.session.add(mailing)
    db.session.commit()
    made["mailing_id"] = mailing.id

    # A survey, a draft with one question (sent in June: the clock is in February).
    survey = models.Survey(
        event_id=event.id,
        title_sv="Vad tyckte du?",
        send_at=utcnow() + timedelta(days=120),
        closes_at=utcnow() + timedelta(days=130),
    )
    db.session.add(survey)
    db.session.flush()
    survey_question = models.SurveyQuestion(
        survey_id=survey.id, key="betyg", kind=models.AnswerKind.NUMBER, label_sv="Betyg"
    )
    db.session.add(survey_question)
    db.session.commit()
    made |= {"survey_id": survey.id, "survey_question_id": survey_question.id}
    # Personal data: nobody asked for erasure and gave a newsletter consent.
    erasure = models.ErasureRequest(email=nobody.email)
    consent = models.Consent(
        email=nobody.email, purpose=models.ConsentPurpose.NEWSLETTER, text="Ja, nyhetsbrevet."
    )
    db.session.add_all([erasure, consent])
    db.session.commit()
    tokens["erasure"] = erasure.token
    made["consent_token"] = consent.token
    return {"event": event, "people": people, "ids": made, "tokens": tokens}


def _token_for(rule: str, world) -> str:
    """Routes called <token> name different things: a print run, a program session, or a
    proposal (speakers' and reviewers' pages), an erasure request."""
    if "/privacy/" in rule:
        return world["tokens"]["erasure"]
    if "/badges/runs/" in rule:
        return world["tokens"]["badges"]
    if "/certificates/runs/" in rule:
        return world["tokens"]["certificate_runs"]
    if "/certificates/issued/" in rule:
        return world["tokens"]["certificates"]
    if "/program/" in rule:
        return world["tokens"]["program"]
    if rule.endswith("/answer"):  # an answer needs an accepted proposal
        return world["tokens"]["accepted"]
    if "/speakers/" in rule or "/review/" in rule:
        return world["tokens"]["proposals"]
    raise AssertionError(f"say in _token_for() what the <token> of {rule} is")


def _url(rule: str, world) -> str:
    values = dict(SAMPLE_VALUES, **world["ids"])
    if "<token>" in rule:
        values["token"] = _token_for(rule, world)
    url = rule
    for name, value in values.items():
        for converter in ("", "int:"):
            url = url.replace(f"<{converter}{name}>", str(value))
    assert "<" not in url, f"make an object for the variables of {rule} in `world`"
    return url


# What a person with the role sends, where the empty form is not the route's use: the
# action's own fields (anything else posts just the CSRF token).
BODIES = {
    ("POST", "admin.revoke_role"): lambda ids: {"grant": ids["grant_id"]},
    ("POST", "tickets.order_dispute"): lambda ids: {"keep": "1"},
    ("POST", "speakers.manage_move_format"): lambda ids: {"step": 1},
    ("POST", "speakers.manage_move_question"): lambda ids: {"step": 1},
    ("POST", "tickets.move_question"): lambda ids: {"step": 1},
    ("POST", "surveys.move_survey_question"): lambda ids: {"step": 1},
    ("POST", "speakers.manage_move_criterion"): lambda ids: {"step": 1},
    ("POST", "program.move_room"): lambda ids: {"step": 1},
    ("POST", "speakers.answer"): lambda ids: {"yes": "1"},
    ("POST", "privacy.withdraw_consent"): lambda ids: {
        "kind": "consent",
        "key": ids["consent_token"],
    },
}
JSON_BODIES = {
    ("POST", "program.place"): lambda world: {
        "token": world["tokens"]["program"],
        "version": world["ids"]["session_version"],
        "action": "unschedule",
    },
}


def _request(client, method: str, url: str, endpoint: str = "", world=None):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/login")
    if (method, endpoint) in JSON_BODIES:
        body = JSON_BODIES[method, endpoint](world)
        return client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
    data = BODIES[method, endpoint](world["ids"]) if (method, endpoint) in BODIES else {}
    return client.open(url, method=method, data={"csrf_token": token, **data})


def _refused(access) -> list[str]:
    """Who must be refused: everyone signed in who lacks the access."""
    if access == "login":
        return []
    if access == "site_admin":
        return ["nobody", "elsewhere", *[r.value for r in Role]]
    return ["nobody", "elsewhere", *[r.value for r in Role if r not in access]]


def _allowed(access) -> list[str]:
    """Who must get the page's own answer. A page for any signed-in person is tried by
    "nobody", whose order, ticket and proposal the world holds."""
    if access == "login":
        return ["nobody"]
    if access == "site_admin":
        return ["admin"]
    return ["admin", *[r.value for r in access]]


ALLOWED = [(*rule, who) for rule in PROTECTED for who in _allowed(rule[3])]


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), PROTECTED)
def test_anonymous_is_sent_to_sign_in(client, world, rule, endpoint, method, access):
    response = _request(client, method, _url(rule, world))
    assert response.status_code == 302, endpoint
    assert response.headers["Location"].startswith("/login"), endpoint


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), PROTECTED)
def test_people_without_the_role_get_403(app, world, rule, endpoint, method, access):
    for who in _refused(access):
        response = _request(signed_in(app, world, who), method, _url(rule, world))
        assert response.status_code == 403, f"{who} got {response.status_code} on {method} {rule}"


def _missing_from_table() -> list[str]:
    return sorted({f"{m} {e}  ({r})" for r, e, m, _a in PROTECTED if (m, e) not in EXPECTED})


def test_every_protected_route_has_its_expected_answer():
    missing = _missing_from_table()
    assert not missing, (
        "routes missing from EXPECTED in tests/web/test_access.py; add each with the "
        "status a person with the role gets from it in `world` (make what it needs "
        "there): " + "; ".join(missing)
    )


@pytest.mark.parametrize(("rule", "endpoint", "method", "access", "who"), ALLOWED)
def test_people_with_the_role_get_the_page(app, world, rule, endpoint, method, access, who):
    """Not just "not refused": the answer the page gives when it works (a 404 of an
    object that is not there, or a 400 of a request it cannot read, fails here)."""
    expected = EXPECTED.get((method, endpoint))
    if expected is None:
        pytest.fail(
            f"add ({method!r}, {endpoint!r}) for {rule} to EXPECTED in "
            "tests/web/test_access.py, with the status a person with the role gets",
            pytrace=False,
        )
    response = _request(signed_in(app, world, who), method, _url(rule, world), endpoint, world)
    assert response.status_code == expected, (
        f"{who} got {response.status_code}, not {expected}, on {method} {rule}"
    )
    location = response.headers.get("Location", "")
    assert not location.startswith("/login"), f"{who} sent to sign in on {method} {rule}"


# The door JSON API ---------------------------------------------------------------------


def test_there_are_api_routes_to_check():
    assert len(API) >= 5
    assert all(rule.startswith("/api/") for rule, *_ in API)


# What the door API answers a station or account of the event, and what it is sent:
# a scan of the ticket not yet in, an empty batch, an undo of the one checked in.
API_EXPECTED = {
    ("POST", "checkin.scan"): 200,
    ("GET", "checkin.offline_list"): 200,
    ("POST", "checkin.upload"): 200,
    ("GET", "checkin.api_search"): 200,
    ("POST", "checkin.api_undo"): 200,
    ("GET", "checkin.door_info"): 200,
}
API_BODIES = {
    ("POST", "checkin.scan"): lambda ids: {"ticket_id": ids["ticket_id"]},
    ("POST", "checkin.upload"): lambda ids: {"scans": []},
    ("POST", "checkin.api_undo"): lambda ids: {"ticket_id": ids["checked_in_ticket_id"]},
}


# A scan answers 200 whatever its verdict: this one must let the person in.
API_ANSWERS = {("POST", "checkin.scan"): {"status": "ok"}}


def _assert_api_answer(response, method: str, endpoint: str, who: str, rule: str) -> None:
    expected = API_EXPECTED.get((method, endpoint))
    assert response.status_code == expected, f"{who} got {response.status_code} on {method} {rule}"
    assert response.is_json
    for key, value in API_ANSWERS.get((method, endpoint), {}).items():
        assert response.get_json()[key] == value, f"{who} on {method} {rule}: {response.json}"


def test_every_api_route_has_its_expected_answer():
    missing = sorted(f"{m} {e}  ({r})" for r, e, m, _a in API if (m, e) not in API_EXPECTED)
    assert not missing, f"add these to API_EXPECTED in tests/web/test_access.py: {missing}"


def _api_request(
    client, method: str, url: str, token: str | None = None, csrf: str = "", body=None
):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if csrf:
        headers["X-CSRFToken"] = csrf
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, json=body or {}, headers=headers)


def _api_body(method: str, endpoint: str, world):
    make = API_BODIES.get((method, endpoint))
    return make(world["ids"]) if make else None


@pytest.fixture
def stations(world, db):
    from summit.models import Station
    from summit.services.checkin import setup as checkin_setup
    from summit.services.events import get_event

    _ok, valid = checkin_setup.create_station(world["event"], "Entré A")
    revoked, revoked_token = checkin_setup.create_station(world["event"], "Entré B")
    checkin_setup.revoke_station(db.session.get(Station, revoked.id))
    _other, elsewhere = checkin_setup.create_station(get_event("annat-event"), "Dörr")
    return {"valid": valid, "revoked": revoked_token, "elsewhere": elsewhere}


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_refuses_without_a_token(client, world, rule, endpoint, method, access):
    response = _api_request(client, method, _url(rule, world))
    assert response.status_code == 401 and response.is_json, endpoint
    response = _api_request(client, method, _url(rule, world), "not-a-real-station-token-000")
    assert response.status_code == 401, endpoint


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_refuses_revoked_and_other_events_stations(
    client, world, stations, rule, endpoint, method, access
):
    url = _url(rule, world)
    assert _api_request(client, method, url, stations["revoked"]).status_code in (401, 403)
    assert _api_request(client, method, url, stations["elsewhere"]).status_code == 403


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_lets_this_events_station_in(client, world, stations, rule, endpoint, method, access):
    body = _api_body(method, endpoint, world)
    response = _api_request(client, method, _url(rule, world), stations["valid"], body=body)
    _assert_api_answer(response, method, endpoint, "a station", rule)


@pytest.mark.parametrize(("rule", "endpoint", "method", "access"), API)
def test_api_for_accounts_refuses_people_without_the_door_or_organizer_role(
    app, world, rule, endpoint, method, access
):
    for who in ("nobody", "elsewhere", "reviewer"):
        client = signed_in(app, world, who)
        response = _api_request(
            client, method, _url(rule, world), csrf=csrf_token(client, "/login")
        )
        assert response.status_code == 403, f"{who} got {response.status_code} on {method} {rule}"


@pytest.mark.parametrize(
    ("rule", "endpoint", "method", "access", "who"),
    [(*rule, who) for rule in API for who in ("door", "organizer", "admin")],
)
def test_api_for_accounts_answers_door_staff_and_organizers(
    app, world, rule, endpoint, method, access, who
):
    client = signed_in(app, world, who)
    response = _api_request(
        client,
        method,
        _url(rule, world),
        csrf=csrf_token(client, "/login"),
        body=_api_body(method, endpoint, world),
    )
    _assert_api_answer(response, method, endpoint, who, rule)
