"""The group mail form offers the registration answers: a mailing to those who answered
sektor = offentlig sektor reaches them, once each; a forged answer is 422."""

import pytest
from sqlalchemy import func, select

from summit.models import Mailing, OutboxMessage, Role
from summit.services.mailings import sending
from tests.conftest import csrf_token
from tests.unit.test_mailing_answers import answered_world

BASE = "/manage/events/summit2027/mail"


@pytest.fixture
def world(db, make_event, make_user, make_call, make_proposal, make_profile):
    return answered_world(db, make_event, make_user, make_call, make_proposal, make_profile)


def test_a_mailing_to_those_who_answered_offentlig_sektor(
    client, world, db, make_user, grant, login
):
    login(grant(make_user("arrangor@example.org"), world.event, Role.ORGANIZER))
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    assert '<option value="sektor:offentlig">Sektor – Offentlig sektor</option>' in page
    fields = {
        "csrf_token": csrf_token(client, f"{BASE}/new"),
        "subject_sv": "Till er i offentlig sektor, {namn}",
        "body_sv": "Hej {namn}!",
        "attendees": "y",
        "checked_in": "any",
        "answer": "sektor:offentlig",
    }
    sent = client.post(f"{BASE}/new", data=fields)
    assert sent.status_code == 303
    shown = client.get(sent.location).get_data(as_text=True)
    assert "Sektor – Offentlig sektor" in shown
    assert "asa@example.org" in shown and "johan@example.org" in shown
    assert "karin@example.org" not in shown and "mo@example.org" not in shown
    mailing = db.session.scalars(select(Mailing)).one()
    token = csrf_token(client, sent.location)
    send = f"{BASE}/{mailing.id}/send"
    assert client.post(send, data={"csrf_token": token, "when": "now"}).status_code == 303
    assert sending.send_due_mailings() == 2
    assert sending.send_due_mailings() == 0  # once each
    to = select(OutboxMessage.to_address).where(OutboxMessage.subject.contains("offentlig"))
    assert sorted(db.session.scalars(to)) == ["asa@example.org", "johan@example.org"]
    # An answer the event does not offer: refused, nothing stored.
    fields["answer"] = "sektor:hittepa"
    fields["csrf_token"] = csrf_token(client, f"{BASE}/new")
    assert client.post(f"{BASE}/new", data=fields).status_code == 422
    assert db.session.scalar(select(func.count(Mailing.id))) == 1
