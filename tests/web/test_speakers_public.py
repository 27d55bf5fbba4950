"""The speakers' pages: the call, the profile and photo, proposals, co-speakers and the
emailed links, through the Flask test client.

The call is open around the real clock (the views take the time from utcnow()), except
where a test closes it. Pages are asked for in English unless a test checks Swedish.
"""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from summit.models import (
    CfpQuestion,
    DecisionKind,
    OutboxMessage,
    ProgramSession,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    QuestionKind,
    Role,
    SpeakerProfile,
    Track,
    utcnow,
)
from summit.services.cfp import cfp_setup, decisions
from tests.conftest import csrf_token, sign_in
from tests.images import image_bytes

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert("


def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post(client, path, data=None, files=None):
    form = dict(data or {}, csrf_token=csrf_token(client, "/login"))
    if files:
        form.update(files)
    return client.post(path, data=form, content_type="multipart/form-data")


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def last_link(db, to: str) -> str:
    """The path of the first link in the newest email to `to`."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {to}"
    url = re.search(r"https?://\S+", message.body_text).group(0)
    return url.removeprefix("http://summit.test")


def png(size=(64, 64)) -> bytes:
    return image_bytes("PNG", size=size)


# The world --------------------------------------------------------------------------------


@pytest.fixture
def summit(db, make_event, make_call):
    """summit2027 with a call open now: two formats, a track, and one extra question of
    every kind (the text and yes/no ones required)."""
    event = make_event(slug="summit2027")
    db.session.add(Track(event=event, name_sv="Kommun", name_en="Municipality"))
    now = utcnow()
    call = make_call(event, opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20))
    options = [
        {"key": "a", "sv": "Ett", "en": "One"},
        {"key": "b", "sv": "Två", "en": "Two"},
    ]
    call.questions = [
        CfpQuestion(kind=QuestionKind.TEXT, label_sv="Erfarenhet", label_en="Experience",
                    required=True, position=0),
        CfpQuestion(kind=QuestionKind.LONG_TEXT, label_sv="Mer", label_en="More", position=1),
        CfpQuestion(kind=QuestionKind.CHOICE, label_sv="Nivå", label_en="Level",
                    options=options, position=2),
        CfpQuestion(kind=QuestionKind.MULTIPLE_CHOICE, label_sv="Behov", label_en="Needs",
                    options=options, position=3),
        CfpQuestion(kind=QuestionKind.YES_NO, label_sv="Filmas?", label_en="Filmed?",
                    required=True, position=4),
        CfpQuestion(kind=QuestionKind.URL, label_sv="Länk", label_en="Link", position=5),
    ]  # fmt: skip
    db.session.commit()
    return event, call


@pytest.fixture
def q(summit):
    """The questions' form field names by kind."""
    _event, call = summit
    return {question.kind.value: f"answer_{question.id}" for question in call.questions}


@pytest.fixture
def speaker(make_user, make_profile):
    user = make_user("anna@example.org", "Anna Andersson")
    make_profile(user, organisation="Malmö stad")
    return user


@pytest.fixture
def signed(client, speaker):
    english(client)
    sign_in(client, speaker)
    return client


def complete(summit, q, **changes) -> dict:
    _event, call = summit
    data = {
        "title": "Social innovation i kommunen",
        "abstract": "Hur kommuner och civilsamhälle gör saker ihop.",
        "description": "Ett samtal med exempel.",
        "format_id": str(call.formats[0].id),
        "track_id": "",
        "language": "sv",
        "target_audience": "Kommunanställda",
        q["text"]: "Tio år",
        q["yes_no"]: "yes",
    }
    data.update(changes)
    return data


NEW = "/events/summit2027/speakers/proposals/new"


def page_of(proposal) -> str:
    return f"/events/summit2027/speakers/proposals/{proposal.token}"


def only_proposal(db) -> Proposal:
    db.session.expire_all()
    return db.session.scalars(select(Proposal)).one()


# The call page ----------------------------------------------------------------------------


def test_the_call_page_for_visitors_and_speakers(client, summit, speaker):
    english(client)
    body = client.get("/events/summit2027/speakers/").get_data(as_text=True)
    assert "Open for proposals" in body and "Closes " in body
    assert "Talk" in body and "20 min" in body and "Workshop" in body and "90 min" in body
    assert "Municipality" in body
    # Signing in is by emailed link, back to the call.
    assert 'href="/login/link?next=/events/summit2027/speakers/"' in body
    assert "New proposal" not in body
    sign_in(client, speaker)
    body = client.get("/events/summit2027/speakers/").get_data(as_text=True)
    assert "New proposal" in body and "My proposals" in body
    assert "Sign in to submit" not in body


def test_the_deadline_is_shown_in_stockholm_time_in_swedish(client, db, make_event, make_call):
    event = make_event(slug="summit2027")
    # Not open yet (2027); it closes at midnight, which is shown as the last minute before.
    make_call(event, intro_sv="Vi söker praktiker.", intro_en="We look for practitioners.")
    body = client.get("/events/summit2027/speakers/").get_data(as_text=True)
    assert "11 januari 2027" in body and "09:00" in body
    assert "28 februari 2027" in body and "23:59" in body
    assert "Vi söker praktiker." in body and "We look for" not in body
    body = english(client).get("/events/summit2027/speakers/").get_data(as_text=True)
    assert "Opens 11 January 2027 at 09:00" in body
    assert "28 February 2027 at 23:59" in body
    assert "We look for practitioners." in body


def test_no_call_or_unpublished_event_is_404(client, make_event, make_call):
    make_event(slug="summit2027")
    assert client.get("/events/summit2027/speakers/").status_code == 404
    make_call(make_event(slug="hidden", published=False))
    assert client.get("/events/hidden/speakers/").status_code == 404


# Access -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, summit, make_user, make_proposal):
    _event, call = summit
    proposal = make_proposal(call, make_user("x@example.org"))
    base = "/events/summit2027/speakers"
    for path in (
        f"{base}/profile",
        f"{base}/proposals/",
        NEW,
        page_of(proposal),
        page_of(proposal) + "/edit",
        page_of(proposal) + "/withdraw",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path


def test_someone_elses_proposal_is_404_on_every_page(db, signed, summit, make_user, make_proposal):
    _event, call = summit
    other = make_user("bertil@example.org")
    proposal = make_proposal(call, other, state=ProposalState.DRAFT)
    invited = ProposalSpeaker(proposal=proposal, email="anna@example.org")
    db.session.add(invited)  # invited, not accepted: not a speaker of it yet
    db.session.commit()
    base = page_of(proposal)
    for path in (base, base + "/edit", base + "/withdraw"):
        assert signed.get(path).status_code == 404, path
    for path in ("/edit", "/withdraw", "/submit", "/answer", "/co-speakers",
                 "/co-speakers/remove", "/co-speakers/resend"):  # fmt: skip
        assert post(signed, base + path, {"title": "Kapat"}).status_code == 404, path
    assert only_proposal(db).state is ProposalState.DRAFT
    assert only_proposal(db).title == "Social innovation i kommunen"
    # Another event's address does not show it either.
    assert signed.get(base.replace("summit2027", "annat")).status_code == 404


# Profile and photo --------------------------------------------------------------------------


def test_profile_is_required_before_the_first_proposal(client, summit, make_user):
    english(client)
    user = make_user("ny@example.org", "Ny Talare")
    sign_in(client, user)
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/events/summit2027/speakers/profile?next=")
    response = post(
        client,
        "/events/summit2027/speakers/profile",
        {
            "display_name": "Ny Talare",
            "organisation": "Förening",
            "bio": "Jobbar med unga.",
            "preferred_language": "en",
            "next": NEW,
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == NEW
    assert client.get(NEW).status_code == 200


def test_profile_with_a_photo_served_from_a_random_address(db, summit, signed, speaker):
    response = post(
        signed,
        "/events/summit2027/speakers/profile",
        {"display_name": "Anna A", "preferred_language": "sv"},
        files={"photo": (io.BytesIO(png()), "me.png")},
    )
    assert response.status_code == 302
    profile = db.session.scalars(select(SpeakerProfile)).one()
    token = profile.photo_token
    assert token and len(token) >= 20
    body = signed.get("/events/summit2027/speakers/profile").get_data(as_text=True)
    assert f"/events/summit2027/speakers/photos/{token}" in body
    photo = signed.get(f"/events/summit2027/speakers/photos/{token}")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert Image.open(io.BytesIO(photo.data)).size == (64, 64)
    # A new upload gets a new address; the old one is gone.
    post(
        signed,
        "/events/summit2027/speakers/profile",
        {"display_name": "Anna A", "preferred_language": "sv"},
        files={"photo": (io.BytesIO(png((80, 80))), "me2.png")},
    )
    assert signed.get(f"/events/summit2027/speakers/photos/{token}").status_code == 404
    assert signed.get("/events/summit2027/speakers/photos/not-a-real-token").status_code == 404
    response = post(signed, "/events/summit2027/speakers/profile/photo/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(SpeakerProfile)).one().photo_token is None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024 + 10), "larger than 2 MB"),
        (b"GIF89a" + b"\x00" * 100, "must be a JPEG, PNG or WebP"),
        (b"<html><script>alert(1)</script></html>", "must be a JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "must be a JPEG, PNG or WebP"),
        (png()[:-30], "must be a JPEG, PNG or WebP"),  # cut short
    ],
    ids=["oversize", "gif", "html-named-png", "html-behind-png-signature", "truncated"],
)
def test_bad_photos_are_refused_and_nothing_changes(db, summit, signed, speaker, upload, message):
    response = post(
        signed,
        "/events/summit2027/speakers/profile",
        {"display_name": "Nytt namn", "preferred_language": "sv"},
        files={"photo": (io.BytesIO(upload), "photo.png", "image/png")},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'id="photo-error"' in body and 'aria-describedby="photo-hint photo-error"' in body
    db.session.expire_all()
    profile = db.session.scalars(select(SpeakerProfile)).one()
    assert profile.display_name == "Anna Andersson"  # the rest of the form is not saved
    assert profile.photo_token is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "This field is required."),
        ({"bio": "x" * 1001}, "bio", "At most 1000 characters."),
        ({"pronouns": "x" * 41}, "pronouns", "At most 40 characters."),
        ({"preferred_language": "fi"}, "preferred_language", "Choose one of the options."),
    ],
)
def test_bad_profile_input_is_refused(db, summit, signed, speaker, data, field, message):
    form = {"display_name": "Anna", "preferred_language": "sv", **data}
    response = post(signed, "/events/summit2027/speakers/profile", form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}' in body
    db.session.expire_all()
    assert db.session.scalars(select(SpeakerProfile)).one().display_name == "Anna Andersson"


def test_a_form_without_its_csrf_token_is_refused(db, signed, summit, q):
    response = signed.post(NEW, data=complete(summit, q, save="1"))
    assert response.status_code == 400
    assert count(db, Proposal) == 0


# Proposals -------------------------------------------------------------------------------


def test_save_a_draft_then_submit_it(db, signed, summit, q):
    event, call = summit
    form = signed.get(NEW).get_data(as_text=True)
    for label in ("Title", "Abstract", "Experience", "Filmed?", "Level", "Needs", "Link"):
        assert label in form
    assert form.count("(required)") == 5  # title, abstract, format, experience, filmed?
    response = post(signed, NEW, {"title": "Bara en titel", "language": "sv", "save": "1"})
    assert response.status_code == 302
    proposal = only_proposal(db)
    assert response.headers["Location"] == page_of(proposal)
    assert proposal.state is ProposalState.DRAFT
    page = signed.get(page_of(proposal)).get_data(as_text=True)
    assert "Draft" in page and "Some required fields are still empty" in page

    edit = page_of(proposal) + "/edit"
    data = complete(summit, q, version=str(proposal.version), submit="1")
    data[q["choice"]] = "b"
    data[q["multiple_choice"]] = ["a", "b"]
    data[q["url"]] = "https://example.org/om-oss"
    response = post(signed, edit, data)
    assert response.status_code == 302
    proposal = only_proposal(db)
    assert proposal.state is ProposalState.SUBMITTED
    answers = proposal.answers
    assert answers[q["choice"].removeprefix("answer_")] == "b"
    assert answers[q["multiple_choice"].removeprefix("answer_")] == ["a", "b"]
    assert answers[q["yes_no"].removeprefix("answer_")] is True
    receipt = db.session.scalars(select(OutboxMessage)).one()
    assert receipt.to_address == "anna@example.org" and "Social innovation" in receipt.subject
    page = signed.get(page_of(proposal)).get_data(as_text=True)
    assert "Submitted" in page and "Two" in page and "One, Two" in page
    assert 'href="https://example.org/om-oss"' in page
    # The list of my proposals, with the state's label and its actions.
    listing = signed.get("/events/summit2027/speakers/proposals/").get_data(as_text=True)
    assert "Social innovation i kommunen" in listing and "Submitted" in listing
    assert f"{page_of(proposal)}/edit" in listing and f"{page_of(proposal)}/withdraw" in listing


def test_submit_straight_from_the_new_form(db, signed, summit, q):
    response = post(signed, NEW, complete(summit, q, submit="1"))
    assert response.status_code == 302
    assert only_proposal(db).state is ProposalState.SUBMITTED


def test_submit_with_required_fields_missing_marks_each_and_saves_nothing(db, signed, summit, q):
    response = post(signed, NEW, {"title": "Titel", "language": "sv", "submit": "1"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for field in ("abstract", "format_id", q["text"], q["yes_no"]):
        assert f'id="{field}-error">This field is required.' in body, field
    assert count(db, Proposal) == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"abstract": "x" * 1201}, "abstract", "At most 1200 characters."),
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "At most 200 characters."),
        ({"format_id": "999999"}, "format_id", "Choose one of the options."),
        ({"format_id": "talk"}, "format_id", "Choose one of the options."),
        ({"track_id": "999999"}, "track_id", "Choose one of the options."),
        ({"language": "fi"}, "language", "Choose one of the options."),
        ({"choice": "zzz"}, "choice", "Choose one of the options."),
        ({"multiple_choice": ["a", "zzz"]}, "multiple_choice", "Choose one of the options."),
        ({"yes_no": "maybe"}, "yes_no", "Choose one of the options."),
        ({"url": "javascript:alert(1)"}, "url", "Enter a web address"),
        ({"text": "x" * 501}, "text", "At most 500 characters."),
    ],
)
def test_garbage_in_the_proposal_form_is_refused(db, signed, summit, q, change, field, message):
    key, value = next(iter(change.items()))
    key = q.get(key, key)
    field = q.get(field, field)
    for button in ("save", "submit"):
        response = post(signed, NEW, complete(summit, q, **{key: value, button: "1"}))
        assert response.status_code == 422, button
        body = response.get_data(as_text=True)
        assert f'id="{field}-error">{message}' in body, button
        assert f'{field}-error"' in re.search(rf'aria-describedby="[^"]*{field}-error"', body)[0]
    assert count(db, Proposal) == 0


