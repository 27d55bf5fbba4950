"""Certificates on the web: a person downloads their own from My tickets (signed in;
someone else's is a 404), organizers start bulk runs and withdraw certificates, and
anyone may check a certificate at its verification address, which says who, which
event, which days or sessions and when issued, and nothing more."""

import io
import re
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit.models import BadgeJobStatus, Certificate, CertificateRun, Role
from summit.services.certificates import bulk
from tests.certificates_world import LONG_NAME, checked_in, paid_order
from tests.conftest import csrf_token, sign_in
from tests.pdf import text
from tests.published_world import published_summit


@pytest.fixture
def world(db, make_event, make_ticket_type, make_user):
    event = make_event(slug="summit2027", name_sv="Mötesplats 2027", name_en="Summit 2027")
    regular = make_ticket_type(event, "Ordinarie", name_en="Regular", price=150000)
    order = paid_order(
        event,
        regular,
        [(LONG_NAME, "asa@malmo.se"), ("Kim Ängström", "kim@malmo.se")],
        buyer=("Kristina Andersson", "kristina@malmo.se"),
    )
    asa_ticket, _kim_ticket = order.tickets
    checked_in(asa_ticket, datetime(2027, 5, 18, 9, 0), datetime(2027, 5, 20, 9, 30))
    people = {
        "asa": make_user("asa@malmo.se", name=LONG_NAME),
        "kim": make_user("kim@malmo.se", name="Kim Ängström"),  # never checked in
        "buyer": make_user("kristina@malmo.se", name="Kristina Andersson"),
    }
    return {"event": event, "order": order, "people": people}


def mine(world, number=1) -> str:
    return f"/my/tickets/{world['order'].reference}/{number}/certificate.pdf"


