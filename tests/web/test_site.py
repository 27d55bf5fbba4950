"""Public pages: the event list, an event page, languages."""

import re

import pytest


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_home_lists_published_upcoming_events_only(client, make_event):
    make_event(slug="summit2027", name_sv="Sommarmötet")
    make_event(slug="hemligt", published=False, name_sv="Utkastet")
    body = client.get("/").get_data(as_text=True)
    assert "Sommarmötet" in body
    assert "Utkastet" not in body


def test_event_page_and_unknown_slug(client, make_event):
    make_event(slug="summit2027", name_sv="Sommarmötet", venue_name="Malmö Live")
    response = client.get("/events/summit2027/")
    assert response.status_code == 200
    assert "Malmö Live" in response.get_data(as_text=True)
    assert client.get("/events/finns-inte/").status_code == 404


def test_draft_event_is_not_public(client, make_event):
    make_event(slug="utkast", published=False)
    assert client.get("/events/utkast/").status_code == 404


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("", "sv"), ("en-US,en;q=0.9", "en"), ("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("de-DE", "sv")],
)
def test_first_visit_follows_accept_language(client, make_event, accept, expected):
    make_event(slug="summit2027")
    headers = {"Accept-Language": accept} if accept else {}
    assert html_lang(client.get("/events/summit2027/", headers=headers)) == expected


def test_event_page_links_to_the_call_for_speakers_while_it_is_open(
    client, db, make_event, make_call, clock
):
    from tests.conftest import CFP_CLOSES, CFP_OPEN_NOW

    event = make_event(slug="summit2027")
    make_call(event)  # open from 11 January until 1 March 2027
    link = 'href="/events/summit2027/speakers/"'
    clock.set(CFP_OPEN_NOW)
    assert link in client.get("/events/summit2027/").get_data(as_text=True)

    clock.set(CFP_CLOSES)
    assert link not in client.get("/events/summit2027/").get_data(as_text=True)
