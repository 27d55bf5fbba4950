"""Property-based fuzzing of every form and JSON endpoint: the URL map is walked, URL
variables are filled with real objects of the demo world, and each route is sent
generated garbage (deep JSON, NUL and other control characters, huge numbers, unicode,
files for text fields, missing and extra fields) with a valid CSRF token, signed in as
the site admin (every role) or with a station's bearer token for the door API. The
schema is stamped at the migrations' head, so /readyz is ready and any 5xx fails.

Asserted: no 500, and nothing half-written (a refused request leaves the row counts of
the key tables as they were). Reproducible (derandomize) and bounded: five explicit
examples per route (deep JSON, a file, a NUL and a huge number in every field, a huge
page number) and a few generated ones, no shrinking (a failure names the route and the
input as sent).
"""

import io
import json
import re

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from summit import models as m
from summit.demo import DEMO_PASSWORD
from summit.extensions import limiter
from summit.services.checkin import setup as checkin_setup
from tests.conftest import csrf_token, sign_in

SKIPPED = {"static", "auth.logout"}  # signing out would end the run's session
# Run last: they take away what the other routes are probed with.
DESTRUCTIVE = re.compile(r"delete|revoke|withdraw|unpublish|cancel|release|remove|renew|refund")
KEY_TABLES = (
    m.Order,
    m.Ticket,
    m.User,
    m.Proposal,
    m.Checkin,
    m.ProgramSession,
    m.OutboxMessage,
    m.EventRole,
    m.TicketType,
    m.DiscountCode,
    m.WaitingListEntry,
    m.Survey,
    m.SurveyQuestion,
    m.SurveyResponse,
    m.SurveyAnswer,
)
# Values no person types, besides whatever hypothesis makes of text and numbers.
NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "9" * 25,
    "-99999999999999999999",
    "1e309",
    "NaN",
    "",
    "   ",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "\u202eevil",
    "%00",
    "../../etc/passwd",
    "2027-05-18T09:00",
    "summit2027",
]
EXTRA_KEYS = ["secret", "nonce", "ticket_id", "scans", "token", "add", "merge", "room", "start"]
EXTRA_KEYS += ["duration", "version", "action", "list", "page", "q", "next", "code", "qty-1"]

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _json_body(keys):
    return st.one_of(
        st.integers(min_value=30, max_value=30_000).map(deep_json),
        st.dictionaries(st.sampled_from(keys), json_value, max_size=6).map(json.dumps),
        json_value.map(json.dumps),
        st.sampled_from(['{"a": NaN}', '{"a": 1e999}', "{", "\xff\xfe", '{"secret": "\\u0000"}']),
    )


def _form_body(keys):
    value = st.one_of(text, st.just("FILE"), st.lists(text, min_size=2, max_size=3))
    return st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))


def _payload(keys):
    return st.one_of(
        _form_body(keys).map(lambda form: ("form", form)),
        _json_body(keys).map(lambda body: ("json", body)),
        _form_body(keys).map(lambda form: ("query", form)),
    )


def _first_id(db, model):
    return db.session.scalar(select(func.min(model.id)))


def _world(db):
    """The demo world (in the tables), and a value for every URL variable from its real
    objects."""
    event = db.session.scalar(select(m.Event).where(m.Event.slug == "summit2027"))
    _station, token = checkin_setup.create_station(event, "Fuzz")
    db.session.commit()
    order = db.session.scalar(
        select(m.Order).where(m.Order.event_id == event.id).order_by(m.Order.id)
    )
    session = db.session.scalar(select(m.ProgramSession).where(m.ProgramSession.token.is_not(None)))
    proposal = db.session.scalar(select(m.Proposal).order_by(m.Proposal.id))
    day = db.session.scalar(select(m.ProgramDay).order_by(m.ProgramDay.id))
    values = {
        "slug": "summit2027",
        "reference": order.reference,
        "number": "1",
        "kind": "accepted",
        "locale": "sv",
        "day": day.day.isoformat() if day is not None else "2027-05-18",
        "ref": "x",
        "rest": "x",
        "filename": "x",
    }
    ids = {
        "type_id": m.TicketType,
        "code_id": m.DiscountCode,
        "list_id": m.CheckinList,
        "station_id": m.Station,
        "ticket_id": m.Ticket,
        "checkin_id": m.Checkin,
        "day_id": m.ProgramDay,
        "room_id": m.Room,
        "format_id": m.SessionFormat,
        "criterion_id": m.ReviewCriterion,
        "question_id": m.CfpQuestion,
        "registration_question_id": m.Question,
        "access_code_id": m.AccessCode,
        "track_id": m.Track,
        "reviewer_id": m.User,
        "message_id": m.OutboxMessage,
        "attachment_id": m.OutboxAttachment,
        "voucher_id": m.Voucher,
        "entry_id": m.WaitingListEntry,
        "survey_id": m.Survey,
        "survey_question_id": m.SurveyQuestion,
    }
    values.update({name: str(_first_id(db, model) or 1) for name, model in ids.items()})

    entry = db.session.scalar(select(m.WaitingListEntry).order_by(m.WaitingListEntry.id))
    surveyed = db.session.scalar(select(m.SurveyRecipient.token).order_by(m.SurveyRecipient.id))

    def token_for(endpoint: str) -> str:
        if endpoint.startswith("tickets.waiting") and entry is not None:
            return entry.token
        if endpoint.startswith("tickets.") or endpoint.startswith("payments."):
            return order.token
        if endpoint.startswith("program.") and session is not None:
            return session.token
        if endpoint.startswith("speakers.") and proposal is not None:
            return proposal.token
        if endpoint == "surveys.answer" and surveyed is not None:
            return surveyed
        return "not-a-real-token"

    return values, token_for, token


