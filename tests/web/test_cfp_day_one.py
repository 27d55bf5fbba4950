"""Issue 12 ("day-one trust"), the call for speakers' part: /cfp/ leads to the call,
the shared confirm link after a co-speaker answered, declining for everyone, the slot
on the proposal page, and an error summary that lists every error."""

import re

import pytest
from sqlalchemy import select

from summit.models import OutboxMessage


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def mails_to(db, address):
    db.session.commit()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
    ).all()


# 17: /cfp/ is the call for speakers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/events/summit27/cfp/", "/events/summit27/speakers/"),
        ("/events/summit27/cfp", "/events/summit27/speakers/"),
        ("/events/summit27/cfp/proposals/", "/events/summit27/speakers/proposals/"),
        ("/events/summit27/cfp/profile?next=/x", "/events/summit27/speakers/profile?next=/x"),
    ],
)
def test_the_cfp_address_leads_to_the_call_for_speakers(
    client, make_event, make_call, path, target
):
    make_call(make_event(slug="summit27"))
    response = client.get(path)
    assert response.status_code in (301, 308)
    assert response.location == target
    assert client.get(target.split("?")[0]).status_code in (200, 302)


def test_the_cfp_address_of_an_unknown_event_is_still_404(client):
    response = client.get("/events/nope/cfp/")
    assert response.status_code in (301, 308)
    assert client.get(response.location).status_code == 404