def test_editing_a_proposal_with_garbage_changes_nothing(db, signed, summit, q, speaker):
    post(signed, NEW, complete(summit, q, submit="1"))
    proposal = only_proposal(db)
    data = complete(summit, q, abstract="y" * 5000, version=str(proposal.version), save="1")
    response = post(signed, page_of(proposal) + "/edit", data)
    assert response.status_code == 422
    again = only_proposal(db)
    assert again.abstract == "Hur kommuner och civilsamhälle gör saker ihop."
    assert again.version == proposal.version


def test_a_stale_edit_is_refused(db, signed, summit, q):
    post(signed, NEW, complete(summit, q, save="1"))
    proposal = only_proposal(db)
    edit = page_of(proposal) + "/edit"
    form = signed.get(edit).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    # Another window (or a co-speaker) saves first...
    first = complete(summit, q, title="Första versionen", version=version, save="1")
    assert post(signed, edit, first).status_code == 302
    # ...and the form filled in on the old version is refused, with nothing changed.
    second = complete(summit, q, title="Andra versionen", version=version, save="1")
    response = post(signed, edit, second)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "changed meanwhile" in body and "Reload the page" in body
    assert 'value="Andra versionen"' in body  # what they typed is still in the form
    assert only_proposal(db).title == "Första versionen"
    response = post(signed, edit, dict(second, version="garbage"))
    assert response.status_code == 409
    assert only_proposal(db).title == "Första versionen"


