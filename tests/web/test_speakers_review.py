"""The reviewers' pages: only the event's reviewers get in, never to their own proposals;
scoring each criterion 1–5 with a comment (garbage refused, nothing stored); others'
scores and comments only after one's own; speakers' names and organisations hidden on
every page when the call reviews anonymously."""

import re

import pytest
from sqlalchemy import func, select

from summit.models import (
    ProposalSpeaker,
    ProposalState,
    Review,
    ReviewerAssignment,
    ReviewMode,
    ReviewScore,
    Role,
)
from tests.conftest import csrf_token, sign_in

BASE = "/manage/events/summit2027/review"
S = ProposalState


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def post(client, path, data=None, page=None):
    token = csrf_token(client, page or path)
    return client.post(path, data=dict(data or {}, csrf_token=token))


def flashes(response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">(.*?)</p>', response.text))


@pytest.fixture
def event(make_event):
    return make_event(slug="summit2027")


@pytest.fixture
def call(event, make_call):
    return make_call(event, anonymous_review=True)


@pytest.fixture
def world(db, event, call, make_user, make_profile, grant, make_proposal):
    anna = make_user("anna@example.org", "Anna")
    make_profile(anna, "Anna Andersson", organisation="Malmö stad", title="Strateg")
    karin = grant(make_user("karin@example.org", "Karin Nyström"), event, Role.REVIEWER)
    per = grant(make_user("per@example.org", "Per Eklund"), event, Role.REVIEWER)
    make_profile(per, "Per Eklund", organisation="Coompanion")
    theirs = make_proposal(call, anna, title="Läxhjälp i förorten", abstract="Volontärer.")
    pers_own = make_proposal(call, per, title="Pers egna förslag")
    return {"anna": anna, "karin": karin, "per": per, "theirs": theirs, "own": pers_own}


@pytest.fixture
def as_reviewer(app, world):
    def sign(who):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        sign_in(client, world[who])
        return client

    return sign


def scores(call, *values) -> dict:
    return {f"score_{c.id}": str(v) for c, v in zip(call.criteria, values, strict=True)}


def add_review(db, proposal, reviewer, values, comment=""):
    review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, comment=comment)
    review.scores = [
        ReviewScore(criterion_id=c.id, score=v)
        for c, v in zip(proposal.call.criteria, values, strict=True)
    ]
    db.session.add(review)
    db.session.commit()
    return review


# Access ---------------------------------------------------------------------------------


def test_only_the_events_reviewers_get_in(
    app, client, db, event, world, make_user, make_event, grant
):
    page = f"{BASE}/{world['theirs'].token}"
    for path in (f"{BASE}/", page):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login")
    door = grant(make_user("door@example.org"), event, Role.DOOR)
    organizer = grant(make_user("org@example.org"), event, Role.ORGANIZER)
    elsewhere = grant(make_user("other@example.org"), make_event(slug="annat"), Role.REVIEWER)
    for person in (door, organizer, elsewhere):
        other = app.test_client()
        sign_in(other, person)
        assert other.get(f"{BASE}/").status_code == 403, person.email
        assert other.get(page).status_code == 403, person.email
        response = post(other, page, {"comment": "x"}, page="/login")
        assert response.status_code == 403
    assert count(db, Review) == 0


def test_a_reviewer_never_opens_or_scores_their_own_proposal(db, world, as_reviewer, call):
    client = as_reviewer("per")
    listing = client.get(f"{BASE}/").text
    assert "Läxhjälp i förorten" in listing and "Pers egna förslag" not in listing
    own = f"{BASE}/{world['own'].token}"
    assert client.get(own).status_code == 404
    response = post(client, own, scores(call, 5, 5), page=f"{BASE}/{world['theirs'].token}")
    assert response.status_code == 404
    # A co-speaker invited by email, not yet answered: still their own.
    world["theirs"].speakers.append(ProposalSpeaker(email="KARIN@example.org"))
    db.session.commit()
    karin = as_reviewer("karin")
    assert "Läxhjälp i förorten" not in karin.get(f"{BASE}/").text
    assert karin.get(f"{BASE}/{world['theirs'].token}").status_code == 404
    assert count(db, Review) == 0


def test_reviewers_see_only_what_the_review_mode_gives_them(db, world, as_reviewer, call):
    call.review_mode = ReviewMode.BY_HAND
    db.session.commit()
    client = as_reviewer("karin")
    assert "Läxhjälp i förorten" not in client.get(f"{BASE}/").text
    assert client.get(f"{BASE}/{world['theirs'].token}").status_code == 404
    db.session.add(
        ReviewerAssignment(proposal_id=world["theirs"].id, reviewer_id=world["karin"].id)
    )
    db.session.commit()
    assert "Läxhjälp i förorten" in client.get(f"{BASE}/").text
    assert client.get(f"{BASE}/{world['theirs'].token}").status_code == 200


# Scoring ---------------------------------------------------------------------------------


