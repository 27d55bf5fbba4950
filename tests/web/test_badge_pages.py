"""The organizers' badge page: who may use it, what it refuses, a print run from the form
to the PDF (progress polled as the page's script does), one ticket's badge from the
order page, and the badge role on the ticket type form."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    BadgeJob,
    BadgeJobStatus,
    BadgePrint,
    BadgeRole,
    PrintChannel,
    Role,
    TicketStatus,
    TicketType,
)
from summit.services.badges import jobs as badge_jobs
from tests import pdf
from tests.conftest import csrf_token, sign_in, static_url
from tests.threads import worker_running
from tests.unit.test_sales import buy
from tests.web.test_manage_ticketing import GOOD_TYPE

BASE = "/manage/events/summit2027/badges"
NAMES = ["Örjan Öberg", "Bo Zetterberg", "Anna Andersson", "Åsa Åberg", "Cecilia Ek"]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data=dict(data or {}, csrf_token=token))


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027", name_sv="Summit 2027", name_en="Summit 2027")


@pytest.fixture
def tickets(db, event):
    regular = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
    speaker = TicketType(
        event=event,
        name_sv="Talare",
        name_en="Speaker",
        price=0,
        vat_percent=0,
        badge_role=BadgeRole.SPEAKER,
    )
    db.session.add_all([regular, speaker])
    db.session.commit()
    made = {}
    for name in NAMES:
        kind = speaker if name == "Bo Zetterberg" else regular
        order = buy(event, {kind: 1}, how="free" if kind is speaker else "invoice", buyer=name)
        made[name] = order.tickets[0]
    return {"regular": regular, "speaker": speaker, "tickets": made}


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org", name="Omar Organizer"), event, Role.ORGANIZER)
    login(user)
    return user


def start(client, **choice):
    data = {"layout": "a6", "sort": "last_name", "which": "unprinted", "language": "en"}
    return post(client, f"{BASE}/", data | choice)


def wait_until_finished(client, job_url: str, timeout: float = 90) -> dict:
    """Poll the run's status as the page's script does, until it is over."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"{job_url}status")
        assert response.status_code == 200 and response.is_json
        state = response.get_json()
        assert 0 <= state["done"] <= state["total"]
        if state["finished"]:
            return state
        time.sleep(0.2)
    raise AssertionError("the print run did not finish")


# Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DOOR, Role.REVIEWER])
def test_door_staff_and_reviewers_are_refused(app, db, event, tickets, make_user, grant, role):
    job = badge_jobs.start_job(event, "a6")
    ticket = tickets["tickets"]["Cecilia Ek"]
    client = app.test_client()
    sign_in(client, grant(make_user(f"{role.value}@example.org"), event, role))
    run = f"{BASE}/runs/{job.token}/"
    for path in (f"{BASE}/", run, f"{run}status", f"{run}pdf"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/login")
    assert client.post(f"{BASE}/", data={"csrf_token": token, "layout": "a6"}).status_code == 403
    refused = client.post(f"{BASE}/tickets/{ticket.id}/pdf", data={"csrf_token": token})
    assert refused.status_code == 403
    assert count(db, BadgeJob) == 1 and count(db, BadgePrint) == 0


def test_runs_of_other_events_and_made_up_tokens_are_not_found(
    client, db, event, tickets, organizer, make_event
):
    other = make_event(slug="annat")
    theirs_type = TicketType(event=other, name_sv="Deras", price=0, vat_percent=0)
    db.session.add(theirs_type)
    db.session.commit()
    theirs_order = buy(other, {theirs_type: 1}, how="free", buyer="Annan Person")
    theirs = badge_jobs.start_job(other, "a6")
    badge_jobs.run_job(theirs.id)
    for token in (theirs.token, "not-a-token", str(theirs.id), "x" * 300):
        for suffix in ("", "status", "pdf"):
            assert client.get(f"{BASE}/runs/{token}/{suffix}").status_code == 404, token
    # Another event's ticket has no badge here.
    other_ticket = theirs_order.tickets[0]
    response = post(client, f"{BASE}/tickets/{other_ticket.id}/pdf", page=f"{BASE}/")
    assert response.status_code == 404
    assert client.get(f"{BASE}/tickets/{other_ticket.id}/pdf").status_code == 405


# The page and its form -----------------------------------------------------------------------


def test_the_badge_page_shows_counts_layouts_and_choices(client, db, event, tickets, organizer):
    page = client.get(f"{BASE}/")
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page">Badges</a>' in html  # in the event's menu
    for label in (
        "A6, one per page",
        "4 × A6 on A4",
        "8 × A7 on A4",
        "Durable 54 × 90 mm, 10 per A4",
        "Brother QL 62 mm label",
    ):
        assert label in html
    assert "Only those not printed yet (5)" in html
    assert "All, including 0 already printed" in html
    assert re.search(r'<input checked [^>]*value="unprinted"', html)  # the default
    assert re.search(r'<input [^>]*checked [^>]*value="a6"', html)
    assert re.search(r"Regular <span class=\"muted\">4 badges", html)
    assert re.search(r"Speaker <span class=\"muted\">1 badge\b", html)
    assert "No print runs yet." in html


GARBAGE = [
    ({"layout": "a5"}, "layout"),
    ({"layout": ""}, "layout"),
    ({"layout": None}, "layout"),  # not sent at all
    ({"sort": "first_name"}, "sort"),
    ({"which": "some"}, "which"),
    ({"language": "de"}, "language"),
    ({"ticket_types": "abc"}, "ticket_types"),
    ({"ticket_types": "999999"}, "ticket_types"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE)
def test_garbage_is_answered_with_the_form_and_starts_nothing(
    client, db, event, tickets, organizer, change, field
):
    data = {"layout": "a6", "sort": "last_name", "which": "unprinted", "language": "sv"}
    data = {k: v for k, v in (data | change).items() if v is not None}
    response = post(client, f"{BASE}/", data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text, f"no error shown at {field}"
    assert "Please correct the following" in response.text
    assert count(db, BadgeJob) == 0


def test_a_form_without_its_csrf_token_is_refused(client, db, event, tickets, organizer):
    response = client.post(f"{BASE}/", data={"layout": "a6", "which": "all"})
    assert response.status_code == 400
    assert count(db, BadgeJob) == 0


def test_nothing_to_print_is_said_clearly(client, db, event, tickets, organizer):
    badge_jobs.run_job(badge_jobs.start_job(event, "a6").id)
    response = start(client, which="unprinted")
    assert response.status_code == 422
    assert "Every badge of this choice has been printed already" in response.text
    assert count(db, BadgeJob) == 1

    empty = TicketType(event=event, name_sv="Tom", price=0, vat_percent=0)
    db.session.add(empty)
    db.session.commit()
    response = start(client, which="all", ticket_types=str(empty.id))
    assert response.status_code == 422
    assert "there is nothing to print" in response.text
    assert count(db, BadgeJob) == 1


# A print run ---------------------------------------------------------------------------------


def test_a_print_run_from_the_form_to_the_pdf(app, client, db, event, tickets, organizer):
    response = start(client, layout="a6x4", ticket_types=str(tickets["regular"].id))
    assert response.status_code == 303
    job_url = response.headers["Location"]
    match = re.fullmatch(rf"{BASE}/runs/([\w-]+)/", job_url)
    assert match, job_url
    job = db.session.scalars(select(BadgeJob)).one()
    assert match[1] == job.token and str(job.id) != match[1]
    assert job.total == 4 and job.requested_by_id == organizer.id

    page = client.get(job_url).text
    assert "<progress" in page and 'aria-live="polite"' in page
    assert re.search(r"\d of 4", page)
    assert static_url("js/badge-job.js") in page

    # The web process only queued it; a worker renders it, keeping the request's id.
    assert job.status is BadgeJobStatus.QUEUED and job.renderer is None
    assert job.request_id == response.headers["X-Request-ID"]
    with worker_running(app):
        state = wait_until_finished(client, job_url)
    assert state["status"] == "done" and state["label"] == "Ready"
    assert (state["done"], state["total"], state["text"]) == (4, 4, "4 of 4")
    assert state["download"] == f"{job_url}pdf" and state["error"] == ""

    page = client.get(job_url).text
    assert "Download the PDF" in page and 'http-equiv="refresh"' not in page
    download = client.get(state["download"])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=namnbrickor-summit2027-a6x4.pdf"
    )
    assert pdf.page_count(download.data) == 1  # four A6 on one A4
    codes = [code for page_codes in pdf.page_qr_codes(download.data) for code in page_codes]
    regular = [t for name, t in tickets["tickets"].items() if name != "Bo Zetterberg"]
    assert sorted(codes) == sorted(t.secret for t in regular)

    prints = db.session.scalars(select(BadgePrint)).all()
    assert sorted(p.ticket_id for p in prints) == sorted(t.id for t in regular)
    assert {(p.channel, p.layout, p.job_id, p.printed_by_id) for p in prints} == {
        (PrintChannel.SHEETS, "a6x4", job.id, organizer.id)
    }
    db.session.refresh(job)
    assert job.renderer == badge_jobs.renderer_name()  # this process's worker thread

    listing = client.get(f"{BASE}/").text
    assert "Only those not printed yet (1)" in listing
    assert "All, including 4 already printed" in listing
    assert f"{job_url}pdf" in listing and "Ready" in listing


def test_a_run_in_progress_shows_its_progress_and_refreshes_without_scripts(
    client, db, event, tickets, organizer
):
    job = badge_jobs.start_job(event, "a6", requested_by=organizer)  # not started yet
    job_url = f"{BASE}/runs/{job.token}/"
    page = client.get(job_url).text
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert re.search(r'<progress id="job-bar" max="5" value="0"', page)
    assert "0 of 5" in page and "Waiting" in page
    assert client.get(f"{job_url}pdf").status_code == 404  # no PDF before it is done
    state = client.get(f"{job_url}status").get_json()
    assert state == {
        "status": "queued",
        "label": "Waiting",
        "done": 0,
        "total": 5,
        "text": "0 of 5",
        "finished": False,
        "error": "",
        "hint": "",
        "download": None,
    }


def test_a_failed_run_says_why(client, db, event, tickets, organizer):
    job = badge_jobs.start_job(event, "a6")
    for ticket in tickets["tickets"].values():
        ticket.status = TicketStatus.CANCELLED
    db.session.commit()
    badge_jobs.run_job(job.id)
    state = client.get(f"{BASE}/runs/{job.token}/status").get_json()
    assert state["status"] == "failed" and state["finished"] and "valid" in state["error"]
    page = client.get(f"{BASE}/runs/{job.token}/").text
    assert "The run failed" in page


# One ticket's badge ----------------------------------------------------------------------------


def test_one_badge_from_the_order_page(client, db, event, tickets, organizer):
    ticket = tickets["tickets"]["Anna Andersson"]
    order_page = f"/manage/events/summit2027/orders/{ticket.order.reference}"
    html = client.get(order_page).text
    action = f"{BASE}/tickets/{ticket.id}/pdf"
    assert f'action="{action}"' in html and "Badge PDF" in html

    response = post(client, action, page=order_page)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert pdf.page_sizes_mm(response.data) == [(105.0, 148.0)]
    assert pdf.page_qr_codes(response.data) == [[ticket.secret]]
    printed = db.session.scalars(select(BadgePrint)).one()
    assert (printed.ticket_id, printed.channel, printed.printed_by_id) == (
        ticket.id,
        PrintChannel.SHEETS,
        organizer.id,
    )
    assert "Printed " in client.get(order_page).text


def test_no_badge_for_a_cancelled_ticket(client, db, event, tickets, organizer):
    ticket = tickets["tickets"]["Cecilia Ek"]
    ticket.status = TicketStatus.CANCELLED
    db.session.commit()
    order_page = f"/manage/events/summit2027/orders/{ticket.order.reference}"
    assert "Badge PDF" not in client.get(order_page).text
    response = post(client, f"{BASE}/tickets/{ticket.id}/pdf", page=order_page)
    assert response.status_code == 302 and response.headers["Location"] == order_page
    assert count(db, BadgePrint) == 0


# The ribbon of a ticket type -------------------------------------------------------------------


def test_the_organizer_sets_a_ticket_types_badge_role(client, db, event, organizer):
    tickets_base = "/manage/events/summit2027/tickets"
    form = client.get(f"{tickets_base}/new").text
    assert "Role on the badge" in form and ">Press</option>" in form
    response = post(client, f"{tickets_base}/new", dict(GOOD_TYPE, badge_role="press"))
    assert response.status_code == 302
    ticket_type = db.session.scalars(select(TicketType)).one()
    assert ticket_type.badge_role is BadgeRole.PRESS
    edit = f"{tickets_base}/{ticket_type.id}/"
    assert re.search(
        r'<option selected value="press">|value="press" selected', client.get(edit).text
    )

    refused = post(client, edit, dict(GOOD_TYPE, badge_role="vip"))
    assert refused.status_code == 422 and 'id="badge_role-error"' in refused.text
    db.session.refresh(ticket_type)
    assert ticket_type.badge_role is BadgeRole.PRESS


def test_a_job_status_of_a_finished_run_is_not_cached(client, db, event, tickets, organizer):
    job = badge_jobs.start_job(event, "ql-62")
    badge_jobs.run_job(job.id)
    assert db.session.get(BadgeJob, job.id).status is BadgeJobStatus.DONE
    response = client.get(f"{BASE}/runs/{job.token}/status")
    assert response.headers["Cache-Control"] == "no-store"
    download = client.get(f"{BASE}/runs/{job.token}/pdf")
    assert "no-store" in download.headers["Cache-Control"]
    assert pdf.page_sizes_mm(download.data) == [(62.0, 100.0)] * 5


def test_a_run_no_worker_takes_says_the_worker_may_be_down(client, db, event, tickets, organizer):
    """Without `flask worker` a run stays queued: after a while its page says why."""
    job = badge_jobs.start_job(event, "a6", requested_by=organizer)
    job_url = f"{BASE}/runs/{job.token}/"
    assert client.get(f"{job_url}status").get_json()["hint"] == ""
    job.created_at -= badge_jobs.UNATTENDED + timedelta(seconds=1)
    db.session.commit()
    state = client.get(f"{job_url}status").get_json()
    assert state["status"] == "queued" and "flask worker" in state["hint"]
    page = client.get(job_url).text
    assert re.search(r'<p class="notice" id="job-hint">[^<]*flask worker', page)
    # The web process renders nothing itself, however often the page asks.
    for _ in range(3):
        client.get(f"{job_url}status")
    assert db.session.get(BadgeJob, job.id, populate_existing=True).status is (
        BadgeJobStatus.QUEUED
    )
    assert count(db, BadgePrint) == 0