def test_withdraw_asks_first(db, signed, summit, q, make_user):
    post(signed, NEW, complete(summit, q, submit="1"))
    proposal = only_proposal(db)
    page = signed.get(page_of(proposal) + "/withdraw")
    assert page.status_code == 200
    assert "This cannot be undone." in page.get_data(as_text=True)
    assert only_proposal(db).state is ProposalState.SUBMITTED
    response = post(signed, page_of(proposal) + "/withdraw")
    assert response.status_code == 302
    assert only_proposal(db).state is ProposalState.WITHDRAWN
    body = signed.get(page_of(proposal)).get_data(as_text=True)
    assert "Withdrawn" in body and "/edit" not in body
    # Twice is refused with the reason.
    response = post(signed, page_of(proposal) + "/withdraw")
    assert response.status_code == 409 and "Withdrawn" in response.get_data(as_text=True)


def test_a_co_speaker_cannot_withdraw(app, db, summit, make_user, make_proposal):
    _event, call = summit
    owner, co_speaker = make_user("owner@example.org"), make_user("co@example.org")
    proposal = make_proposal(call, owner, co_speakers=[co_speaker])
    client = english(app.test_client())
    sign_in(client, co_speaker)
    assert client.get(page_of(proposal)).status_code == 200
    response = post(client, page_of(proposal) + "/withdraw")
    assert response.status_code == 403
    assert "Only the speaker who submitted" in response.get_data(as_text=True)
    assert only_proposal(db).state is ProposalState.SUBMITTED


