"""The unsubscribe link of a group mail: a page that asks first (a link checker opening
it changes nothing), the mail program's one-click POST without a CSRF token (RFC 8058),
undo, and tokens that are not one answered 404 with nothing changed."""

import pytest
from sqlalchemy import select

from summit.models import MailSubscription
from summit.services.mailings import unsubscribe as subscriptions


@pytest.fixture
def tokens(db):
    made = subscriptions.tokens_for(["asa@example.org", "johan@example.org"])
    db.session.commit()
    return {email: sub.token for email, sub in made.items()}


def unsubscribed(db) -> list[str]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(
            select(MailSubscription.email).where(MailSubscription.unsubscribed_at.is_not(None))
        )
    )


def test_opening_the_link_asks_and_changes_nothing(client, db, tokens):
    page = client.get(f"/unsubscribe/{tokens['asa@example.org']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Avsluta prenumeration" in html or "<button" in html
    assert 'method="post"' in html
    assert unsubscribed(db) == []


def test_one_click_post_unsubscribes_that_address_only(client, db, tokens):
    # As a mail program sends it: no cookie, no CSRF token.
    answer = client.post(
        f"/unsubscribe/{tokens['asa@example.org']}", data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    assert unsubscribed(db) == ["asa@example.org"]
    again = client.post(f"/unsubscribe/{tokens['asa@example.org']}", data={})
    assert again.status_code == 200 and unsubscribed(db) == ["asa@example.org"]
    undo = client.post(f"/unsubscribe/{tokens['asa@example.org']}", data={"resubscribe": "1"})
    assert undo.status_code == 200 and unsubscribed(db) == []


@pytest.mark.parametrize(
    "token", ["x", "exempel-" + "x" * 24, "a" * 65, "%00" * 20, "../../etc/passwd" + "a" * 10]
)
def test_a_token_that_is_not_one_is_404_and_changes_nothing(client, db, tokens, token):
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert unsubscribed(db) == []
