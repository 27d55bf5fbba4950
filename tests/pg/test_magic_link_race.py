"""The same emailed sign-in link used twice at once (a double click, two tabs), on
PostgreSQL with real threads and connections: one use signs in, the other is told the
link is used; never a 500, never two accounts for one address."""

import re

import pytest
from sqlalchemy import func, select

from summit.models import OutboxMessage, User
from summit.services import accounts
from tests.conftest import csrf_token
from tests.threads import in_threads

ROUNDS = 8


def _link(db, email: str) -> str:
    accounts.send_magic_link(email, "sv")
    body = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://summit\.test(/login/link/\S+)", body.body_text).group(1)


@pytest.mark.parametrize("existing", [True, False], ids=["account", "new address"])
def test_a_link_used_twice_at_once_signs_in_once(app, db, make_user, existing):
    for round_ in range(ROUNDS):
        email = f"person{round_}@example.org"
        if existing:
            make_user(email)
        link = _link(db, email)
        clients = [app.test_client() for _ in range(2)]
        for n, client in enumerate(clients):  # two devices (the sign-in limit is per address)
            client.environ_base["REMOTE_ADDR"] = f"10.0.{round_}.{n + 1}"
        forms = [{"csrf_token": csrf_token(c, link), "submit": "1"} for c in clients]

        def use(clients=clients, forms=forms, link=link):
            client, form = clients.pop(), forms.pop()
            response = client.post(link, data=form, headers={"Accept-Language": "en"})
            return response.status_code, response.headers.get("Location", "")

        outcomes = in_threads(app, 2, use)
        assert sorted(code for code, _ in outcomes) == [302, 302], outcomes
        used = [where for _, where in outcomes if where.startswith("/login/link")]
        assert len(used) == 1, outcomes  # the other was signed in and sent on
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(User.email == email)) == 1
