"""Static files under names that carry their content's hash, cached for a year, so that
a deploy never leaves a browser (or the scanner's offline cache) on an old file.

Each process reads summit/static/ once, at start. Every file gets a name with a hash:
css/summit.css -> css/summit.1f2e3d4c5b6a.css. url_for("static", filename=...) gives
that name, which is answered from the bytes read at start with `Cache-Control: public,
max-age=31536000, immutable`: what a hashed name answers never changes.

ES modules name the modules they import, and style sheets the files they use, by
relative URL ("./api.js"). Those references are rewritten to the hashed names, and a
file's hash covers every file it reaches that way, so a module under a hashed name
always imports exactly the modules it was hashed with: an old module can never run with
a newer one, nor a new one with an older.

The plain name (/static/css/summit.css) answers the file on disk, revalidated on every
use (no-cache). A hashed name that is not this process's (another instance in the middle
of a rolling deploy, an old page kept offline) is redirected to the current one, never
answered as immutable. Under `flask --debug run` an edited file is read again.

Not WhiteNoise or Flask-Static-Digest: both get hashed names from a build step
(collectstatic, `flask digest compile`) and neither renames the imports between modules.
"""

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import Flask, current_app, redirect, url_for
from werkzeug.exceptions import NotFound
from werkzeug.utils import send_file
from werkzeug.wrappers import Response