def verification_url(pdf: bytes) -> str:
    found = re.search(r"http://summit\.test(/certificates/ ?[A-Za-z0-9_-]+)", text(pdf))
    assert found, text(pdf)
    return found[1].replace(" ", "")


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(mine(world))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.get("/my/events/summit2027/speaker-certificate.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_attendee_downloads_theirs_in_either_language_and_it_verifies(client, db, world):
    sign_in(client, world["people"]["asa"])
    page = client.get("/my/tickets").get_data(as_text=True)
    assert "Intyg om deltagande" in page and mine(world) + "?lang=en" in page
    response = client.get(mine(world))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    swedish = text(response.data)
    assert "Intyg om deltagande" in swedish and LONG_NAME in swedish
    assert "tisdag 18 maj 2027" in swedish and "torsdag 20 maj 2027" in swedish
    assert "onsdag 19 maj" not in swedish
    english = text(client.get(mine(world) + "?lang=en").data)
    assert "Certificate of attendance" in english and "Tuesday 18 May 2027" in english
    # The same facts: one certificate, whatever the language.
    assert db.session.query(Certificate).count() == 1
    url = verification_url(response.data)
    assert url == verification_url(client.get(mine(world) + "?lang=en").data)

    # Anyone may check it, signed in or not.
    client.get("/logout")
    check = client.get(url)
    assert check.status_code == 200
    html = check.get_data(as_text=True)
    assert "Intyget är äkta" in html
    assert LONG_NAME in html and "Mötesplats 2027" in html
    assert "tisdag 18 maj 2027" in html and "torsdag 20 maj 2027" in html
    # Nothing more: no email address, order or ticket.
    assert "asa@malmo.se" not in html and world["order"].reference not in html
    assert "noindex" in html


def test_someone_elses_or_an_unearned_certificate_is_a_404(client, world):
    # Kim was never checked in; Åsa's certificate is not Kim's; the buyer attends neither.
    sign_in(client, world["people"]["kim"])
    assert client.get(mine(world, 2)).status_code == 404
    assert client.get(mine(world, 1)).status_code == 404
    assert "Intyg om deltagande" not in client.get("/my/tickets").get_data(as_text=True)
    client.get("/logout")
    sign_in(client, world["people"]["buyer"])
    assert client.get(mine(world, 1)).status_code == 404
    assert "Intyg om deltagande" not in client.get("/my/tickets").get_data(as_text=True)
    for bad in ("/my/tickets/NOSUCH/1/certificate.pdf", mine(world, 3), mine(world, 0)):
        assert client.get(bad).status_code == 404


def test_a_speaker_downloads_their_certificate_of_presentation(client, world, make_user):
    world_program = published_summit(world["event"], make_user)
    sign_in(client, world_program["asa"])
    page = client.get("/my/tickets").get_data(as_text=True)
    assert "Intyg om medverkan som talare" in page
    response = client.get("/my/events/summit2027/speaker-certificate.pdf?lang=en")
    assert response.status_code == 200
    pdf = text(response.data)
    assert "Certificate of presentation" in pdf and "Åsa Öberg" in pdf
    assert "Öppning: social innovation i Sverige" in pdf and "Avslutning" in pdf
    assert "Samskapande i praktiken" not in pdf  # Per's, not hers
    html = client.get(verification_url(response.data)).get_data(as_text=True)
    assert "Avslutning" in html and "Verkstad: tjänstedesign" in html
    client.get("/logout")
    sign_in(client, world["people"]["kim"])  # speaks in nothing
    assert client.get("/my/events/summit2027/speaker-certificate.pdf").status_code == 404
    assert client.get("/my/events/no-such-event/speaker-certificate.pdf").status_code == 404


def test_a_withdrawn_certificate_says_so(client, db, world, make_user, grant):
    sign_in(client, world["people"]["asa"])
    url = verification_url(client.get(mine(world)).data)
    token = url.rsplit("/", 1)[1]
    client.get("/logout")
    organizer = grant(make_user("org@example.org"), world["event"], Role.ORGANIZER)
    sign_in(client, organizer)
    page = "/manage/events/summit2027/certificates/"
    assert LONG_NAME in client.get(page).get_data(as_text=True)
    withdraw = f"{page}issued/{token}/withdraw"
    assert client.post(withdraw, data={}).status_code == 400  # no CSRF token
    assert db.session.query(Certificate).one().withdrawn_at is None
    response = client.post(withdraw, data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.query(Certificate).one().withdrawn_by_id == organizer.id
    check = client.get(url)
    assert check.status_code == 410
    html = check.get_data(as_text=True)
    assert "Intyget har återkallats" in html and "Intyget är äkta" not in html
    # Another event's organizer cannot withdraw it; an unknown token is a 404.
    assert (
        client.post(
            f"{page}issued/{'x' * 24}/withdraw", data={"csrf_token": csrf_token(client, page)}
        ).status_code
        == 404
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t and "\x00" not in t))
def test_unknown_tokens_are_a_404_that_says_so(client, db, token):
    response = client.get(f"/certificates/{token}")
    assert response.status_code == 404
    if token.isprintable() and not set(token) & set("?#%\\"):  # else the app's own 404
        assert "Det finns inget intyg på den här adressen" in response.get_data(as_text=True)


def test_bulk_runs_are_for_organizers_only(client, db, world, make_user, grant):
    page = "/manage/events/summit2027/certificates/"
    response = client.get(page)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    door = grant(make_user("door@example.org"), world["event"], Role.DOOR)
    sign_in(client, door)
    assert client.get(page).status_code == 403
    token = csrf_token(client, "/login")
    data = {"kind": "attendance", "language": "own", "csrf_token": token}
    assert client.post(page, data=data).status_code == 403
    assert db.session.query(CertificateRun).count() == 0
    sign_in(client, world["people"]["asa"])  # an attendee
    assert client.get(page).status_code == 403


def test_an_organizer_gets_everyones_certificates_as_one_zip(client, db, world, make_user, grant):
    organizer = grant(make_user("org@example.org"), world["event"], Role.ORGANIZER)
    sign_in(client, organizer)
    page = "/manage/events/summit2027/certificates/"
    html = client.get(page).get_data(as_text=True)
    assert "Incheckade minst en gång" in html
    response = client.post(
        page,
        data={"kind": "attendance", "language": "en", "csrf_token": csrf_token(client, page)},
    )
    assert response.status_code == 303
    run = db.session.query(CertificateRun).one()
    assert response.headers["Location"].endswith(f"/certificates/runs/{run.token}/")
    assert run.status is BadgeJobStatus.QUEUED and run.total == 1
    # The web process only queued it: the worker renders it.
    assert bulk.run_pending_runs() == 1
    status = client.get(f"{page}runs/{run.token}/status").get_json()
    assert status["status"] == "done" and status["done"] == 1
    assert "Ladda ner ZIP-filen" in client.get(f"{page}runs/{run.token}/").get_data(as_text=True)
    download = client.get(status["download"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        (name,) = archive.namelist()
        pdf = text(archive.read(name))
    assert name.startswith("certificate-attendance-summit2027-")
    assert LONG_NAME in pdf and "Certificate of attendance" in pdf
    # Another event's run token, or none, is a 404.
    assert client.get(f"{page}runs/{'x' * 22}/").status_code == 404
    # Nobody to certify: said on the form, nothing queued.
    refused = client.post(
        page,
        data={"kind": "presentation", "language": "sv", "csrf_token": csrf_token(client, page)},
    )
    assert refused.status_code == 422
    assert "Ingen har ännu ett intyg av det här slaget" in refused.get_data(as_text=True)
    assert db.session.query(CertificateRun).count() == 1
