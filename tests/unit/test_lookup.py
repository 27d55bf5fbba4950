"""The views' one way to find what a URL names: another event's row is a 404, exactly
as a missing one is."""

import pytest
from flask import g
from werkzeug.exceptions import NotFound

from summit.blueprints.lookup import (
    event_or_404,
    found_or_404,
    of_event_or_404,
    public_event_or_404,
)
from summit.models import TicketType


@pytest.fixture
def on_event_page(app, make_event):
    """A request on one event's organizer pages (g.event, as event_role_required sets)."""
    event = make_event(slug="ours")
    with app.test_request_context(f"/manage/events/{event.slug}/"):
        g.event = event
        yield event


def test_this_events_row_is_found(on_event_page, make_ticket_type):
    ours = make_ticket_type(on_event_page)
    assert of_event_or_404(TicketType, ours.id) is ours


def test_another_events_row_is_not_found_as_a_missing_one(
    on_event_page, make_event, make_ticket_type
):
    theirs = make_ticket_type(make_event(slug="theirs"))
    with pytest.raises(NotFound):
        of_event_or_404(TicketType, theirs.id)
    with pytest.raises(NotFound):
        of_event_or_404(TicketType, theirs.id + 1000)


def test_nothing_found_is_not_found(app):
    assert found_or_404(0) == 0  # only None is "nothing"
    with pytest.raises(NotFound):
        found_or_404(None)


def test_an_unpublished_event_is_found_only_where_any_event_may_be(app, make_event):
    draft = make_event(slug="draft", published=False)
    assert event_or_404("draft") is draft
    with pytest.raises(NotFound):
        public_event_or_404("draft")
    assert public_event_or_404(make_event(slug="open").slug).slug == "open"
    with pytest.raises(NotFound):
        event_or_404("nowhere")
