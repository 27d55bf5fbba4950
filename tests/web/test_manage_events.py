"""Organizer pages: create, edit and publish events; grant and remove roles."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from summit.models import Event, EventFormat, EventRole, EventStatus, Role, User
from tests.conftest import csrf_token

GOOD = {
    "slug": "host2027",
    "kind": "seminar",
    "format": "hybrid",
    "name_sv": "Höstseminariet",
    "name_en": "The autumn seminar",
    "description_sv": "Om sociala innovationer.\n\nAndra stycket.",
    "description_en": "",
    "venue_name": "Malmö Live",
    "venue_address": "Dag Hammarskjölds torg 4",
    "stream_url": "https://stream.example.org/host",
    "starts_at": "2027-10-05T09:00",
    "ends_at": "2027-10-05T12:00",
}


def post(client, path, data, page=None):
    return client.post(path, data=dict(data, csrf_token=csrf_token(client, page or path)))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin@example.org", is_site_admin=True)
    login(user)
    return user


def test_site_admin_creates_a_draft_then_publishes_it(client, db, admin):
    response = post(client, "/manage/events/new", GOOD)
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert event.status is EventStatus.DRAFT
    assert event.format is EventFormat.HYBRID
    # 09:00 in Stockholm in October (summer time, UTC+2) is 07:00 UTC.
    assert event.starts_at == datetime(2027, 10, 5, 7, 0, tzinfo=UTC)
    # The creator becomes organizer of the event.
    assert db.session.scalars(select(EventRole.role)).all() == [Role.ORGANIZER]
    assert client.get("/events/host2027/").status_code == 404

    post(client, "/manage/events/host2027/publish", {}, page="/manage/events/host2027/")
    assert client.get("/events/host2027/").status_code == 200
    assert "Höstseminariet" in client.get("/").get_data(as_text=True)

    post(client, "/manage/events/host2027/unpublish", {}, page="/manage/events/host2027/")
    assert client.get("/events/host2027/").status_code == 404


def test_organizer_edits_the_event(client, db, make_event, make_user, grant, login):
    event = make_event(slug="summit2027")
    organizer = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(organizer)
    page = client.get("/manage/events/summit2027/").get_data(as_text=True)
    assert 'value="2027-05-18T09:00"' in page  # shown in Stockholm time
    data = dict(GOOD, slug="summit2027", kind="summit", format="on_site", stream_url="")
    response = post(client, "/manage/events/summit2027/", data)
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.name_sv == "Höstseminariet"


GARBAGE = [
    ({"slug": "Has Spaces"}, "slug"),
    ({"slug": "-bad-"}, "slug"),
    ({"slug": "x" * 80}, "slug"),
    ({"slug": "../etc"}, "slug"),
    ({"name_sv": ""}, "name_sv"),
    ({"name_sv": "n" * 500}, "name_sv"),
    ({"kind": "festival"}, "kind"),
    ({"format": "telepathy"}, "format"),
    ({"starts_at": "tomorrow"}, "starts_at"),
    ({"starts_at": "2027-13-45T25:99"}, "starts_at"),
    ({"ends_at": "2027-10-05T08:00"}, "ends_at"),  # before the start
    ({"stream_url": ""}, "stream_url"),  # hybrid needs a link
    ({"stream_url": "javascript:alert(1)"}, "stream_url"),
    ({"stream_url": "not a url"}, "stream_url"),
    # 02:30 on 28 March 2027 does not exist in Stockholm (clocks go 02:00 → 03:00).
    ({"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T05:00"}, "starts_at"),
]


@pytest.mark.parametrize(("change", "field"), GARBAGE)
def test_garbage_in_the_event_form_is_refused_and_stores_nothing(client, db, admin, change, field):
    response = post(client, "/manage/events/new", dict(GOOD, **change))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body, f"no error shown at {field}"
    assert 'aria-invalid="true"' in body
    assert count(db, Event) == 0


def test_slug_must_be_unique(client, db, admin, make_event):
    make_event(slug="host2027")
    response = post(client, "/manage/events/new", GOOD)
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert count(db, Event) == 1


def test_script_in_event_text_is_escaped(client, db, admin):
    data = dict(GOOD, name_sv="<script>alert(1)</script>", description_sv="<img src=x onerror=1>")
    post(client, "/manage/events/new", data)
    post(client, "/manage/events/host2027/publish", {}, page="/manage/events/host2027/")
    for path in ("/", "/events/host2027/", "/manage/events/host2027/"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_organizer_grants_and_removes_roles(client, db, make_event, make_user, grant, login):
    event = make_event(slug="summit2027")
    organizer = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(organizer)
    response = post(
        client,
        "/manage/events/summit2027/roles",
        {"email": "Ny.Volontar@example.org", "role": "door"},
    )
    assert response.status_code == 302
    volunteer = db.session.scalars(
        select(User).where(User.email == "ny.volontar@example.org")
    ).one()
    assert volunteer.has_role(event, Role.DOOR)
    assert not volunteer.has_role(event, Role.ORGANIZER)
    # Granting again changes nothing.
    post(
        client,
        "/manage/events/summit2027/roles",
        {"email": "ny.volontar@example.org", "role": "door"},
    )
    assert count(db, EventRole) == 2

    grant_id = db.session.scalar(select(EventRole.id).where(EventRole.user_id == volunteer.id))
    post(
        client,
        "/manage/events/summit2027/roles/revoke",
        {"grant": grant_id},
        page="/manage/events/summit2027/roles",
    )
    assert count(db, EventRole) == 1


@pytest.mark.parametrize(
    "data",
    [{"email": "not-an-address", "role": "door"}, {"email": "a@example.org", "role": "king"}, {}],
)
def test_garbage_role_grant_is_refused(client, db, make_event, make_user, grant, login, data):
    event = make_event(slug="summit2027")
    login(grant(make_user("omar@example.org"), event, Role.ORGANIZER))
    response = post(client, "/manage/events/summit2027/roles", data)
    assert response.status_code == 422
    assert count(db, EventRole) == 1
    assert count(db, User) == 1


def test_a_grant_of_another_event_cannot_be_revoked_here(
    client, db, make_event, make_user, grant, login
):
    ours, theirs = make_event(slug="summit2027"), make_event(slug="annat")
    login(grant(make_user("omar@example.org"), ours, Role.ORGANIZER))
    foreign = grant(make_user("eva@example.org"), theirs, Role.ORGANIZER)
    foreign_grant = db.session.scalar(select(EventRole.id).where(EventRole.user_id == foreign.id))
    response = post(
        client,
        "/manage/events/summit2027/roles/revoke",
        {"grant": foreign_grant},
        page="/manage/events/summit2027/roles",
    )
    assert response.status_code == 404
    assert count(db, EventRole) == 2


def test_organizer_cannot_remove_own_organizer_role(
    client, db, make_event, make_user, grant, login
):
    event = make_event(slug="summit2027")
    organizer = grant(make_user("omar@example.org"), event, Role.ORGANIZER)
    login(organizer)
    own = db.session.scalar(select(EventRole.id))
    response = post(
        client,
        "/manage/events/summit2027/roles/revoke",
        {"grant": own},
        page="/manage/events/summit2027/roles",
    )
    assert response.headers["Location"].endswith("/manage/events/summit2027/roles")
    assert count(db, EventRole) == 1
    page = client.get("/manage/events/summit2027/roles").get_data(as_text=True)
    assert "Du kan inte ta bort din egen arrangörsroll." in page


def test_unknown_event_in_manage_is_404_for_admin(client, admin):
    assert client.get("/manage/events/finns-inte/").status_code == 404


def test_a_granted_person_is_told_by_email_in_their_language(
    client, db, make_event, make_user, grant, login
):
    from summit.models import OutboxMessage

    event = make_event(slug="summit2027", name_sv="Sommarmötet", name_en="The summer meeting")
    login(grant(make_user("omar@example.org", name="Omar Haddad"), event, Role.ORGANIZER))
    make_user("eva@example.org", locale="en")
    post(
        client, "/manage/events/summit2027/roles", {"email": "eva@example.org", "role": "reviewer"}
    )
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "eva@example.org")
    ).one()
    assert "Omar Haddad has given you the role reviewer for The summer meeting" in message.body_text
    assert "http://summit.test/manage/" in message.body_text
