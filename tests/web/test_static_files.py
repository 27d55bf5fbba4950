"""Static files as pages name them and the server answers them: under a name with the
hash of their content, kept a year by browsers; under the plain name, revalidated; and a
deploy renames what it changed, so that nothing stale is ever used."""

import hashlib
import json
import re
from pathlib import Path

from summit.static_files import HASHED

STATIC_URLS = re.compile(r'(?:href|src)="(/static/[^"]+)"')
CONFIG = re.compile(r'<script type="application/json" id="scanner-config">(.*?)</script>', re.S)
YEAR = "public, max-age=31536000, immutable"
SCANNER = "/events/summit2027/checkin/station"


def named_on(client, page: str) -> dict[str, str]:
    """The static files a page names: plain name -> the URL the page uses."""
    urls = STATIC_URLS.findall(client.get(page).get_data(as_text=True))
    assert urls, page
    named = {}
    for url in urls:
        hashed = HASHED.match(url.removeprefix("/static/"))
        assert hashed, f"{page} names {url} without a hash"
        named[hashed.group("stem") + (hashed.group("suffix") or "")] = url
    return named


def scanner_config(client) -> dict:
    return json.loads(CONFIG.search(client.get(SCANNER).get_data(as_text=True)).group(1))


def test_pages_name_static_files_by_their_content(client, app, make_event):
    make_event(slug="summit2027")
    folder = Path(app.static_folder)
    css = (folder / "css" / "summit.css").read_bytes()
    named = named_on(client, "/")
    assert (
        named["css/summit.css"] == f"/static/css/summit.{hashlib.sha256(css).hexdigest()[:12]}.css"
    )
    for page in ("/", "/events/summit2027/", "/events/summit2027/program/", SCANNER, "/login"):
        for name, url in named_on(client, page).items():
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == YEAR, url
            if not name.startswith("js/scanner/"):  # modules: imports renamed (test_scanner_pages)
                assert response.data == (folder / name).read_bytes(), url


def test_a_hashed_name_is_kept_a_year_and_the_same_for_everyone(client, app, make_user, login):
    login(make_user("arrangor@example.org"))
    url = named_on(client, "/")["css/summit.css"]
    response = client.get(url)
    assert response.headers["Cache-Control"] == YEAR
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Nothing of the visitor's: no cookie read (Vary) or sent, so any cache may share it.
    assert "Vary" not in response.headers and "Set-Cookie" not in response.headers
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get("/static/css/summit.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"


def test_a_deploy_renames_what_changed_and_what_imports_it(client, make_event, deploy_static):
    make_event(slug="summit2027")
    before, before_config = named_on(client, SCANNER), scanner_config(client)
    deploy_static({"js/scanner/page.js": "\n// The next release.\n"})
    after, after_config = named_on(client, SCANNER), scanner_config(client)

    # page.js changed, and every module imports it (main.js through the others): all are
    # renamed, the style sheet and the icon are not.
    renamed = {name for name in before if before[name] != after[name]}
    assert renamed == {name for name in before if name.startswith("js/scanner/")}
    assert "js/scanner/main.js" in renamed and "css/scanner.css" in before
    assert client.get(after["js/scanner/page.js"]).data.endswith(b"// The next release.\n")

    # The old name is never answered as the file: it sends the browser to the current
    # one, and the redirect itself is not stored.
    old = client.get(before["js/scanner/page.js"])
    assert old.status_code == 302 and old.headers["Location"] == after["js/scanner/page.js"]
    assert old.headers["Cache-Control"] == "no-store"

    # The scanner's offline cache follows the release, in the page and in its worker.
    assert after_config["cache"] != before_config["cache"]
    worker = client.get(after_config["worker"]).get_data(as_text=True)
    assert f'var CACHE = "{after_config["cache"]}";' in worker


def test_unknown_names_are_not_found_and_not_kept(client):
    for url in ("/static/css/nothing.css", "/static/css/nothing.0123456789ab.css"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["Cache-Control"] == "no-store", url
    made_up = client.get("/static/css/summit.0123456789ab.css")
    assert made_up.status_code == 302 and made_up.headers["Cache-Control"] == "no-store"


def test_files_are_read_once_but_again_in_development(client, app, deploy_static, monkeypatch):
    deploy_static({})
    url = named_on(client, "/")["css/summit.css"]
    with open(Path(app.static_folder) / "css" / "summit.css", "a", encoding="utf-8") as css:
        css.write("\n/* edited */\n")
    # A running server keeps the files it read at start (the hashed name's promise).
    assert named_on(client, "/")["css/summit.css"] == url
    assert not client.get(url).data.endswith(b"/* edited */\n")
    # `flask --debug run` reads an edited file again.
    monkeypatch.setattr(app, "debug", True)
    edited = named_on(client, "/")["css/summit.css"]
    assert edited != url and client.get(edited).data.endswith(b"/* edited */\n")