def test_scoring_each_criterion_with_a_comment(db, world, as_reviewer, call):
    client = as_reviewer("karin")
    page = f"{BASE}/{world['theirs'].token}"
    html = client.get(page).text
    # Each criterion a group of radio buttons 1–5 with its name as the legend.
    relevance, impact = call.criteria
    assert "<legend>Relevance" in html and "<legend>Impact" in html
    assert len(re.findall(rf'<input [^>]*name="score_{relevance.id}"[^>]*type="radio"', html)) == 5
    assert "From 1 (weak) to 5 (excellent)." in html and 'aria-describedby="score-scale' in html
    response = post(client, page, {**scores(call, 4, 2), "comment": "Bra <b>grund</b>."})
    assert response.status_code == 302
    assert "Your review is saved." in flashes(client.get(page))
    review = db.session.scalars(select(Review)).one()
    assert review.reviewer_id == world["karin"].id and review.comment == "Bra <b>grund</b>."
    assert sorted(s.score for s in review.scores) == [2, 4]
    html = client.get(page).text
    assert "Your score: 3.33" in html  # (4*2 + 2) / 3
    # The form shows the saved scores.
    assert re.search(rf'checked id="score_{relevance.id}-3"', html)
    # Changed: the same review.
    assert post(client, page, {**scores(call, 5, 5), "comment": ""}).status_code == 302
    assert count(db, Review) == 1
    db.session.refresh(review)
    assert sorted(s.score for s in review.scores) == [5, 5] and review.comment == ""
    listing = client.get(f"{BASE}/").text
    assert "You have scored 1 of 2 proposals." in listing and "5.00" in listing


@pytest.mark.parametrize(
    "garbage",
    [
        {"score_A": "6", "score_B": "3"},
        {"score_A": "0", "score_B": "3"},
        {"score_A": "three", "score_B": "3"},
        {"score_A": "4"},  # a criterion left out
        {"score_A": "4", "score_B": "4", "comment": "x" * 5001},
        {},
    ],
)
def test_garbage_scores_store_nothing(db, world, as_reviewer, call, garbage):
    relevance, impact = call.criteria
    data = {
        key.replace("score_A", f"score_{relevance.id}").replace("score_B", f"score_{impact.id}"): v
        for key, v in garbage.items()
    }
    client = as_reviewer("karin")
    page = f"{BASE}/{world['theirs'].token}"
    response = post(client, page, data)
    assert response.status_code == 422
    assert count(db, Review) == 0 and count(db, ReviewScore) == 0


def test_a_decided_proposal_is_shown_but_not_scored(db, world, as_reviewer, call):
    world["theirs"].state = S.REJECTED
    db.session.commit()
    client = as_reviewer("karin")
    page = f"{BASE}/{world['theirs'].token}"
    html = client.get(page).text
    assert "it can no longer be scored" in html and 'type="radio"' not in html
    response = post(client, page, scores(call, 5, 5), page=f"{BASE}/")
    assert response.status_code == 302
    assert "This proposal cannot be reviewed now." in flashes(client.get(page))
    assert count(db, Review) == 0


# Others' scores ---------------------------------------------------------------------------


def test_others_scores_and_comments_only_after_ones_own(db, world, as_reviewer, call):
    add_review(db, world["theirs"], world["per"], (1, 2), comment="Pers hemliga åsikt")
    client = as_reviewer("karin")
    page = f"{BASE}/{world['theirs'].token}"
    html = client.get(page).text
    assert "Pers hemliga åsikt" not in html and "Per Eklund" not in html
    assert "shown once you have scored this proposal" in html
    assert "1.33" not in html  # Per's score
    post(client, page, scores(call, 5, 4))
    html = client.get(page).text
    assert "Pers hemliga åsikt" in html and "Per Eklund" in html and "1.33" in html
    # Both reviews: mean (4.67 + 1.33) / 2 = 3.00.
    assert "2 reviews: mean 3.00, median 3.00." in html


# Anonymous review ---------------------------------------------------------------------------


def test_anonymous_review_hides_names_and_organisations_on_every_page(
    db, world, as_reviewer, call, make_user, make_profile, make_proposal
):
    co = make_user("bo@example.org", "Bo")
    make_profile(co, "Bo Zetterberg", organisation="Fryshuset", pronouns="han")
    theirs = world["theirs"]
    theirs.speakers.append(
        ProposalSpeaker(user_id=co.id, email=co.email, accepted_at=theirs.created_at)
    )
    db.session.commit()
    add_review(db, theirs, world["per"], (3, 3))
    hidden = ["Anna Andersson", "Malmö stad", "Strateg", "anna@example.org"]
    hidden += ["Bo Zetterberg", "Fryshuset", "bo@example.org"]
    client = as_reviewer("karin")
    page = f"{BASE}/{theirs.token}"
    before = client.get(page).text
    after_post = post(client, page, scores(call, 2, 2)).status_code
    assert after_post == 302
    for html in (client.get(f"{BASE}/").text, before, client.get(page).text):
        for text in hidden:
            assert text not in html
    assert "Hidden during review" in before and "Läxhjälp i förorten" in before
    # Without anonymous review, reviewers see who is behind it.
    call.anonymous_review = False
    db.session.commit()
    html = client.get(page).text
    assert "Anna Andersson" in html and "Malmö stad" in html and "Bo Zetterberg" in html
    assert "Anna Andersson (Malmö stad)" in client.get(f"{BASE}/").text


def test_the_reviewers_way_in_is_on_their_dashboard(world, as_reviewer):
    html = as_reviewer("karin").get("/manage/").text
    assert f'href="{BASE}/"' in html
