"""The organizer's bookkeeping page: the accounts saved or refused whole, the SIE file
downloaded for a period (read back by the tests' own reader), bad periods refused
clearly; and `flask invoices sie` refusing what it cannot do."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from summit.models import DataAccess, Role, utcnow
from summit.services.bookkeeping import accounts_of
from tests import bookkeeping_world as world
from tests.conftest import STOCKHOLM, csrf_token
from tests.fakestripe import ticket_type
from tests.sie_reader import read

PAGE = "/manage/events/summit2027/bookkeeping/"
EXPORT = "/manage/events/summit2027/bookkeeping/sie"
TODAY = utcnow().astimezone(STOCKHOLM).date()


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(user)
    return user


@pytest.fixture
def regular(db, event):
    return ticket_type(db, event, "Ordinarie", price=150000, vat_percent=25)


def save(client, **fields):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), **fields})


def test_the_page_shows_the_bas_accounts_and_the_items(client, organizer, regular):
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.text
    for default in ("3041", "2611", "1510", "1930", "1580", "2420", "3740"):
        assert f'placeholder="{default}"' in html
    assert "Ordinarie" in html and f'name="ticket_type_{regular.id}"' in html
    assert f'action="{EXPORT}"' in html and 'method="get"' in html


def test_accounts_are_saved_and_used(db, client, organizer, event, regular):
    response = save(client, bank="1932", vat_25="2610", **{f"ticket_type_{regular.id}": "3045"})
    assert response.status_code == 302
    db.session.expire_all()
    assert event.ledger_accounts == {"bank": "1932", "vat_25": "2610"}
    assert regular.sales_account == "3045"
    assert accounts_of(event)["receivables"] == "1510"
    # Emptied again: BAS's once more.
    assert save(client, **{f"ticket_type_{regular.id}": ""}).status_code == 302
    db.session.expire_all()
    assert event.ledger_accounts == {} and regular.sales_account is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bank", "19300", "Enter an account of four digits"),
        ("bank", "19 3", "Enter an account of four digits"),
        ("bank", "abcd", "Enter an account of four digits"),
        ("bank", "3041", "must be in class 1"),
        ("vat_12", "1510", "must be in class 2"),
        ("sales_0", "\x00301", "control characters"),
        ("ticket_type", "2611", "must be in class 3"),
    ],
)
def test_garbage_accounts_are_refused_and_nothing_changes(
    db, client, organizer, event, regular, field, value, message
):
    assert save(client, bank="1932").status_code == 302
    name = f"ticket_type_{regular.id}" if field == "ticket_type" else field
    response = save(client, rounding="3741", **{name: value})
    assert response.status_code == 422
    assert message in response.text
    db.session.expire_all()
    assert event.ledger_accounts == {"bank": "1932"} and regular.sales_account is None


def test_a_post_without_its_token_changes_nothing(db, client, organizer, event):
    response = client.post(PAGE, data={"bank": "1932"})
    assert response.status_code == 400
    db.session.expire_all()
    assert event.ledger_accounts == {}


def test_the_file_is_downloaded_for_the_period(db, client, organizer, event, regular):
    world.buy(event, {regular: 2})
    world.buy(event, {regular: 1}, invoice="Umeå kommun", email="umea@example.org")
    first, last = TODAY - timedelta(days=31), TODAY
    response = client.get(EXPORT, query_string={"first": f"{first}", "last": f"{last}"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="summit2027-{first}-{last}.se"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    parsed = read(response.data)
    assert [v.series for v in parsed.vouchers] == ["F", "K"]
    assert all(v.balance == 0 for v in parsed.vouchers)
    assert parsed.vouchers[0].text.endswith("Umeå kommun")
    logged = db.session.scalars(select(DataAccess)).one()
    assert (logged.what, logged.rows, logged.user_email) == ("sie_export", 2, "omar@example.org")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Enter a date, e.g. 2027-05-18."),
        ({"first": "2027-01-01"}, "Enter a date, e.g. 2027-05-18."),
        ({"first": "2027-13-01", "last": "2027-01-31"}, "Enter a date, e.g. 2027-05-18."),
        ({"first": "igår", "last": "2027-01-31"}, "Enter a date, e.g. 2027-05-18."),
        ({"first": "1999-01-01", "last": "1999-01-31"}, "between the years 2000 and 2100"),
        ({"first": "2027-02-01", "last": "2027-01-31"}, "cannot be before the first"),
        ({"first": "2025-01-01", "last": "2027-01-01"}, "At most two years"),
    ],
)
def test_a_bad_period_is_refused_clearly(db, client, organizer, query, message):
    response = client.get(EXPORT, query_string=query)
    assert response.status_code == 422
    assert response.content_type.startswith("text/html")
    assert message in response.text
    assert db.session.scalars(select(DataAccess)).all() == []


def test_a_period_no_person_types_is_a_bad_request(client, organizer):
    response = client.get(EXPORT, query_string={"first": "2027-01-01\x00", "last": "2027-01-31"})
    assert response.status_code == 400


def test_the_page_is_in_swedish_first(client, organizer, regular):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    html = client.get(PAGE).text
    assert "Bokföring" in html and "Ladda ned SIE-filen" in html
    response = client.get(EXPORT, query_string={"first": "2027-02-01", "last": "2027-01-31"})
    assert "Sista dagen kan inte vara före den första." in response.text


def test_people_without_the_organizer_role_get_nothing(db, client, event, make_user, grant, login):
    assert client.get(EXPORT).status_code == 302  # to sign in
    login(grant(make_user("door@example.org"), event, Role.DOOR))
    period = {"first": "2027-01-01", "last": "2027-01-31"}
    assert client.get(EXPORT, query_string=period).status_code == 403
    assert client.get(PAGE).status_code == 403


# The command line ---------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["invoices", "sie", *args])


def test_the_command_writes_the_file(app, db, event, regular, tmp_path):
    world.buy(event, {regular: 1})
    out = tmp_path / "books.se"
    result = run(app, "summit2027", "--from", f"{TODAY}", "--to", f"{TODAY}", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{out}: vouchers 1, accounts 3"
    assert [v.series for v in read(out.read_bytes()).vouchers] == ["K"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nosuch", "--from", "2027-01-01", "--to", "2027-01-31"], "no event 'nosuch'"),
        (["summit2027", "--from", "2027-01-32", "--to", "2027-01-31"], "'2027-01-32'"),
        # The refusals of the bookkeeping itself, in the site's first language.
        (["summit2027", "--from", "2027-02-01", "--to", "2027-01-31"], "kan inte vara före"),
        (["summit2027", "--from", "2020-01-01", "--to", "2027-01-31"], "Högst två år"),
        (["summit2027", "--to", "2027-01-31"], "Missing option '--from'"),
        (["--from", "2027-01-01", "--to", "2027-01-31"], "Missing argument 'SLUG...'"),
    ],
)
def test_the_command_refuses_clearly_and_writes_nothing(app, db, event, tmp_path, args, words):
    out = tmp_path / "books.se"
    result = run(app, *args, "--out", str(out))
    assert result.exit_code != 0
    assert words in result.output
    assert not out.exists()


def test_two_events_in_one_file(app, db, event, make_event, regular, tmp_path):
    other = make_event(slug="seminarium")
    world.buy(event, {regular: 1})
    world.buy(other, {ticket_type(db, other, price=50000): 1}, email="s@example.org")
    out = tmp_path / "both.se"
    day = TODAY.isoformat()
    result = run(app, "summit2027", "seminarium", "--from", day, "--to", day, "--out", str(out))
    assert result.exit_code == 0, result.output
    parsed = read(out.read_bytes())
    assert set(parsed.objects) == {("6", "summit2027"), ("6", "seminarium")}
    assert sorted(t.objects[0][1] for v in parsed.vouchers for t in v.trans[:1]) == [
        "seminarium",
        "summit2027",
    ]