# After the deadline ----------------------------------------------------------------------


def close_call(db, call, hours_ago=1):
    call.closes_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()


def test_after_the_deadline_the_form_is_closed_and_read_only(db, signed, summit, q):
    event, call = summit
    post(signed, NEW, complete(summit, q, submit="1"))
    proposal = only_proposal(db)
    close_call(db, call)

    response = signed.get(NEW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/speakers/")
    response = post(signed, NEW, complete(summit, q, submit="1"))
    assert response.status_code == 403
    assert "The call for speakers is closed" in response.get_data(as_text=True)
    assert count(db, Proposal) == 1

    edit = page_of(proposal) + "/edit"
    page = signed.get(edit)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The call for speakers is closed" in body
    assert 'name="title"' not in body  # read-only: what was sent, no form
    assert "Do you have a code for a late submission?" in body
    data = complete(summit, q, title="Efter deadline", version=str(proposal.version), save="1")
    assert post(signed, edit, data).status_code == 403
    assert only_proposal(db).title == "Social innovation i kommunen"
    call_page = signed.get("/events/summit2027/speakers/").get_data(as_text=True)
    assert "Closed" in call_page and "New proposal" not in call_page


def test_with_an_access_code_a_late_proposal_is_accepted(db, signed, summit, q):
    event, call = summit
    close_call(db, call)
    cfp_setup.save_access_code(call, cfp_setup.AccessCodeData("SEN-K7PM-2027", max_uses=1))

    response = post(signed, "/events/summit2027/speakers/code", {"code": "fel-kod"})
    assert response.status_code == 422
    assert 'id="code-error">Unknown access code.' in response.get_data(as_text=True)
    assert signed.get(NEW).status_code == 302

    response = post(signed, "/events/summit2027/speakers/code", {"code": " sen-k7pm-2027 "})
    assert response.status_code == 302 and response.headers["Location"] == NEW
    assert "Submit the proposal" in signed.get(NEW).get_data(as_text=True)
    assert post(signed, NEW, complete(summit, q, submit="1")).status_code == 302
    proposal = only_proposal(db)
    assert proposal.state is ProposalState.SUBMITTED
    assert proposal.access_code.code == "SEN-K7PM-2027"
    # The code stays with the proposal: it can still be edited.
    data = complete(summit, q, title="Ändrad sent", version=str(proposal.version), save="1")
    assert post(signed, page_of(proposal) + "/edit", data).status_code == 302
    assert only_proposal(db).title == "Ändrad sent"
    # Its one use is taken: a second late proposal is saved as a draft but not submitted.
    response = post(signed, NEW, complete(summit, q, title="Ett till", submit="1"))
    assert response.status_code == 302
    second = db.session.scalars(select(Proposal).where(Proposal.title == "Ett till")).one()
    assert second.state is ProposalState.DRAFT


# Co-speakers -----------------------------------------------------------------------------


@pytest.fixture
def submitted(db, signed, summit, q):
    post(signed, NEW, complete(summit, q, submit="1"))
    return only_proposal(db)


def test_invite_a_co_speaker_who_accepts_with_their_own_link(app, db, signed, submitted):
    proposal = submitted
    response = post(signed, page_of(proposal) + "/co-speakers", {"email": "Bo@Example.org "})
    assert response.status_code == 302
    page = signed.get(page_of(proposal)).get_data(as_text=True)
    assert "bo@example.org" in page and "Invited, has not answered" in page
    link = last_link(db, "bo@example.org")
    assert link.startswith("/events/summit2027/speakers/invitations/")

    bo = english(app.test_client())
    page = bo.get(link).get_data(as_text=True)
    assert "Social innovation i kommunen" in page and "Anna Andersson" in page
    assert f'href="/login/link?next={link}"' in page
    response = bo.post(link, data={"csrf_token": csrf_token(bo, "/login"), "yes": "1"})
    assert response.headers["Location"].startswith("/login/link")

    # Bo signs in by emailed link, which brings him back to the invitation.
    post(bo, "/login/link", {"email": "bo@example.org", "next": link})
    magic = last_link(db, "bo@example.org")
    response = post(bo, magic)
    assert response.headers["Location"] == link
    response = post(bo, link, {"yes": "1"})
    assert response.status_code == 302
    # No speaker profile yet: that comes first, then the proposal.
    assert response.headers["Location"].startswith("/events/summit2027/speakers/profile?next=")
    assert bo.get(page_of(proposal)).status_code == 200
    page = signed.get(page_of(proposal)).get_data(as_text=True)
    assert "Co-speaker, accepted" in page
    # The link worked once.
    assert bo.get(link).status_code == 404


def test_an_invitation_used_by_someone_else_is_refused(app, db, signed, submitted, make_user):
    proposal = submitted
    post(signed, page_of(proposal) + "/co-speakers", {"email": "bo@example.org"})
    link = last_link(db, "bo@example.org")
    mallory = english(app.test_client())
    sign_in(mallory, make_user("mallory@example.org"))
    response = post(mallory, link, {"yes": "1"})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "This invitation was sent to another email address" in body
    assert "You are signed in as mallory@example.org" in body
    assert mallory.get(page_of(proposal)).status_code == 404
    invited = db.session.scalars(select(ProposalSpeaker).where(~ProposalSpeaker.is_primary)).one()
    assert invited.user_id is None and invited.accepted_at is None
    # A made-up or garbled link says so.
    for bad in (link[:-3] + "xyz", "/events/summit2027/speakers/invitations/short"):
        response = mallory.get(bad)
        assert response.status_code == 404
        assert "This invitation link is not valid" in response.get_data(as_text=True)


def test_co_speaker_invitations_garbage_limits_and_removal(db, signed, submitted):
    proposal = submitted
    base = page_of(proposal) + "/co-speakers"
    response = post(signed, base, {"email": "inte en adress"})
    assert response.status_code == 422
    assert 'id="email-error">Enter a valid email address.' in response.get_data(as_text=True)
    response = post(signed, base, {"email": "anna@example.org"})
    assert response.status_code == 422 and "already a speaker" in response.get_data(as_text=True)
    for n in range(3):  # the call allows three
        assert post(signed, base, {"email": f"co{n}@example.org"}).status_code == 302
    response = post(signed, base, {"email": "co9@example.org"})
    assert response.status_code == 422
    assert "At most 3 co-speakers." in response.get_data(as_text=True)
    assert count(db, ProposalSpeaker) == 4

    pending = db.session.scalars(
        select(ProposalSpeaker).where(ProposalSpeaker.email == "co0@example.org")
    ).one()
    link = last_link(db, "co0@example.org")
    response = post(signed, base + "/remove", {"speaker": "not-a-number"})
    assert response.status_code == 422
    response = post(signed, base + "/remove", {"speaker": str(pending.id)})
    assert response.status_code == 302
    assert count(db, ProposalSpeaker) == 3
    assert signed.get(link).status_code == 404  # the removed invitation's link is dead


# The accepted speaker's answer -----------------------------------------------------------


@pytest.fixture
def organizer(summit, make_user, grant):
    event, _call = summit
    return grant(make_user("org@example.org"), event, Role.ORGANIZER)


def accept(db, proposal, organizer) -> str:
    decisions.decide([proposal], DecisionKind.ACCEPTED, organizer)
    return last_link(db, "anna@example.org")


def test_an_accepted_speaker_confirms_through_the_emailed_link(
    app, db, summit, submitted, organizer
):
    link = accept(db, submitted, organizer)
    assert link.startswith("/events/summit2027/speakers/respond/")
    client = english(app.test_client())  # the link works without signing in
    page = client.get(link)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Your proposal is accepted" in body and "Social innovation i kommunen" in body
    assert count(db, ProgramSession) == 0
    response = post(client, link, {"yes": "1"})
    assert response.status_code == 302 and response.headers["Location"] == link
    body = client.get(link).get_data(as_text=True)
    assert "Thank you, you are confirmed!" in body and "waiting to be scheduled" in body
    assert only_proposal(db).state is ProposalState.CONFIRMED
    session = db.session.scalars(select(ProgramSession)).one()
    assert session.starts_at is None and session.room_id is None
    # Used: another browser (or a second click) is told who confirmed, and when
    # (tests/web/test_cfp_day_one.py); nothing can be answered twice.
    other = english(app.test_client())
    response = other.get(link)
    assert response.status_code == 200
    assert "is confirmed for" in response.get_data(as_text=True)
    assert "is confirmed for" in post(other, link, {"no": "1"}).get_data(as_text=True)
    assert only_proposal(db).state is ProposalState.CONFIRMED


def test_declining_and_tampered_respond_links(app, db, summit, submitted, organizer):
    link = accept(db, submitted, organizer)
    client = english(app.test_client())
    path, _, by = link.partition("?")  # the token, and who the link was sent to
    for bad in (
        path[:-4] + "AAAA?" + by,
        "/events/summit2027/speakers/respond/x",
        path + "x" * 200,
    ):
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert "not valid or has already been used" in response.get_data(as_text=True)
    response = post(client, link, {})  # neither button
    assert response.status_code == 422
    assert only_proposal(db).state is ProposalState.ACCEPTED
    response = post(client, link, {"no": "1"})  # asked once more: it is for all speakers
    assert response.status_code == 200 and "Decline for all speakers?" in response.text
    assert only_proposal(db).state is ProposalState.ACCEPTED
    response = post(client, link, {"no": "1", "decline_for_all": "1"})
    assert response.status_code == 302
    assert "You have declined" in client.get(link).get_data(as_text=True)
    assert only_proposal(db).state is ProposalState.DECLINED
    assert count(db, ProgramSession) == 0


def test_a_signed_in_speaker_can_confirm_on_the_proposal_page(db, signed, submitted, organizer):
    accept(db, submitted, organizer)
    page = signed.get(page_of(submitted)).get_data(as_text=True)
    assert "Confirm that I will speak" in page
    response = post(signed, page_of(submitted) + "/answer", {"yes": "1"})
    assert response.status_code == 302
    assert only_proposal(db).state is ProposalState.CONFIRMED
    assert count(db, ProgramSession) == 1


# Escaping --------------------------------------------------------------------------------


def test_html_in_every_text_field_is_shown_escaped_on_every_page(
    app, db, signed, summit, q, speaker, organizer
):
    profile = post(
        signed,
        "/events/summit2027/speakers/profile",
        {
            "display_name": f"Anna {SCRIPT}",
            "organisation": f"Org {SCRIPT}",
            "title": f"Titel {SCRIPT}",
            "bio": f"Bio {SCRIPT}",
            "pronouns": "<b>hen</b>",
            "preferred_language": "en",
        },
    )
    assert profile.status_code == 302
    data = complete(
        summit,
        q,
        title=f"Titel {SCRIPT}",
        abstract=f"Abstract {SCRIPT}",
        description=f"Beskrivning {SCRIPT}",
        target_audience=f"Publik {SCRIPT}",
        submit="1",
        **{
            q["text"]: f"Svar {SCRIPT}",
            q["long_text"]: f"Långt {SCRIPT}",
            q["url"]: 'https://example.org/"><script>alert(1)</script>',
        },  # fmt: skip
    )
    assert post(signed, NEW, data).status_code == 302
    proposal = only_proposal(db)
    assert post(signed, page_of(proposal) + "/co-speakers", {"email": "bo@example.org"})
    invitation = last_link(db, "bo@example.org")

    pages = [
        "/events/summit2027/speakers/",
        "/events/summit2027/speakers/profile",
        "/events/summit2027/speakers/proposals/",
        page_of(proposal),
        page_of(proposal) + "/edit",
        page_of(proposal) + "/withdraw",
    ]
    for path in pages:
        body = signed.get(path).get_data(as_text=True)
        assert "<script>alert" not in body, path
        assert ESCAPED in body, path
    guest = english(app.test_client())
    body = guest.get(invitation).get_data(as_text=True)
    assert "<script>alert" not in body and ESCAPED in body
    # Refused input is shown back escaped too.
    response = post(signed, NEW, dict(data, abstract=SCRIPT + "x" * 1200))
    assert response.status_code == 422
    assert "<script>alert" not in response.get_data(as_text=True)

    link = accept(db, proposal, organizer)
    body = guest.get(link).get_data(as_text=True)
    assert "<script>alert" not in body and ESCAPED in body
    post(guest, link, {"yes": "1"})
    body = guest.get(link).get_data(as_text=True)
    assert "Thank you" in body and "<script>alert" not in body and ESCAPED in body
