"""Print on arrival: a station with printing on offers the attendee's badge after an OK
scan (and for a deliberate reprint after "already checked in"), as a signed link that
serves one badge PDF and logs it; every link that no longer holds is refused and logs
nothing. And the organizers' station form for the setting."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit.models import BadgePrint, OrderStatus, PrintChannel, Role, Station, utcnow
from summit.services.badges import arrival as arrival_badges
from summit.services.checkin import setup as checkin_setup
from summit.services.checkin.decision import iso
from tests import pdf
from tests.checkin_world import DAY_END, DAY_START, ticket, ticket_type
from tests.conftest import csrf_token, event_day_noon, sign_in

API = "/api/v1/events/summit2027/checkin"
MANAGE = "/manage/events/summit2027/checkin"
BADGE_URL = re.compile(r"/events/summit2027/arrival-badge/([A-Za-z0-9_.-]+)")


@pytest.fixture
def summit(make_event, clock):
    clock.set(event_day_noon())  # running today, so the entrance list admits now
    return make_event(slug="summit2027", starts_at=DAY_START, ends_at=DAY_END)


@pytest.fixture
def regular(summit):
    return ticket_type(summit, "Ordinarie", name_en="Regular", price=150000)


def make_station(event, name="Entré A", prints=True, layout="a6"):
    station, token = checkin_setup.create_station(
        event, name, prints_badges=prints, badge_layout=layout
    )
    return station, token


def scan(client, token, secret):
    return client.post(API, json={"secret": secret}, headers={"Authorization": f"Bearer {token}"})


def prints(db) -> list[BadgePrint]:
    db.session.commit()
    return list(db.session.scalars(select(BadgePrint).order_by(BadgePrint.id)))


def badge_url(answer: dict) -> str:
    url = answer["badge"]["url"]
    assert BADGE_URL.fullmatch(url), url
    return url


def test_a_station_without_printing_offers_no_badge(client, db, summit, regular):
    _station, token = make_station(summit, prints=False)
    answer = scan(client, token, ticket(summit, regular).secret).get_json()
    assert answer["status"] == "ok" and "badge" not in answer
    door = client.get(f"{API}/door", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert door["prints_badges"] is False
    assert prints(db) == []


def test_ok_scan_offers_the_badge_and_the_link_serves_it(client, db, summit, regular):
    station, token = make_station(summit)
    guest = ticket(summit, regular, name="Anna Andersson Berg", organisation="Malmö stad")
    door = client.get(f"{API}/door", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert door["prints_badges"] is True

    answer = scan(client, token, guest.secret).get_json()
    assert answer["status"] == "ok"
    url = badge_url(answer)
    assert answer["badge"]["printed_at"] is None
    # Nothing the link carries can be read back as the ticket's secret.
    assert guest.secret not in url
    assert prints(db) == []  # offered, not printed yet

    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="namnbricka.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    # Only our own scanner page may show it in a frame.
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    document = response.data
    assert pdf.page_count(document) == 1
    assert pdf.page_sizes_mm(document) == [(105.0, 148.0)]
    assert pdf.page_qr_codes(document) == [[guest.secret]]
    assert "Anna" in pdf.text(document) and "Malmö stad" in pdf.text(document)

    [printed] = prints(db)
    assert (printed.ticket_id, printed.channel, printed.layout, printed.station_id) == (
        guest.id,
        PrintChannel.ARRIVAL,
        "a6",
        station.id,
    )

    # Scanned again: "already checked in", with the badge for a deliberate reprint and
    # when it was printed.
    again = scan(client, token, guest.secret).get_json()
    assert again["reason"] == "already_checked_in"
    assert again["badge"]["printed_at"] == iso(printed.printed_at)
    assert client.get(badge_url(again)).status_code == 200
    assert len(prints(db)) == 2


def test_a_label_printer_station_gets_a_62_mm_label(client, db, summit, regular):
    _station, token = make_station(summit, layout="ql-62")
    guest = ticket(summit, regular, name="Bertil Berg")
    response = client.get(badge_url(scan(client, token, guest.secret).get_json()))
    assert response.status_code == 200
    assert pdf.page_sizes_mm(response.data) == [(62.0, 100.0)]
    assert pdf.page_qr_codes(response.data) == [[guest.secret]]
    assert [p.layout for p in prints(db)] == ["ql-62"]


def test_refused_verdicts_and_door_accounts_get_no_badge(
    client, db, summit, regular, make_user, grant
):
    _station, token = make_station(summit)
    unpaid = ticket(summit, regular, status=OrderStatus.PENDING)
    answer = scan(client, token, unpaid.secret).get_json()
    assert answer["reason"] == "unpaid" and "badge" not in answer
    assert "badge" not in scan(client, token, "no-such-ticket-0000000").get_json()
    # Printing is a station's setting: a door-staff account scanning gets no badge.
    staff = grant(make_user("dorr@example.org"), summit, Role.DOOR)
    sign_in(client, staff)
    csrf = csrf_token(client, "/events/summit2027/checkin/")
    guest = ticket(summit, regular)
    answer = client.post(API, json={"secret": guest.secret}, headers={"X-CSRFToken": csrf})
    assert answer.get_json()["status"] == "ok" and "badge" not in answer.get_json()
    assert prints(db) == []


def _offered(client, summit, regular, token):
    guest = ticket(summit, regular)
    return guest, badge_url(scan(client, token, guest.secret).get_json())


def _refused(client, db, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert prints(db) == []


def test_a_tampered_link_is_not_found(client, db, summit, regular):
    _station, token = make_station(summit)
    _guest, url = _offered(client, summit, regular, token)
    signed = url.rsplit("/", 1)[1]
    # Change the signature's first character: the last one's low bits are padding in
    # base64, so changing it may decode to the same bytes.
    payload, stamp, signature = signed.split(".")
    flipped = f"{payload}.{stamp}." + ("A" if signature[0] != "A" else "B") + signature[1:]
    _refused(client, db, url.replace(signed, flipped), 404)
    # Another ticket's id in the payload with the old signature: not ours.
    other = arrival_badges._serializer().dumps([1, 999999, "x" * 16]).split(".")[0]
    _refused(client, db, url.replace(signed, f"{other}.{stamp}.{signature}"), 404)
    assert payload != other


def test_an_expired_link_is_refused(client, db, summit, regular):
    station, _token = make_station(summit)
    guest = ticket(summit, regular)
    eleven_minutes_ago = utcnow() - timedelta(minutes=11)
    old = arrival_badges.make_token(station.id, guest.id, station.token_hash, eleven_minutes_ago)
    _refused(client, db, f"/events/summit2027/arrival-badge/{old}", 403)
    # Nine minutes old still works: the limit is ten.
    recent = arrival_badges.make_token(
        station.id, guest.id, station.token_hash, utcnow() - timedelta(minutes=9)
    )
    assert client.get(f"/events/summit2027/arrival-badge/{recent}").status_code == 200
    # The service decides "as of" a moment: the same link, checked eleven minutes on.
    with pytest.raises(arrival_badges.BadgeRefused) as refused:
        arrival_badges.print_badge(recent, "summit2027", now=utcnow() + timedelta(minutes=2))
    assert refused.value.status == 403 and refused.value.reason == "expired"


def test_links_of_another_event_are_not_found(client, db, summit, regular, make_event):
    other = make_event(slug="annat-event")
    elsewhere, other_token = make_station(other, "Dörr")
    guest = ticket(other, ticket_type(other, "Ordinarie"))
    # The other event's own link, under this event's address.
    url = badge_url_for(client, other_token, guest.secret).replace("annat-event", "summit2027")
    _refused(client, db, url, 404)
    # A link naming this event's station and the other event's ticket.
    station, _token = make_station(summit, "Entré A")
    mixed = arrival_badges.make_token(station.id, guest.id, station.token_hash)
    _refused(client, db, f"/events/summit2027/arrival-badge/{mixed}", 404)
    # A station that does not exist.
    gone = arrival_badges.make_token(elsewhere.id + 1000, guest.id, elsewhere.token_hash)
    _refused(client, db, f"/events/summit2027/arrival-badge/{gone}", 404)


def badge_url_for(client, token, secret) -> str:
    response = client.post(
        "/api/v1/events/annat-event/checkin",
        json={"secret": secret},
        headers={"Authorization": f"Bearer {token}"},
    )
    url = response.get_json()["badge"]["url"]
    assert url.startswith("/events/annat-event/arrival-badge/")
    return url


def test_revoked_renewed_or_no_longer_printing_stations_are_refused(client, db, summit, regular):
    station, token = make_station(summit)
    _guest, url = _offered(client, summit, regular, token)
    # Printing turned off after the scan.
    checkin_setup.change_station(
        station, station.name, station.checkin_list, prints_badges=False, badge_layout="a6"
    )
    _refused(client, db, url, 403)
    # On again, but the station gets a new link (a lost phone): the old offers are void.
    checkin_setup.change_station(
        station, station.name, station.checkin_list, prints_badges=True, badge_layout="a6"
    )
    token = checkin_setup.renew_token(db.session.get(Station, station.id))
    _refused(client, db, url, 403)
    # Revoked.
    _guest, url = _offered(client, summit, regular, token)
    checkin_setup.revoke_station(db.session.get(Station, station.id))
    _refused(client, db, url, 403)


@pytest.mark.parametrize(
    "garbage",
    [
        "x",
        "not-a-real-token",
        "a.b.c",
        "W1sxLDJdXQ.ZZZZZZ.ZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "%3Cscript%3Ealert(1)%3C%5Cscript%3E",
        "' OR 1=1 --",
        "å" * 40,
        "A" * 1000,
    ],
)
def test_garbage_links_are_not_found(client, db, summit, garbage):
    make_station(summit)
    _refused(client, db, f"/events/summit2027/arrival-badge/{garbage}", 404)


def test_a_token_that_is_signed_but_not_a_badge_token_is_not_found(client, db, summit, regular):
    station, _token = make_station(summit)
    for payload in ({"s": station.id}, [station.id, True, "x"], [station.id], "x", [0, 1, "x"]):
        signed = arrival_badges._serializer().dumps(payload)
        _refused(client, db, f"/events/summit2027/arrival-badge/{signed}", 404)


# The organizers' station form -------------------------------------------------------


@pytest.fixture
def organizer(client, summit, make_user, grant, login):
    person = grant(make_user("arrangor@example.org", name="Arrangören"), summit, Role.ORGANIZER)
    login(person)
    return person


def post(client, path, data, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data})


def station_row(db) -> tuple:
    db.session.commit()
    row = db.session.execute(
        select(Station.name, Station.checkin_list_id, Station.prints_badges, Station.badge_layout)
    ).one()
    return tuple(row)


def test_organizer_turns_printing_on_for_a_station(client, db, summit, regular, organizer):
    response = post(
        client,
        f"{MANAGE}/stations",
        {"name": "Entré A", "checkin_list": "0", "prints_badges": "y", "badge_layout": "ql-62"},
    )
    assert response.status_code == 200
    name, list_id, printing, layout = station_row(db)
    assert (name, printing, layout) == ("Entré A", True, "ql-62")
    station_id = db.session.scalar(select(Station.id))
    listing = client.get(f"{MANAGE}/stations").get_data(as_text=True)
    assert "Brother QL 62 mm" in listing
    assert f"{MANAGE}/stations/{station_id}" in listing

    # The settings page shows what is set, and turns printing off.
    settings = client.get(f"{MANAGE}/stations/{station_id}").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*id="prints_badges"[^>]*>', settings)[0]
    assert "checked" in checkbox
    assert re.search(r'<option selected value="ql-62"|value="ql-62" selected', settings)
    response = post(
        client,
        f"{MANAGE}/stations/{station_id}",
        {"name": "Entré A", "checkin_list": str(list_id), "badge_layout": "a6"},
    )
    assert response.status_code == 302
    assert station_row(db) == ("Entré A", list_id, False, "a6")


def test_station_form_refuses_garbage_and_changes_nothing(client, db, summit, organizer):
    post(
        client,
        f"{MANAGE}/stations",
        {"name": "Entré A", "checkin_list": "0", "prints_badges": "y", "badge_layout": "a6"},
    )
    before = station_row(db)
    station_id = db.session.scalar(select(Station.id))
    url = f"{MANAGE}/stations/{station_id}"
    for bad in (
        {"badge_layout": "a4"},
        {"badge_layout": "a6x4"},  # a sheet layout: not one badge per page
        {"badge_layout": "<script>"},
        {"checkin_list": "99999"},
        {"name": "   "},
    ):
        data = {"name": "Nytt namn", "checkin_list": str(before[1]), "badge_layout": "ql-62"}
        response = post(client, url, {**data, **bad})
        assert response.status_code == 422, bad
        assert station_row(db) == before, bad
    # A new station with an unknown layout is not made.
    response = post(
        client,
        f"{MANAGE}/stations",
        {"name": "Entré B", "checkin_list": "0", "prints_badges": "y", "badge_layout": "a4"},
    )
    assert response.status_code == 422
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Station)) == 1
    # Another event's organizer cannot reach it; a station of another event is not found.
    assert client.get(f"{MANAGE}/stations/{station_id + 1000}").status_code == 404


def test_the_service_refuses_unknown_layouts(db, summit):
    with pytest.raises(checkin_setup.SetupError):
        checkin_setup.create_station(summit, "Entré A", badge_layout="a4")
    station, _token = make_station(summit)
    with pytest.raises(checkin_setup.SetupError):
        checkin_setup.change_station(
            station, "Entré A", station.checkin_list, prints_badges=True, badge_layout="a7x8"
        )
    db.session.rollback()
    assert (station.prints_badges, station.badge_layout) == (True, "a6")


@pytest.mark.parametrize("layout", ["a6", "ql-62"])
def test_the_arrival_badge_prints_every_word_of_the_name_whole_with_the_logo(
    client, db, summit, regular, layout
):
    """As printed at the door: no name broken mid-word ("Mohamm / ed"), the event's
    logo and accent colour on it."""
    from PIL import Image

    from summit.services import branding

    logo = io.BytesIO()
    Image.new("RGB", (200, 200), (255, 140, 0)).save(logo, "PNG")
    branding.save_branding(summit, "#a3264f", logo=logo.getvalue())
    _station, token = make_station(summit, layout=layout)
    guest = ticket(
        summit, regular, name="Mohammed Ängströmsdottir-Kristoffersson", organisation="Vinnova"
    )
    document = client.get(badge_url(scan(client, token, guest.secret).get_json())).data
    words = pdf.text(document).split()
    for word in ("Mohammed", "Ängströmsdottir-Kristoffersson", "Vinnova"):
        assert word in words, (layout, words)
    page = pdf.page_images(document)[0]
    colours = page.getcolors(maxcolors=1 << 20)

    def share(rgb) -> float:
        close = (n for n, c in colours if all(abs(a - b) < 40 for a, b in zip(c, rgb, strict=True)))
        return sum(close) / (page.width * page.height)

    assert share((255, 140, 0)) > 0.005, layout  # the logo
    assert share((163, 38, 79)) > 0.01, layout  # the accent strip and rule
