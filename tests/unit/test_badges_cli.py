"""`flask badges`: an event's badges as one PDF from the command line, logged as printed,
and clear errors (non-zero exit, nothing written) for what cannot be done."""

import pytest
from sqlalchemy import func, select

from summit.models import BadgePrint, BadgeRole, PrintChannel, TicketType
from tests import pdf
from tests.unit.test_sales import buy

# name, organisation; last names in Swedish order: Andersson, Zetterberg, Åberg, Öberg.
PEOPLE = [
    ("Örjan Öberg", "Vinnova"),
    ("Bo Zetterberg", "Malmö stad"),
    ("Anna Andersson", "Region Skåne"),
    ("Åsa Åberg", "Fryshuset"),
]


@pytest.fixture
def summit(db, make_event):
    event = make_event(slug="summit2027")
    regular = TicketType(event=event, name_sv="Ordinarie", name_en="Regular", price=150000)
    press = TicketType(
        event=event, name_sv="Press", price=0, vat_percent=0, badge_role=BadgeRole.PRESS
    )
    db.session.add_all([regular, press])
    db.session.commit()
    tickets = {}
    for name, organisation in PEOPLE:
        kind = press if name == "Bo Zetterberg" else regular
        order = buy(event, {kind: 1}, how="free" if kind is press else "invoice", buyer=name)
        order.tickets[0].attendee_organisation = organisation
        tickets[name.split()[-1]] = order.tickets[0]
    db.session.commit()
    return {"event": event, "regular": regular, "press": press, "tickets": tickets}


@pytest.fixture
def flask_badges(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["badges", *args])


def prints(db) -> int:
    return db.session.scalar(select(func.count()).select_from(BadgePrint))


def codes(document: bytes) -> list[str]:
    return [code for page in pdf.page_qr_codes(document) for code in page]


def test_writes_every_badge_in_order_and_logs_them(db, summit, flask_badges, tmp_path):
    out = tmp_path / "badges.pdf"
    result = flask_badges("summit2027", "--layout", "a6", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"4 badges written to {out}" in result.output
    document = out.read_bytes()
    assert pdf.page_count(document) == 4
    order = ["Andersson", "Zetterberg", "Åberg", "Öberg"]
    assert codes(document) == [summit["tickets"][name].secret for name in order]
    logged = db.session.scalars(select(BadgePrint)).all()
    assert len(logged) == 4
    assert {(p.channel, p.layout, p.job_id) for p in logged} == {(PrintChannel.CLI, "a6", None)}
    assert not list(tmp_path.glob(".*partial"))


def test_chosen_types_sort_language_and_only_unprinted(db, summit, flask_badges, tmp_path):
    out = tmp_path / "press.pdf"
    result = flask_badges(
        "summit2027", "--layout", "ql-62", "--out", str(out), "--ticket-type", "press",
        "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert codes(out.read_bytes()) == [summit["tickets"]["Zetterberg"].secret]
    assert "PRESS" in pdf.text(out.read_bytes()).upper()

    # By id and by English name; by organisation: Fryshuset, Region Skåne, Vinnova.
    result = flask_badges(
        "summit2027", "--layout", "a7x8", "--out", str(out), "--only-unprinted",
        "--ticket-type", str(summit["regular"].id), "--ticket-type", "REGULAR",
        "--sort", "organisation",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = out.read_bytes()
    assert pdf.page_count(document) == 1  # three of eight on one A4
    assert codes(document) == [summit["tickets"][n].secret for n in ("Åberg", "Andersson", "Öberg")]
    assert prints(db) == 4

    # Everything is printed now: --only-unprinted has nothing left.
    result = flask_badges("summit2027", "--layout", "a6", "--out", str(out), "--only-unprinted")
    assert result.exit_code != 0 and "printed already" in result.output
    assert prints(db) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchevent", "--layout", "a6"], "no event 'nosuchevent'"),
        (["summit2027", "--layout", "a5"], "'a5' is not one of"),
        (["summit2027"], "Missing option '--layout'"),
        (["summit2027", "--layout", "a6", "--ticket-type", "VIP"], "no ticket type 'VIP'"),
        (["summit2027", "--layout", "a6", "--ticket-type", "999999"], "no ticket type '999999'"),
        (["summit2027", "--layout", "a6", "--sort", "first_name"], "'first_name' is not one of"),
        (["summit2027", "--layout", "a6", "--lang", "de"], "'de' is not one of"),
    ],
)
def test_errors_exit_non_zero_and_write_nothing(db, summit, flask_badges, tmp_path, args, message):
    out = tmp_path / "badges.pdf"
    result = flask_badges(*args, "--out", str(out))
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists() and prints(db) == 0


def test_an_event_with_nothing_to_print(db, make_event, flask_badges, tmp_path):
    make_event(slug="tomt")
    out = tmp_path / "badges.pdf"
    result = flask_badges("tomt", "--layout", "a6", "--out", str(out))
    assert result.exit_code == 1
    assert "nothing to print: no paid or invoiced tickets" in result.output
    assert not out.exists()


def test_an_unwritable_file_is_an_error_and_logs_nothing(db, summit, flask_badges, tmp_path):
    out = tmp_path / "missing-dir" / "badges.pdf"
    result = flask_badges("summit2027", "--layout", "a6", "--out", str(out))
    assert result.exit_code == 1 and "cannot write" in result.output
    assert prints(db) == 0