KEY = "summit_static_files"
IMMUTABLE = "public, max-age=31536000, immutable"
YEAR = 365 * 24 * 3600
HASH_LENGTH = 12
# A hashed name: the plain one with ".<HASH_LENGTH hex digits>" before its extension.
HASHED = re.compile(r"^(?P<stem>.+)\.[0-9a-f]{12}(?P<suffix>\.[^./]+)?$")
# Relative references: `import ... from "./x.js"`, `export ... from`, `import "./x.js"`,
# `import("./x.js")` in scripts; url(...) and @import in style sheets.
REFERENCES = {
    ".js": re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*(["'])(\.\.?/[^"'?#\s]+)\1"""),
    ".css": re.compile(
        r"""(?:\burl\(\s*|@import\s+)(["']?)((?![a-z][a-z0-9+.-]*:|/|#)[^"'()?#\s]+)\1""",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class StaticFile:
    name: str  # under the static folder: "js/scanner/api.js"
    hashed: str  # "js/scanner/api.3f2a1b9c0d12.js"
    body: bytes  # what the hashed name answers (references rewritten)


class StaticFiles:
    """Every file of a static folder, read and hashed once, by plain and hashed name."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.signature = _signature(self.folder)
        contents = {name: (self.folder / name).read_bytes() for name, *_ in self.signature}
        own = {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}
        references = {name: _references(name, data, contents) for name, data in contents.items()}
        hashed = {name: _hashed_name(name, _digest(name, references, own)) for name in contents}
        self.by_name = {
            name: StaticFile(name, hashed[name], _rewrite(name, data, references[name], hashed))
            for name, data in contents.items()
        }
        self.by_hashed = {file.hashed: file for file in self.by_name.values()}
        # One hash for the whole folder: the scanner's offline cache is named after it.
        names = "\n".join(sorted(self.by_hashed)).encode()
        self.release = hashlib.sha256(names).hexdigest()[:HASH_LENGTH]

    def changed(self) -> bool:
        return _signature(self.folder) != self.signature


def current() -> StaticFiles:
    return current_app.extensions[KEY]


def init_static_files(app: Flask) -> None:
    app.extensions[KEY] = StaticFiles(app.static_folder)
    app.url_defaults(_hashed_url)
    app.view_functions["static"] = _serve_plain
    app.before_request(_read_again_in_development)
    app.wsgi_app = _HashedFiles(app.wsgi_app, app)


class _HashedFiles:
    """A hashed name is answered here, before the app: the same bytes for everyone, so
    no session, cookie or database is looked at (nor a `Vary: Cookie` sent, which would
    keep a browser or a proxy from reusing them)."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app
        self.prefix = app.static_url_path.rstrip("/") + "/"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and path.startswith(self.prefix):
            file = self.app.extensions[KEY].by_hashed.get(path[len(self.prefix) :])
            if file is not None:
                return _immutable(file, environ)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def _immutable(file: StaticFile, environ) -> Response:
    response = send_file(
        BytesIO(file.body),
        environ,
        download_name=posixpath.basename(file.name),
        etag=file.hashed,
        max_age=YEAR,
    )
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _signature(folder: Path) -> tuple:
    """Each file's name, size and modification time, in a stable order."""
    found = []
    for root, _dirs, files in os.walk(folder):
        for file in files:
            path = Path(root, file)
            stat = path.stat()
            found.append((path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def _references(name: str, data: bytes, contents: dict) -> dict[str, str]:
    """The relative URLs in a script or style sheet that name a file of the folder, each
    with that file's name."""
    pattern = REFERENCES.get(posixpath.splitext(name)[1])
    if pattern is None:
        return {}
    found = {}
    for match in pattern.finditer(data.decode("utf-8", "replace")):
        url = match.group(2)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), url))
        if target in contents:
            found[url] = target
    return found


def _digest(name: str, references: dict, own: dict) -> str:
    """The file's content hash; for a file that references others, the hash of every
    file it reaches (import cycles included), so that a change anywhere below renames it."""
    reached, todo = {name}, [name]
    while todo:
        for target in references[todo.pop()].values():
            if target not in reached:
                reached.add(target)
                todo.append(target)
    if reached == {name}:
        return own[name][:HASH_LENGTH]
    closure = "".join(f"{each}\0{own[each]}\n" for each in sorted(reached))
    return hashlib.sha256(closure.encode()).hexdigest()[:HASH_LENGTH]


def _hashed_name(name: str, digest: str) -> str:
    stem, suffix = posixpath.splitext(name)
    return f"{stem}.{digest}{suffix}"


def _rewrite(name: str, data: bytes, references: dict, hashed: dict) -> bytes:
    """The file with each reference to another file of the folder by its hashed name."""
    if not references:
        return data

    def hashed_reference(match: re.Match) -> str:
        url = match.group(2)
        if url not in references:
            return match.group(0)
        renamed = url[: len(url) - len(posixpath.basename(url))]
        renamed += posixpath.basename(hashed[references[url]])
        whole, offset = match.group(0), match.start(0)
        return whole[: match.start(2) - offset] + renamed + whole[match.end(2) - offset :]

    pattern = REFERENCES[posixpath.splitext(name)[1]]
    return pattern.sub(hashed_reference, data.decode("utf-8")).encode("utf-8")


def _hashed_url(endpoint: str, values: dict) -> None:
    """url_for("static", filename=...) gives the file's hashed name."""
    if endpoint == "static" and "filename" in values:
        file = current().by_name.get(values["filename"])
        if file is not None:
            values["filename"] = file.hashed


def _serve_plain(filename: str):
    """The static route, for what _HashedFiles did not answer."""
    files = current()
    plain = HASHED.match(filename)
    if plain and filename not in files.by_name:
        name = plain.group("stem") + (plain.group("suffix") or "")
        if name in files.by_name:
            # Another release's name: the current file, under its own name. The redirect
            # itself is never stored (no-store, the default of every answer).
            return redirect(url_for("static", filename=name))
    # The plain name: the file as it is on disk, revalidated on every use.
    try:
        return current_app.send_static_file(filename)
    except NotFound:
        # A bare 404: the site's error page needs the language form, which is not made
        # for the static route (rendering the page failed with a 500).
        return Response("Not Found", 404, mimetype="text/plain")


def _read_again_in_development() -> None:
    if current_app.debug and current().changed():
        current_app.extensions[KEY] = StaticFiles(current_app.static_folder)
