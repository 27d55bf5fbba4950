"""The organizers' call-for-speakers pages: who may use them, the call's settings and
what hangs on it (garbage refused with 422 and nothing changed), reviewers by track and
by hand, the decision table (sorted, filtered), decisions one by one and in bulk with
the email previewed first, decision emails in the speaker's language with user input
escaped, and the sessions waiting to be scheduled."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from summit.models import (
    AccessCode,
    CallForProposals,
    CfpQuestion,
    DecisionTemplate,
    OutboxMessage,
    ProgramSession,
    ProposalState,
    Review,
    ReviewCriterion,
    ReviewerAssignment,
    ReviewerTrack,
    ReviewMode,
    ReviewScore,
    Role,
    SessionFormat,
    Track,
)
from summit.services.cfp.confirmation import create_session
from tests.conftest import CFP_OPEN_NOW, csrf_token, sign_in

BASE = "/manage/events/summit2027/speakers"
SCRIPT = "<script>alert(1)</script>"
S = ProposalState


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data=dict(data or {}, csrf_token=token))


def flashes(response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.text))


def snapshot(db, model) -> list[tuple]:
    """Every row of a table as tuples of its columns, to prove nothing changed."""
    columns = model.__table__.columns
    return [
        tuple(getattr(row, c.key) for c in columns)
        for row in db.session.scalars(select(model).order_by(model.id))
    ]


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027", name_sv="Summit 2027", name_en="Summit 2027")


@pytest.fixture
def call(event, make_call):
    return make_call(event)


@pytest.fixture
def organizer(client, event, make_user, grant, login):
    # English pages: the texts checked are the source texts.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = grant(make_user("omar@example.org", "Omar Haddad"), event, Role.ORGANIZER)
    login(user)
    return user


@pytest.fixture
def people(db, event, make_user, make_profile, grant):
    anna = make_user("anna@example.org", "Anna")
    make_profile(anna, "Anna Andersson", language="sv", organisation="Malmö stad")
    john = make_user("john@example.org", "John")
    make_profile(john, f"John {SCRIPT}", language="en", organisation="Hackers AB")
    karin = grant(make_user("karin@example.org", "Karin Nyström"), event, Role.REVIEWER)
    per = grant(make_user("per@example.org", "Per Eklund"), event, Role.REVIEWER)
    db.session.query(OutboxMessage).delete()  # the role grants' emails
    db.session.commit()
    return {"anna": anna, "john": john, "karin": karin, "per": per}


# Access ---------------------------------------------------------------------------------

PAGES = [
    "/",
    "/call",
    "/formats/new",
    "/tracks/new",
    "/questions/new",
    "/criteria/new",
    "/codes/new",
    "/reviewers",
    "/proposals/",
    "/emails/",
    "/emails/accepted/sv",
]


def test_only_the_events_organizers_get_in(
    app, client, db, event, call, make_user, make_event, grant
):
    door = grant(make_user("door@example.org"), event, Role.DOOR)
    reviewer = grant(make_user("rev@example.org"), event, Role.REVIEWER)
    elsewhere = grant(make_user("other@example.org"), make_event(slug="annat"), Role.ORGANIZER)
    for path in PAGES:
        response = client.get(BASE + path)
        assert response.status_code == 302 and response.location.startswith("/login"), path
    for person in (door, reviewer, elsewhere):
        other = app.test_client()
        sign_in(other, person)
        for path in PAGES:
            assert other.get(BASE + path).status_code == 403, (person.email, path)
        response = post(other, BASE + "/call", {"max_co_speakers": "1"}, page="/login")
        assert response.status_code == 403
    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    for path in PAGES:
        assert client.get(BASE + path).status_code == 200, path
    assert client.get("/manage/events/no-such-event/speakers/").status_code == 404


def test_the_event_menu_leads_here(client, organizer, event):
    html = client.get(f"/manage/events/{event.slug}/").text
    assert f'href="{BASE}/"' in html and "Call for speakers" in html


# The call's settings ------------------------------------------------------------------------

GOOD_CALL = {
    "opens_at": "2027-01-11T09:00",
    "closes_at": "2027-03-01T00:00",
    "intro_sv": "Vi söker praktiker.",
    "intro_en": "We are looking for practitioners.",
    "languages": ["sv", "en"],
    "max_co_speakers": "2",
    "anonymous_review": "y",
    "review_mode": "by_track",
}


def test_opening_the_call_in_swedish_time(db, client, organizer, event):
    assert "no call for speakers yet" in client.get(BASE + "/").text
    response = post(client, BASE + "/call", GOOD_CALL)
    assert response.status_code == 302
    call = db.session.scalars(select(CallForProposals)).one()
    # 09:00 in Stockholm in January is 08:00 UTC; midnight on 1 March is 23:00 the day before.
    assert call.opens_at.astimezone(UTC) == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    assert call.closes_at.astimezone(UTC) == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert call.max_co_speakers == 2 and call.anonymous_review
    assert call.review_mode is ReviewMode.BY_TRACK and call.languages == ["sv", "en"]
    page = client.get(BASE + "/call").text
    assert 'value="2027-01-11T09:00"' in page and "We are looking for practitioners." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2027-01-01T00:00"}, "The call must close after it opens."),
        ({"opens_at": "2027-03-28T02:30"}, "That time does not exist in Europe/Stockholm"),
        ({"opens_at": "next tuesday"}, "Enter a date and time"),
        ({"opens_at": "1850-01-01T10:00"}, "between the years 2000 and 2100"),
        ({"languages": ["fr"]}, "Choose one of the options."),
        ({"languages": []}, "Choose at least one language."),
        ({"max_co_speakers": "many"}, "Enter a whole number"),
        ({"max_co_speakers": "11"}, "Enter a number from 0 to 10."),
        ({"review_mode": "by_lottery"}, "Choose one of the options."),
        ({"intro_sv": "x" * 5001}, "At most 5000 characters."),
    ],
)
def test_garbage_in_the_call_settings_changes_nothing(
    db, client, organizer, call, changes, message
):
    before = snapshot(db, CallForProposals)
    response = post(client, BASE + "/call", dict(GOOD_CALL, **changes))
    assert response.status_code == 422
    assert message in response.text
    db.session.expire_all()
    assert snapshot(db, CallForProposals) == before


def test_a_form_without_its_csrf_token_is_refused(db, client, organizer, call):
    before = snapshot(db, CallForProposals)
    response = client.post(BASE + "/call", data=GOOD_CALL)
    assert response.status_code == 400
    assert snapshot(db, CallForProposals) == before


# Formats, tracks, questions, criteria, access codes ------------------------------------------


def test_formats_are_added_changed_ordered_and_removed(db, client, organizer, call):
    response = post(
        client,
        BASE + "/formats/new",
        {"name_sv": "Panelsamtal", "name_en": "Panel", "kind": "panel", "duration_minutes": "45"},
    )
    assert response.status_code == 302 and response.location.endswith("/call#formats")
    panel = db.session.scalars(select(SessionFormat).where(SessionFormat.name_en == "Panel")).one()
    assert panel.duration_minutes == 45 and panel.kind.value == "panel"
    edit = f"{BASE}/formats/{panel.id}/"
    assert 'value="45"' in client.get(edit).text
    data = {"name_sv": "Panel", "name_en": "Panel", "kind": "panel", "duration_minutes": "60"}
    assert post(client, edit, data).status_code == 302
    db.session.refresh(panel)
    assert panel.duration_minutes == 60
    # Up one place: before the workshop.
    assert post(client, f"{edit}move", {"step": "-1"}, page=BASE + "/call").status_code == 302
    db.session.expire_all()
    assert [f.name_en for f in call.formats] == ["Talk", "Panel", "Workshop"]
    assert post(client, f"{edit}move", {"step": "7"}, page=BASE + "/call").status_code == 400
    assert post(client, f"{edit}delete", page=edit).status_code == 302
    db.session.expire_all()
    assert [f.name_en for f in call.formats] == ["Talk", "Workshop"]


def test_another_events_items_are_not_found(
    db, client, organizer, call, make_event, make_call, make_user
):
    other_call = make_call(make_event(slug="annat"))
    other_format = other_call.formats[0]
    other_criterion = other_call.criteria[0]
    assert client.get(f"{BASE}/formats/{other_format.id}/").status_code == 404
    assert client.get(f"{BASE}/criteria/{other_criterion.id}/").status_code == 404
    response = post(client, f"{BASE}/formats/{other_format.id}/delete", page=BASE + "/call")
    assert response.status_code == 404
    assert db.session.get(SessionFormat, other_format.id) is not None


def test_tracks_are_added_and_renamed(db, client, organizer, event, call):
    data = {"name_sv": "Civilsamhälle", "name_en": "Civil society", "color": "#1f5f8b"}
    assert post(client, BASE + "/tracks/new", data).status_code == 302
    track = db.session.scalars(select(Track)).one()
    assert track.event_id == event.id and track.name_en == "Civil society"
    data = dict(data, name_sv="Civilsamhället", color="#2E6B30")
    assert post(client, f"{BASE}/tracks/{track.id}/", data).status_code == 302
    db.session.refresh(track)
    assert track.name_sv == "Civilsamhället" and track.color == "#2e6b30"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name_sv": "Forskning", "color": "#1f5f8b"}, "Another track already has this name."),
        ({"name_sv": "", "color": "#1f5f8b"}, "Enter a name."),
        ({"name_sv": "Ny", "color": "red"}, "six hexadecimal digits"),
        ({"name_sv": "Ny", "color": "#12345"}, "six hexadecimal digits"),
    ],
)
def test_garbage_tracks_change_nothing(db, client, organizer, event, call, data, message):
    db.session.add(Track(event=event, name_sv="Forskning"))
    db.session.commit()
    before = snapshot(db, Track)
    response = post(client, BASE + "/tracks/new", data)
    assert response.status_code == 422 and message in response.text
    assert snapshot(db, Track) == before


def test_questions_keep_their_answers_keys_when_options_are_renamed(db, client, organizer, call):
    data = {
        "kind": "choice",
        "label_sv": "Vilken nivå?",
        "label_en": "Which level?",
        "help_sv": "",
        "help_en": "",
        "required": "y",
        "options": "Nybörjare | Beginner\nFördjupning | In depth\n\n",
    }
    assert post(client, BASE + "/questions/new", data).status_code == 302
    question = db.session.scalars(select(CfpQuestion)).one()
    assert question.required
    assert [(o["sv"], o["en"]) for o in question.options] == [
        ("Nybörjare", "Beginner"),
        ("Fördjupning", "In depth"),
    ]
    keys = question.option_keys
    # Rename the first in its place, add a third.
    data["options"] = "Introduktion | Introductory\nFördjupning | In depth\nAlla | All"
    assert post(client, f"{BASE}/questions/{question.id}/", data).status_code == 302
    db.session.refresh(question)
    assert question.option_keys[:2] == keys
    assert [o["sv"] for o in question.options] == ["Introduktion", "Fördjupning", "Alla"]
    assert "Introduktion | Introductory" in client.get(f"{BASE}/questions/{question.id}/").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options": "Bara ett alternativ"}, "A choice needs at least two options."),
        ({"options": "Samma\nsamma"}, "Two options have the same text."),
        ({"kind": "essay"}, "Choose one of the options."),
        ({"label_sv": ""}, "Enter the question."),
        ({"label_sv": "x" * 301}, "At most 300 characters."),
    ],
)
def test_garbage_questions_change_nothing(db, client, organizer, call, changes, message):
    data = {"kind": "choice", "label_sv": "Nivå?", "options": "A\nB"}
    response = post(client, BASE + "/questions/new", dict(data, **changes))
    assert response.status_code == 422 and message in response.text
    assert count(db, CfpQuestion) == 0


def test_criteria_with_their_weights(db, client, organizer, call):
    data = {"name_sv": "Praktisk nytta", "name_en": "Practical value", "weight": "3"}
    assert post(client, BASE + "/criteria/new", data).status_code == 302
    assert call.criteria[-1].name_en == "Practical value" and call.criteria[-1].weight == 3
    before = snapshot(db, ReviewCriterion)
    for weight in ("0", "11", "heavy", ""):
        response = post(client, BASE + "/criteria/new", dict(data, weight=weight))
        assert response.status_code == 422, weight
    assert snapshot(db, ReviewCriterion) == before


def test_access_codes_with_their_uses(db, client, organizer, call, people, make_proposal):
    data = {
        "code": " inbjuden-k7pm ",
        "note": "Inbjudna talare",
        "valid_until": "2027-03-15T12:00",
        "max_uses": "5",
    }
    assert post(client, BASE + "/codes/new", data).status_code == 302
    code = db.session.scalars(select(AccessCode)).one()
    assert code.code == "INBJUDEN-K7PM" and code.max_uses == 5
    assert code.valid_until.astimezone(UTC) == datetime(2027, 3, 15, 11, 0, tzinfo=UTC)
    make_proposal(call, people["anna"], title="Sen men välkommen", access_code_id=code.id)
    page = client.get(f"{BASE}/codes/{code.id}/").text
    assert "Sen men välkommen" in page and "Used 1 time" in page
    assert '>1 <span class="muted">/ 5</span>' in client.get(BASE + "/call").text
    before = snapshot(db, AccessCode)
    for garbage in (
        {"code": "ÅÄÖ!"},
        {"code": "INBJUDEN-K7PM"},  # taken
        {"code": "INBJUDEN-2028"},  # a word and a year: found by trying
        {"max_uses": "0"},
        {"valid_until": "soon"},
        {"code": ""},
    ):
        response = post(client, BASE + "/codes/new", {**data, "code": "ANNAN", **garbage})
        assert response.status_code == 422, garbage
    assert snapshot(db, AccessCode) == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/formats/new", {"name_sv": "", "kind": "talk", "duration_minutes": "20"}),
        ("/formats/new", {"name_sv": "Kort", "kind": "talk", "duration_minutes": "2"}),
        ("/formats/new", {"name_sv": "Kort", "kind": "lunch", "duration_minutes": "20"}),
        ("/formats/new", {"name_sv": "Kort", "kind": "talk", "duration_minutes": "20 min"}),
        ("/criteria/new", {"name_sv": "", "weight": "1"}),
        ("/tracks/new", {"name_sv": "Spår", "color": "javascript:alert(1)"}),
        ("/questions/new", {"kind": "url", "label_sv": ""}),
        ("/codes/new", {"code": "A B C"}),
    ],
)
def test_garbage_in_every_setup_form_changes_nothing(db, client, organizer, call, path, data):
    models = (SessionFormat, ReviewCriterion, Track, CfpQuestion, AccessCode)
    before = [snapshot(db, model) for model in models]
    response = post(client, BASE + path, data)
    assert response.status_code == 422, response.text
    assert [snapshot(db, model) for model in models] == before


# Reviewers ------------------------------------------------------------------------------------


def test_reviewers_by_track(db, client, organizer, event, call, people):
    call.review_mode = ReviewMode.BY_TRACK
    research = Track(event=event, name_sv="Forskning")
    public = Track(event=event, name_sv="Offentlig sektor")
    db.session.add_all([research, public])
    db.session.commit()
    karin = people["karin"]
    page = client.get(BASE + "/reviewers").text
    assert "Karin Nyström" in page and "Tracks of Karin Nyström" in page
    path = f"{BASE}/reviewers/{karin.id}/tracks"
    prefix = f"r{karin.id}-tracks"
    response = post(client, path, {prefix: [str(research.id)]}, page=BASE + "/reviewers")
    assert response.status_code == 302
    assert [t.track_id for t in db.session.scalars(select(ReviewerTrack))] == [research.id]
    before = snapshot(db, ReviewerTrack)
    response = post(client, path, {prefix: ["999999"]}, page=BASE + "/reviewers")
    assert response.status_code == 422
    response = post(client, path, {prefix: ["research"]}, page=BASE + "/reviewers")
    assert response.status_code == 422
    assert snapshot(db, ReviewerTrack) == before
    # Someone without the reviewer role has no tracks to set.
    other = f"{BASE}/reviewers/{people['anna'].id}/tracks"
    assert post(client, other, {}, page=BASE + "/reviewers").status_code == 404


def test_proposals_given_by_hand_in_bulk_never_to_their_own_speaker(
    db, client, organizer, call, people, make_proposal
):
    call.review_mode = ReviewMode.BY_HAND
    db.session.commit()
    first = make_proposal(call, people["anna"], title="Första")
    second = make_proposal(call, people["john"], title="Andra")
    own = make_proposal(call, people["per"], title="Pers eget")
    karin, per = people["karin"], people["per"]
    page = BASE + "/proposals/"
    response = post(
        client,
        BASE + "/proposals/assign",
        {"proposals": [first.token, second.token], "reviewer": str(karin.id)},
        page=page,
    )
    assert response.status_code == 302
    assert "2 proposals given to Karin Nyström." in flashes(client.get(page))
    assert {
        (a.proposal_id, a.reviewer_id) for a in db.session.scalars(select(ReviewerAssignment))
    } == {
        (first.id, karin.id),
        (second.id, karin.id),
    }
    before = snapshot(db, ReviewerAssignment)
    # Per is a speaker of one of them: nothing is assigned.
    response = post(
        client,
        BASE + "/proposals/assign",
        {"proposals": [first.token, own.token], "reviewer": str(per.id)},
        page=page,
    )
    assert response.status_code == 422 and "Pers eget" in response.text
    for garbage in (
        {"proposals": [first.token], "reviewer": str(people["anna"].id)},  # not a reviewer
        {"proposals": ["no-such-proposal-token-000"], "reviewer": str(karin.id)},
        {"proposals": [], "reviewer": str(karin.id)},
        {"proposals": [first.token], "reviewer": "karin"},
    ):
        response = post(client, BASE + "/proposals/assign", garbage, page=page)
        assert response.status_code == 422, garbage
    assert snapshot(db, ReviewerAssignment) == before
    # One by one on the proposal's page, and taken back.
    proposal_page = f"{BASE}/proposals/{second.token}"
    data = {"proposals": [second.token], "reviewer": str(per.id)}
    response = post(client, f"{proposal_page}/reviewers", data, page=proposal_page)
    assert response.status_code == 302
    assert "Per Eklund" in client.get(proposal_page).text
    response = post(client, f"{proposal_page}/reviewers/{per.id}/remove", page=proposal_page)
    assert response.status_code == 302
    assert (second.id, per.id) not in {
        (a.proposal_id, a.reviewer_id) for a in db.session.scalars(select(ReviewerAssignment))
    }


# The decision table ---------------------------------------------------------------------------


@pytest.fixture
def table(db, event, call, people, make_proposal):
    """Proposals with different tracks, formats, states and scores."""
    research = Track(event=event, name_sv="Forskning", name_en="Research", position=0)
    civil = Track(event=event, name_sv="Civilsamhälle", name_en="Civil society", position=1)
    db.session.add_all([research, civil])
    db.session.commit()
    talk, workshop = call.formats
    relevance, impact = call.criteria
    made = {}
    for title, track, session_format, state, scores in [
        ("Bra", research, talk, S.SUBMITTED, [(5, 5), (4, 4)]),
        ("Ok", civil, workshop, S.SUBMITTED, [(3, 3)]),
        ("Svag", research, workshop, S.WAITLISTED, [(1, 2), (2, 1), (1, 1)]),
        ("Ingen granskning", civil, talk, S.SUBMITTED, []),
        ("Klar", civil, talk, S.CONFIRMED, [(4, 5)]),
    ]:
        proposal = make_proposal(
            call, people["anna"], state=state, title=title, track=track, format=session_format
        )
        reviewers = [people["karin"], people["per"], people["john"]]
        for reviewer, (first, second) in zip(reviewers, scores, strict=False):
            review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id)
            review.scores = [
                ReviewScore(criterion_id=relevance.id, score=first),
                ReviewScore(criterion_id=impact.id, score=second),
            ]
            db.session.add(review)
        made[title] = proposal
    make_proposal(call, people["anna"], state=S.DRAFT, title="Utkast")
    db.session.commit()
    return made


def titles(html: str) -> list[str]:
    return re.findall(r'<td class="title-cell"[^>]*><div>\s*<a href="[^"]+">([^<]+)</a>', html)


def test_the_decision_table_sorts_by_each_column(client, organizer, table):
    page = BASE + "/proposals/"
    # By mean score, best first; no score last whichever the direction.
    assert titles(client.get(page).text) == ["Bra", "Klar", "Ok", "Svag", "Ingen granskning"]
    assert titles(client.get(page + "?sort=mean&dir=asc").text) == [
        "Svag",
        "Ok",
        "Klar",
        "Bra",
        "Ingen granskning",
    ]
    assert titles(client.get(page + "?sort=title&dir=asc").text) == [
        "Bra",
        "Ingen granskning",
        "Klar",
        "Ok",
        "Svag",
    ]
    assert titles(client.get(page + "?sort=count&dir=desc").text)[:2] == ["Svag", "Bra"]
    assert titles(client.get(page + "?sort=track&dir=asc").text)[-2:] in (
        ["Bra", "Svag"],
        ["Svag", "Bra"],
    )
    assert titles(client.get(page + "?sort=format&dir=desc").text)[:2] in (
        ["Ok", "Svag"],
        ["Svag", "Ok"],
    )
    # States in the order a proposal goes through them: submitted, ..., confirmed.
    assert titles(client.get(page + "?sort=state&dir=desc").text)[:2] == ["Klar", "Svag"]
    assert titles(client.get(page + "?sort=median&dir=desc").text)[0] == "Bra"
    # The sorted column says so, and its link turns the direction.
    html = client.get(page + "?sort=title&dir=asc").text
    assert 'aria-sort="ascending"' in html
    assert "sort=title&amp;dir=desc" in html
    # Nonsense in the address is ignored, not an error.
    assert client.get(page + "?sort=__class__&dir=sideways&track=x").status_code == 200


def test_the_decision_table_filters_and_shows_figures(client, organizer, table, call):
    page = BASE + "/proposals/"
    html = client.get(page).text
    assert "Utkast" not in html  # drafts are the speakers' own
    # "Bra": reviews of 5 and 4 (relevance weighs 2); "Klar": (4*2 + 5) / 3.
    assert re.search(r'data-label="Mean" class="num"><div>4.50</div>', html)
    assert re.search(r'data-label="Median" class="num"><div>4.50</div>', html)
    assert ">4.33<" in html and ">–<" in html
    research = table["Bra"].track
    workshop = call.formats[1]
    assert titles(client.get(f"{page}?state=waitlisted").text) == ["Svag"]
    assert sorted(titles(client.get(f"{page}?track={research.id}").text)) == ["Bra", "Svag"]
    assert sorted(titles(client.get(f"{page}?format={workshop.id}").text)) == ["Ok", "Svag"]
    both = client.get(f"{page}?track={research.id}&format={workshop.id}").text
    assert titles(both) == ["Svag"]
    assert "No proposal matches the filter." in client.get(f"{page}?state=rejected").text


# Deciding ------------------------------------------------------------------------------------


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_bulk_decision_is_previewed_then_taken_with_emails_in_each_language(
    db, client, organizer, call, people, make_proposal
):
    swedish = make_proposal(call, people["anna"], title="Medborgardialog")
    english = make_proposal(call, people["john"], title=f"Inclusion {SCRIPT}", language="en")
    left = make_proposal(call, people["anna"], title="Vänta lite")
    page = BASE + "/proposals/"
    chosen = {"proposals": [swedish.token, english.token], "kind": "accepted", "notify": "y"}
    # The table's button shows what would happen; nothing happens yet.
    response = post(client, BASE + "/proposals/decide", chosen, page=page)
    assert response.status_code == 200
    html = response.text
    assert "Accept 2 proposals" in html
    assert "Medborgardialog" in html and "Inclusion &lt;script&gt;" in html
    assert "<script>alert" not in html
    # The first proposal's email, in its speaker's language.
    assert "To anna@example.org, in Swedish" in html and "Hej Anna Andersson!" in html
    db.session.expire_all()
    assert swedish.state is english.state is S.SUBMITTED and outbox(db) == []
    # Another proposal's email: in English, every piece of user input escaped.
    response = post(
        client, BASE + "/proposals/decide", dict(chosen, preview=english.token, show="y"), page=page
    )
    html = response.text
    assert "To john@example.org, in English" in html
    assert "Hello John &lt;script&gt;alert(1)&lt;/script&gt;!" in html
    assert "<script>alert" not in html
    assert outbox(db) == []
    # Confirmed: taken, and the emails are in the outbox.
    response = post(client, BASE + "/proposals/decide", dict(chosen, confirm="y"), page=page)
    assert response.status_code == 302
    assert "2 proposals accepted. The emails are in the outbox." in flashes(client.get(page))
    db.session.expire_all()
    assert swedish.state is english.state is S.ACCEPTED and left.state is S.SUBMITTED
    to_anna, to_john = sorted(outbox(db), key=lambda m: m.to_address)
    assert to_anna.to_address == "anna@example.org"
    assert to_anna.subject == "Ditt förslag ”Medborgardialog” är antaget"
    assert '<html lang="sv">' in to_anna.body_html and "/speakers/respond/" in to_anna.body_text
    assert to_john.subject == f"Your proposal “Inclusion {SCRIPT}” is accepted"
    assert '<html lang="en">' in to_john.body_html
    assert "<script>" not in to_john.body_html
    assert "Inclusion &lt;script&gt;alert(1)&lt;/script&gt;" in to_john.body_html
    assert "John &lt;script&gt;" in to_john.body_html


def test_a_decision_without_emails(db, client, organizer, call, people, make_proposal):
    proposal = make_proposal(call, people["anna"], title="Tyst")
    data = {"proposals": [proposal.token], "kind": "rejected", "confirm": "y"}
    response = post(client, BASE + "/proposals/decide", data, page=BASE + "/proposals/")
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.state is S.REJECTED and outbox(db) == []
    # Sent later from the proposal's page.
    page = f"{BASE}/proposals/{proposal.token}"
    assert post(client, f"{page}/resend", page=page).status_code == 302
    [mail] = outbox(db)
    assert mail.to_address == "anna@example.org" and "Tyst" in mail.subject


@pytest.mark.parametrize(
    "garbage",
    [
        {"kind": "accepted"},  # nothing ticked
        {"proposals": ["not-a-proposal-token-at-all"], "kind": "accepted"},
        {"proposals": "__FIRST__", "kind": "promoted"},
        {"proposals": "__DRAFT__", "kind": "accepted"},  # a draft is not the organizers'
    ],
)
def test_garbage_decisions_change_nothing(
    db, client, organizer, call, people, make_proposal, garbage
):
    first = make_proposal(call, people["anna"], title="Första")
    draft = make_proposal(call, people["anna"], state=S.DRAFT, title="Utkastet")
    tokens = {"__FIRST__": [first.token], "__DRAFT__": [draft.token]}
    data = dict(garbage, confirm="y")
    chosen = data.get("proposals", [])
    data["proposals"] = tokens[chosen] if isinstance(chosen, str) else chosen
    response = post(client, BASE + "/proposals/decide", data, page=BASE + "/proposals/")
    assert response.status_code == 422
    db.session.expire_all()
    assert first.state is S.SUBMITTED and draft.state is S.DRAFT and outbox(db) == []


def test_a_bulk_decision_is_all_or_nothing(db, client, organizer, call, people, make_proposal):
    fine = make_proposal(call, people["anna"], title="Går bra")
    done = make_proposal(call, people["john"], state=S.CONFIRMED, title="Redan klar")
    data = {"proposals": [fine.token, done.token], "kind": "rejected"}
    response = post(client, BASE + "/proposals/decide", data, page=BASE + "/proposals/")
    # Shown before: which one cannot be rejected, and no button to confirm.
    assert "Not possible while the proposal is “Confirmed”." in response.text
    assert 'name="confirm"' not in response.text
    response = post(
        client, BASE + "/proposals/decide", dict(data, confirm="y"), page=BASE + "/proposals/"
    )
    assert response.status_code == 422 and "Redan klar" in response.text
    db.session.expire_all()
    assert fine.state is S.SUBMITTED and done.state is S.CONFIRMED and outbox(db) == []


def test_one_by_one_on_the_proposals_page_and_taken_back(
    db, client, organizer, call, people, make_proposal
):
    proposal = make_proposal(call, people["anna"], title="Ett i taget")
    review = Review(proposal_id=proposal.id, reviewer_id=people["karin"].id, comment="Stark idé.")
    review.scores = [ReviewScore(criterion_id=c.id, score=4) for c in call.criteria]
    db.session.add(review)
    db.session.commit()
    page = f"{BASE}/proposals/{proposal.token}"
    html = client.get(page).text
    # Organizers see names, organisations and every review with its reviewer.
    assert "Anna Andersson" in html and "Malmö stad" in html and "anna@example.org" in html
    assert "Karin Nyström" in html and "Stark idé." in html and ">4.00<" in html
    assert 'name="kind" value="waitlisted"' in html
    data = {"proposals": [proposal.token], "kind": "waitlisted", "notify": "y"}
    assert post(client, BASE + "/proposals/decide", data, page=page).status_code == 200
    response = post(client, BASE + "/proposals/decide", dict(data, confirm="y"), page=page)
    assert response.status_code == 302 and response.location == page
    db.session.expire_all()
    assert proposal.state is S.WAITLISTED and len(outbox(db)) == 1
    html = client.get(page).text
    assert "Take back the decision" in html
    assert post(client, f"{page}/reopen", page=page).status_code == 302
    db.session.expire_all()
    assert proposal.state is S.SUBMITTED and proposal.decided_at is None
    assert len(outbox(db)) == 1  # taking back sends nothing
    # Nothing to take back now.
    response = post(client, f"{page}/reopen", page=page)
    assert "Not possible while the proposal is “Submitted”." in flashes(client.get(page))
    db.session.expire_all()
    assert proposal.state is S.SUBMITTED


def test_an_answered_acceptance_cannot_be_taken_back(
    db, client, organizer, call, people, make_proposal
):
    proposal = make_proposal(call, people["anna"], state=S.CONFIRMED, title="Bekräftat")
    page = f"{BASE}/proposals/{proposal.token}"
    assert "Take back the decision" not in client.get(page).text
    post(client, f"{page}/reopen", page=page)
    db.session.expire_all()
    assert proposal.state is S.CONFIRMED


def test_drafts_and_other_events_proposals_are_not_found(
    db, client, organizer, call, people, make_proposal, make_event, make_call
):
    draft = make_proposal(call, people["anna"], state=S.DRAFT)
    elsewhere = make_proposal(make_call(make_event(slug="annat")), people["anna"])
    for proposal in (draft, elsewhere):
        assert client.get(f"{BASE}/proposals/{proposal.token}").status_code == 404
        page = f"{BASE}/proposals/"
        response = post(client, f"{BASE}/proposals/{proposal.token}/reopen", page=page)
        assert response.status_code == 404


# Decision emails --------------------------------------------------------------------------------


def test_decision_email_templates_per_kind_and_language(
    db, client, organizer, call, people, make_proposal
):
    proposal = make_proposal(call, people["john"], title=f"Tricks {SCRIPT}", language="en")
    html = client.get(BASE + "/emails/").text
    assert html.count("Default") >= 6
    page = f"{BASE}/emails/rejected/en"
    assert (
        "{proposal_url}" in client.get(page).text and "{confirm_url}" not in client.get(page).text
    )
    data = {
        "subject": "About {title}",
        "body": "Dear {name},\n\nSorry: {title} did not make it into {event}.",
    }
    assert post(client, page, data).status_code == 302
    template = db.session.scalars(select(DecisionTemplate)).one()
    assert (template.kind.value, template.locale) == ("rejected", "en")
    # The preview for a chosen proposal: that wording, the speaker's input escaped.
    html = client.get(f"{page}?proposal={proposal.token}").text
    assert "About Tricks &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Dear John &lt;script&gt;alert(1)&lt;/script&gt;," in html
    assert "<script>alert" not in html
    # Garbage is refused, nothing changed.
    before = snapshot(db, DecisionTemplate)
    for garbage in (
        {"subject": "Hi {title.__class__}", "body": "x"},
        {"subject": "Hi", "body": "Hello {surname}"},
        {"subject": "", "body": "x"},
        {"subject": "Hi", "body": ""},
    ):
        response = post(client, page, garbage)
        assert response.status_code == 422, garbage
    accepted = f"{BASE}/emails/accepted/sv"
    response = post(client, accepted, {"subject": "Ja", "body": "Välkommen, {name}!"})
    assert response.status_code == 422 and "{confirm_url}" in response.text
    assert snapshot(db, DecisionTemplate) == before
    assert client.get(f"{BASE}/emails/promoted/sv").status_code == 404
    assert client.get(f"{BASE}/emails/accepted/de").status_code == 404
    # Back to the default.
    assert post(client, f"{page}/reset", page=page).status_code == 302
    assert count(db, DecisionTemplate) == 0


def test_sent_emails_use_the_saved_wording_in_each_speakers_language(
    db, client, organizer, call, people, make_proposal
):
    post(client, f"{BASE}/emails/rejected/sv", {"subject": "Tack: {title}", "body": "Hej {name}!"})
    post(client, f"{BASE}/emails/rejected/en", {"subject": "Thanks: {title}", "body": "Hi {name}!"})
    swedish = make_proposal(call, people["anna"], title="Svenska <b>fet</b>")
    english = make_proposal(call, people["john"], title="English", language="en")
    data = {"proposals": [swedish.token, english.token], "kind": "rejected", "notify": "y"}
    post(client, BASE + "/proposals/decide", dict(data, confirm="y"), page=BASE + "/proposals/")
    mails = {m.to_address: m for m in outbox(db)}
    assert mails["anna@example.org"].subject == "Tack: Svenska <b>fet</b>"
    assert "Hej Anna Andersson!" in mails["anna@example.org"].body_text
    assert mails["john@example.org"].subject == "Thanks: English"
    assert "Hi John &lt;script&gt;alert(1)&lt;/script&gt;!" in mails["john@example.org"].body_html
    assert "<b>fet</b>" not in mails["anna@example.org"].body_html
    assert "<script>" not in mails["john@example.org"].body_html


# Overview ---------------------------------------------------------------------------------------


def test_the_overview_counts_states_and_lists_sessions_waiting_to_be_scheduled(
    db, client, organizer, call, people, make_proposal
):
    confirmed = make_proposal(call, people["anna"], state=S.CONFIRMED, title="På gång")
    scheduled = make_proposal(call, people["john"], state=S.CONFIRMED, title="Redan i schemat")
    make_proposal(call, people["anna"], state=S.SUBMITTED, title="Inskickat")
    create_session(confirmed, CFP_OPEN_NOW)
    create_session(scheduled, CFP_OPEN_NOW).starts_at = datetime(2027, 5, 18, 8, tzinfo=UTC)
    db.session.commit()
    html = client.get(BASE + "/").text
    assert "Open" in html or "Not open yet" in html or "Closed" in html
    waiting = html.split('id="waiting"')[1]
    assert "På gång" in waiting and "Anna Andersson" in waiting and "20" in waiting
    assert "Redan i schemat" not in waiting
    assert f"{BASE}/proposals/?state=confirmed" in html
    assert count(db, ProgramSession) == 2
