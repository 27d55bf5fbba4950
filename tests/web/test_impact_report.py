"""The impact report: its figures counted from tickets, answers and check-ins (and
nothing else), its page for organizers only, its Excel and PDF exports, the comparison
with last year's event, and the public summary an organizer switches on."""

import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from summit.extensions import db as _db
from summit.models import (
    AnswerKind,
    CheckinList,
    Event,
    Role,
)
from summit.services.impact import impact_report
from tests import pdf
from tests.conftest import STOCKHOLM, csrf_token, sign_in, statements
from tests.impact_world import AFTER, build, check_in


@pytest.fixture
def world(db, make_event):
    return build(make_event)


def rows(breakdown):
    return [(r.label, r.registered, r.attended) for r in breakdown.rows]


def test_the_figures_count_registered_tickets_and_their_check_ins(world, clock):
    event, then, _tickets = world
    clock.set(AFTER)
    report = impact_report(event, compare=then)

    assert (report.registered, report.attended, report.no_shows) == (7, 4, 3)
    assert rows(report.breakdown("sector")) == [
        ("Offentlig sektor", 3, 3),
        ("Idéburen sektor", 2, 1),
        ("Akademi", 1, 0),
        ("Inget svar", 1, 0),
    ]
    assert rows(report.breakdown("type")) == [("Ordinarie", 5, 3), ("Förkonferens", 2, 1)]
    # Day 2 admits only Ordinarie; day 3 has no list of its own, so every type.
    assert rows(report.breakdown("day")) == [
        ("tisdag 18 maj", 7, 3),
        ("onsdag 19 maj", 5, 2),
        ("torsdag 20 maj", 7, 0),
    ]
    # Spellings of one organisation are one; the most common spelling is shown.
    assert rows(report.breakdown("organisation"))[:2] == [
        ("Malmö stad", 3, 3),
        ("Coompanion", 1, 1),
    ]
    assert rows(report.breakdown("organisation"))[-1] == ("Ingen organisation angiven", 1, 0)
    assert (report.first_time, report.returning) == (6, 1)
    assert report.sales.points[-1][1] == 7

    compared = {row[0]: row[1:] for row in report.comparison.rows}
    assert compared["Registrerade"] == [7, 3]
    assert compared["Närvarande"] == [4, 0]


def test_before_the_event_nobody_is_a_no_show(world, clock):
    event, _then, _tickets = world
    clock.set(datetime(2027, 5, 1, 12, tzinfo=STOCKHOLM))
    report = impact_report(event)
    assert (report.registered, report.begun, report.no_shows) == (7, False, 0)
    assert report.key_figures().rows[1] == ["Närvarande", None, None]
    # Check-ins before the event (a rehearsal at the door) are not attendance yet.
    assert report.breakdown("sector").table().header == ["Sektor", "Registrerade"]


@pytest.fixture
def organizer(world, make_user, grant, client, clock):
    """Signed in the day after the summit (a session is for its own time)."""
    clock.set(AFTER)
    event, then, _tickets = world
    user = make_user("org@example.org")
    grant(user, event, Role.ORGANIZER)
    grant(user, then, Role.ORGANIZER)
    sign_in(client, user)
    return user


def test_the_page_shows_charts_with_their_tables(client, organizer, world):
    response = client.get("/manage/events/summit2027/impact/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    charts = re.findall(r"<svg [^>]*role=\"img\"[^>]*>\s*<title[^>]*>([^<]+)</title>", html)
    assert charts[:4] == ["Per sektor", "Per biljettyp", "Per dag", "Per organisation"]
    assert "Jämfört med Testevenemang" in html  # last year's event, by default
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Offentlig sektor 3 3 0 100 %" in text
    assert "Deltagare" not in text  # no person's name anywhere