def _targets(app):
    targets = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET" and not rule.arguments and "POST" in rule.methods:
                continue  # its form is probed by POST
            targets.append((rule, method))
    targets.sort(key=lambda t: (bool(DESTRUCTIVE.search(t[0].rule)), t[0].rule, t[1]))
    return targets


def _url(rule, values, token_for) -> str:
    url = rule.rule
    for name in rule.arguments:
        value = token_for(rule.endpoint) if name == "token" else values.get(name, "1")
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
    return url


def _field_names(client, url) -> list[str]:
    page = client.get(url)
    if not page.mimetype.startswith("text/html"):
        return []
    html = page.get_data(as_text=True)
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token", "viewport"})


# The row counts of the key tables, read in one statement.
COUNTS = select(
    *(
        select(func.count()).select_from(t).scalar_subquery().label(t.__tablename__)
        for t in KEY_TABLES
    )
)


def _counts(db):
    db.session.commit()
    return db.session.execute(COUNTS).one()._asdict()


# gunicorn answers a request line over 4094 bytes with 400 itself: no longer query string
# reaches the app (deep JSON as a query string took half this test's time in the test
# client's URL quoting, for URLs no request can have).
QUERY_LIMIT = 4000


def _send(client, method, url, kind, body, csrf, station_token):
    headers = {"X-CSRFToken": csrf}
    if url.startswith("/api/"):
        headers["Authorization"] = f"Bearer {station_token}"
    if method == "GET" or kind == "query":
        body = body if isinstance(body, dict) else {"q": body[:QUERY_LIMIT]}
        query = {k: v if isinstance(v, list | str) else "x" for k, v in body.items()}
        query = {k: v for k, v in query.items() if v != "FILE"}
        return client.open(url, method=method, query_string=query, headers=headers)
    if kind == "json":
        return client.open(
            url, method=method, data=body, content_type="application/json", headers=headers
        )
    data = {"csrf_token": csrf}
    for key, value in body.items():
        data[key] = (io.BytesIO(b"\x00file"), "f.txt") if value == "FILE" else value
    return client.open(url, method=method, data=data, content_type="multipart/form-data")


def _probe(db, client, method, url, keys, csrf, station_token, failures):
    """A hypothesis test of one route; what fails is collected, not shrunk."""

    @settings(
        max_examples=3 if method == "POST" else 1,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(payload=_payload(keys))
    @example(payload=("json", deep_json(30_000)))
    @example(payload=("form", dict.fromkeys(keys, "FILE")))
    @example(payload=("form", dict.fromkeys(keys, "a\x00b")))
    @example(payload=("form", dict.fromkeys(keys, "9" * 25)))
    @example(payload=("query", {"page": "9" * 20, "q": "a\x00b"}))
    def probe(payload):
        kind, body = payload
        before = _counts(db)
        try:
            response = _send(client, method, url, kind, body, csrf, station_token)
        except Exception as error:  # noqa: BLE001  (TESTING: a 500 raises here)
            failures.append((method, url, kind, repr(body)[:200], repr(error)[:300]))
            return
        if response.status_code >= 500:
            failures.append((method, url, kind, repr(body)[:200], response.status))
        elif response.status_code >= 400 and _counts(db) != before:
            failures.append((method, url, kind, repr(body)[:200], "half-written"))

    return probe


def test_no_input_gives_a_500_or_half_writes(app, db, demo, at_head):
    limiter.enabled = False  # the limits are tested elsewhere; here they would hide routes
    try:
        values, token_for, station_token = _world(db)
        admin = db.session.scalar(select(m.User).where(m.User.is_site_admin.is_(True)))
        client = app.test_client()
        sign_in(client, admin, DEMO_PASSWORD)
        csrf = csrf_token(client, "/account")
        failures = []
        for rule, method in _targets(app):
            url = _url(rule, values, token_for)
            keys = (_field_names(client, url) if "GET" in rule.methods else []) + EXTRA_KEYS

            _probe(db, client, method, url, keys, csrf, station_token, failures)()
        assert not failures, "\n".join(map(str, failures))
    finally:
        limiter.enabled = True
