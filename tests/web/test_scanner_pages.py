"""The scanner pages: what they send before any script runs (the door API itself is
tested in test_checkin_api.py, the pages in a real browser in e2e/test_scanner.py)."""

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from summit import static_files
from summit.models import Role

CONFIG = re.compile(r'<script type="application/json" id="scanner-config">(.*?)</script>', re.S)


def directives(response) -> dict:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_only_the_scanner_pages_may_compile_webassembly(
    client, make_event, make_user, grant, login
):
    event = make_event(slug="summit2027")
    station = client.get("/events/summit2027/checkin/station")
    assert station.status_code == 200
    # The vendored QR decoder is WebAssembly; eval() and inline script stay forbidden.
    assert directives(station)["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-inline" not in station.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in station.headers["Content-Security-Policy"]
    login(grant(make_user("entre@example.org"), event, Role.DOOR))
    door = client.get("/events/summit2027/checkin/")
    assert door.status_code == 200
    assert directives(door)["script-src"] == "'self' 'wasm-unsafe-eval'"
    for elsewhere in ("/", "/events/summit2027/", "/login"):
        assert directives(client.get(elsewhere))["script-src"] == "'self'", elsewhere


def test_station_page_is_a_shell_that_knows_nothing(client, make_event):
    make_event(slug="hemligt", published=False, name_sv="Hemliga planer", name_en="Secret plans")
    response = client.get("/events/hemligt/checkin/station")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hemliga planer" not in html and "Secret plans" not in html
    config = json.loads(CONFIG.search(html).group(1))
    assert config["mode"] == "station"
    assert config["api"] == "/api/v1/events/hemligt/checkin"
    assert "csrf" not in config
    # The language switch and no-referrer: the page leaks nothing when left.
    assert '<meta name="referrer" content="no-referrer">' in html


def test_door_staff_page_carries_their_csrf_token_and_lists(
    client, make_event, make_user, grant, login
):
    event = make_event(slug="summit2027", name_en="Summit", name_sv="Summit")
    login(grant(make_user("entre@example.org", name="Eva Entré"), event, Role.DOOR))
    response = client.get("/events/summit2027/checkin/", headers={"Accept-Language": "en"})
    config = json.loads(CONFIG.search(response.get_data(as_text=True)).group(1))
    assert config["mode"] == "account"
    assert config["csrf"]
    assert config["user"] == "Eva Entré"
    assert [entry["name"] for entry in config["lists"]] == ["Entré"]
    assert config["list"] == config["lists"][0]["id"]
    assert config["texts"]["already_checked_in"] == "Already checked in"
    assert response.headers["Cache-Control"] == "no-store"


def test_service_worker_is_served_where_its_scope_covers_the_scanner(client):
    page = client.get("/events/summit2027/checkin/station").get_data(as_text=True)
    config = json.loads(CONFIG.search(page).group(1))
    assert config["worker"] == "/events/summit2027/checkin/scanner-worker.js"
    response = client.get(config["worker"])
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    # The cache the page fills is the one the worker reads and keeps (it drops others).
    assert config["cache"].startswith("summit-scanner-")
    assert f'var CACHE = "{config["cache"]}";' in response.get_data(as_text=True)


SCRIPTS = re.compile(r'<script type="module" src="([^"]+)"></script>')
PRELOADS = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
IMPORTS = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+)["']""")


def test_page_names_every_scanner_module_so_it_opens_offline(client, app):
    """The scanner is ES modules; the page keeps for offline use the files it names (the
    entry module and the preloaded ones, static/js/scanner/offline.js). A module left out
    would be missing when a phone reloads the page without network. All are named by
    hashed name, and so are the imports between them: a module cached from an earlier
    release can never be imported by a newer one."""
    html = client.get("/events/summit2027/checkin/station").get_data(as_text=True)
    named = SCRIPTS.findall(html) + PRELOADS.findall(html)
    files = static_files.current()
    assert SCRIPTS.findall(html) == [f"/static/{files.by_name['js/scanner/main.js'].hashed}"]
    folder = Path(app.static_folder) / "js" / "scanner"
    on_disk = sorted(
        f"/static/{files.by_name[f'js/scanner/{path.name}'].hashed}" for path in folder.glob("*.js")
    )
    assert sorted(named) == on_disk
    imported = set()
    for url in named:
        response = client.get(url)
        assert response.status_code == 200, url
        # Module scripts must come as JavaScript from our own origin (script-src 'self').
        assert response.mimetype in ("text/javascript", "application/javascript"), url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        imported.update(
            urljoin(url, spec) for spec in IMPORTS.findall(response.get_data(as_text=True))
        )
    assert imported == set(named) - set(SCRIPTS.findall(html))


def test_the_decoder_is_named_by_its_content_too(client):
    page = client.get("/events/summit2027/checkin/station").get_data(as_text=True)
    config = json.loads(CONFIG.search(page).group(1))
    for url, mimetype in (
        (config["decoder"], "text/javascript"),
        (config["wasm"], "application/wasm"),
    ):
        assert static_files.HASHED.match(url.removeprefix("/static/")), url
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == mimetype, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