def test_the_workbook_has_a_sheet_per_table_with_numbers(client, organizer, world):
    response = client.get("/manage/events/summit2027/impact/report.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:5] == [
        "Nyckeltal",
        "Per sektor",
        "Per biljettyp",
        "Per dag",
        "Per organisation",
    ]
    sector = book["Per sektor"]
    values = [[c.value for c in row] for row in sector.iter_rows(min_row=2)]
    assert values[0] == ["Offentlig sektor", 3, 3, 0, 1]
    assert sector["E2"].number_format == "0%"
    assert values[-1] == ["Totalt", 7, 4, 3, pytest.approx(4 / 7)]
    assert sector._charts, "the breakdown's sheet has its bar chart"


def test_the_pdf_is_the_report_with_its_charts(client, organizer, world):
    response = client.get("/manage/events/summit2027/impact/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf.text(response.data).split())
    assert "Effektrapport" in text and "Offentlig sektor" in text
    assert "Per organisation" in text


def test_a_comparison_not_offered_is_refused(client, organizer, world, make_event):
    other = make_event(slug="hemlig", starts_at=datetime(2025, 5, 1, 9, tzinfo=STOCKHOLM))
    response = client.get(f"/manage/events/summit2027/impact/?compare={other.slug}")
    assert response.status_code == 400  # not one this organizer organizes
    assert "Jämfört med" not in response.get_data(as_text=True)
    assert client.get("/manage/events/summit2027/impact/?compare=-").status_code == 200


@pytest.mark.parametrize("path", ["/", "/report.xlsx", "/report.pdf"], ids=["page", "xlsx", "pdf"])
def test_only_the_events_organizers_see_the_report(client, world, make_user, grant, path):
    event, then, _tickets = world
    url = "/manage/events/summit2027/impact" + path
    assert client.get(url).status_code == 302  # to sign in
    other = make_user("other@example.org")
    grant(other, then, Role.ORGANIZER)  # last year's, not this year's
    sign_in(client, other)
    assert client.get(url).status_code == 403


def test_the_public_summary_is_off_until_switched_on(client, organizer, world):
    event, _then, _tickets = world
    assert client.get("/events/summit2027/impact").status_code == 404
    page = "/manage/events/summit2027/impact/"
    token = csrf_token(client, page)
    assert client.post(page + "public", data={"public": "y"}).status_code == 400  # no CSRF
    assert (
        client.post(page + "public", data={"csrf_token": token, "public": "y"}).status_code == 302
    )
    _db.session.refresh(event)
    assert event.impact_public
    assert "Logga ut" in client.get("/events/summit2027/impact").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    html = client.get("/events/summit2027/impact").get_data(as_text=True)
    assert "Logga ut" not in html  # the figures are kept a minute, never the page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Registrerade 7" in text and "Närvarande 4" in text
    assert "Offentlig sektor 43 %" in text
    assert "Malmö stad" not in text and "Deltagare" not in text

    token = csrf_token(client, "/login")  # signed out: the switch is for organizers
    assert client.post(page + "public", data={"csrf_token": token}).status_code == 302
    assert _db.session.scalar(select(Event.impact_public).where(Event.id == event.id))


def test_the_report_costs_a_handful_of_queries(client, organizer, world):
    client.get("/manage/events/summit2027/impact/?compare=-")
    with statements() as sent:
        assert client.get("/manage/events/summit2027/impact/?compare=-").status_code == 200
    assert len(sent) <= 16, "\n".join(sent)


def test_a_whole_event_door_counts_people_on_the_day_they_came(world, clock):
    """A list of the whole event lets a ticket in once: it counts on the day it did, and
    someone let in there and at the day's own door that day is one person."""
    event, _then, tickets = world
    door = CheckinList(event=event, name="Entré")
    _db.session.add(door)
    _db.session.commit()
    day_two_noon = datetime(2027, 5, 19, 12, tzinfo=STOCKHOLM)
    for made in (tickets[2], tickets[4]):  # tickets[2] came in at day 2's door already
        row = check_in(made, door)
        row.created_at = day_two_noon
    _db.session.commit()
    clock.set(AFTER)
    report = impact_report(event)
    assert [r.attended for r in report.breakdown("day").rows] == [3, 3, 0]
    assert report.attended == 5


def test_a_chart_escapes_what_people_typed():
    from summit.services.impact.charts import Series, bar_chart

    svg = str(
        bar_chart('A "title"', "<desc>", ["<script>alert(1)</script> & Co"], [Series("x", [3])])
    )
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    assert "<title id=" in svg and "A &#34;title&#34;" in svg and "&lt;desc&gt;" in svg


def test_a_contributed_section_is_on_the_page_and_in_the_workbook(world, clock, app):
    """Ratings and surveys add sections: their tables become sheets, free text too."""
    from summit.services.impact.export import report_xlsx
    from summit.services.impact.parts import Section, Table

    event, _then, _tickets = world
    clock.set(AFTER)
    report = impact_report(event)
    report.sections.append(
        Section(
            "survey",
            "Enkät",
            tables=[Table("survey-q", "Fråga 1", ["Svar", "Antal"], [["Ja", 3], ["Nej", 1]])],
            free_text=[("Vad tar du med dig?", ["Mötet med Ängby fritidsgård", "<b>Mod</b>"])],
        )
    )
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    assert book["Fråga 1"]["A2"].value == "Ja"
    assert [c.value for c in book["Enkät fritext"][3]] == ["Vad tar du med dig?", "<b>Mod</b>"]


def test_ratings_show_the_best_the_lowest_and_by_sector(world, clock):
    from summit.models import ProgramSession, SessionRating, Track

    event, _then, tickets = world
    track = Track(event=event, name_sv="Offentlig sektor", name_en="Public sector")
    start = datetime(2027, 5, 18, 10, tzinfo=STOCKHOLM)
    sessions = [
        ProgramSession(event=event, title=f"Pass {n}", track=track, starts_at=start)
        for n in range(7)
    ]
    _db.session.add_all([track, *sessions])
    _db.session.commit()
    # Session n gets three ratings of n % 5 + 1 from the first three people (two in the
    # public sector, one in civil society); Pass 6 only one rating: not ranked.
    for n, session in enumerate(sessions[:6]):
        for made in tickets[:3]:
            _db.session.add(SessionRating(ticket=made, session=session, score=n % 5 + 1))
    _db.session.add(SessionRating(ticket=tickets[3], session=sessions[6], score=5))
    _db.session.commit()
    clock.set(AFTER)
    [section] = impact_report(event).sections
    tables = {t.key: t for t in section.tables}
    assert [row[0] for row in tables["ratings-best"].rows] == [
        "Pass 4",
        "Pass 3",
        "Pass 2",
        "Pass 1",
        "Pass 0",
    ]
    assert tables["ratings-best"].rows[0][2:] == [3, 5.0]
    assert [row[0] for row in tables["ratings-worst"].rows][:2] == ["Pass 0", "Pass 5"]
    by_sector = {row[0]: row[1:] for row in tables["ratings-sectors"].rows}
    # Scores 1,2,3,4,5,1 from each of the three; Akademi's one rating of 5.
    assert by_sector["Offentlig sektor"] == [12, 2.67]
    assert by_sector["Idéburen sektor"] == [6, 2.67]
    assert by_sector["Akademi"] == [1, 5.0]
    assert section.notes[0].startswith("19 betyg på 7 programpunkter, i snitt 2,8.")


def sent_survey(event, tickets, answers):
    """A sent survey to `tickets`; answers: {ticket index: (choice, free text)}."""
    from summit.models import (
        Survey,
        SurveyAnswer,
        SurveyQuestion,
        SurveyRecipient,
        SurveyResponse,
        SurveyStatus,
    )

    survey = Survey(
        event=event,
        title_sv="Efter summit",
        title_en="After the summit",
        status=SurveyStatus.SENT,
        send_at=AFTER,
        sent_at=AFTER,
        closes_at=AFTER + (AFTER - AFTER.replace(month=4)),
    )
    useful = SurveyQuestion(
        survey=survey,
        key="nytta",
        kind=AnswerKind.CHOICE,
        label_sv="Hade du nytta av dagarna?",
        label_en="Were the days useful?",
        choices=[{"key": "ja", "sv": "Ja", "en": "Yes"}, {"key": "nej", "sv": "Nej", "en": "No"}],
        position=0,
    )
    took = SurveyQuestion(
        survey=survey,
        key="tar_med",
        kind=AnswerKind.LONG_TEXT,
        label_sv="Vad tar du med dig?",
        position=1,
    )
    _db.session.add_all([survey, useful, took])
    for n, made in enumerate(tickets):
        recipient = SurveyRecipient(survey=survey, email=made.attendee_email, ticket_id=made.id)
        _db.session.add(recipient)
        if n in answers:
            choice, text = answers[n]
            response = SurveyResponse(survey=survey, recipient=recipient)
            _db.session.add_all(
                [
                    response,
                    SurveyAnswer(response=response, question=useful, value=choice),
                    SurveyAnswer(response=response, question=took, value=text),
                ]
            )
    _db.session.commit()
    return survey


def test_survey_results_are_in_the_report_by_sector(client, organizer, world):
    event, _then, tickets = world
    # Two public-sector people answer yes, one from civil society no; four do not answer.
    sent_survey(
        event, tickets, {0: ("ja", "Mod att pröva"), 1: ("ja", ""), 2: ("nej", "Studiebesöket")}
    )
    page = client.get("/manage/events/summit2027/impact/")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert "Enkät: Efter summit" in text
    assert "Mottagare Svarat Svarsfrekvens 7 3 43 %" in text
    assert "Offentlig sektor 3 2 67 %" in text  # who answered, by sector
    assert "Ja 2 67 %" in text and "Nej 1 33 %" in text
    assert "Mod att pröva" in text and "Studiebesöket" in text

    # The same survey, the public sector's people alone.
    page = client.get("/manage/events/summit2027/impact/?sector=offentlig")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert "Enkät: Efter summit (Offentlig sektor)" in text
    assert "Ja 2 100 %" in text and "Studiebesöket" not in text
    assert client.get("/manage/events/summit2027/impact/?sector=nope").status_code == 400

    book = load_workbook(
        io.BytesIO(client.get("/manage/events/summit2027/impact/report.xlsx").data)
    )
    sheet = book["Hade du nytta av dagarna"]
    assert [c.value for c in sheet[2]] == ["Ja", 2, pytest.approx(2 / 3)]


def test_the_report_pdf_is_pdf_ua_with_its_tables(world, clock, app):
    from summit.services.impact.export import report_pdf
    from tests.unit.test_pdf_ua import assert_pdf_ua

    event, then, _tickets = world
    clock.set(AFTER)
    found = assert_pdf_ua(
        report_pdf(impact_report(event, then)), "sv", "Effektrapport", tables=True
    )
    assert found.count("H2") >= 5  # the key figures, four breakdowns, the comparison


def test_the_page_counts_again_after_a_minute(client, organizer, world, clock):
    """The page's figures are kept a minute (the Excel file is always counted afresh)."""
    from tests.checkin_world import ticket

    event, _then, tickets = world
    page = "/manage/events/summit2027/impact/"

    def registered() -> str:
        html = client.get(page).get_data(as_text=True)
        return re.search(r"<dt>Registrerade</dt><dd>(\d+)</dd>", html)[1]

    assert registered() == "7"
    ticket(event, tickets[0].ticket_type, email="late@example.org")
    assert registered() == "7"
    book = load_workbook(io.BytesIO(client.get(page + "report.xlsx").data))
    assert [c.value for c in book["Nyckeltal"][5]][:2] == ["Registrerade", 8]
    clock.set(AFTER + timedelta(minutes=1, seconds=1))
    assert registered() == "8"
