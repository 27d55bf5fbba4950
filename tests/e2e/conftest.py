"""End-to-end fixtures: the app served over real HTTP in a thread, and Debian's Chromium
driven by Playwright (never a browser downloaded by `playwright install`)."""

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app on http://127.0.0.1:<free port>, stopped before its tables are emptied."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Polled for shutdown every 20 ms, not every half second: each test stops its server.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.02,), name="e2e-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def chromium():
    """Launches Chromium on first use, inside the test: a missing browser fails the test
    (with the Debian package to install) instead of skipping it."""
    state = {}

    def launch():
        if "browser" not in state:
            if not os.access(CHROMIUM, os.X_OK):
                pytest.fail(
                    f"{CHROMIUM} is missing: the end-to-end tests need Debian's Chromium. "
                    "Install it with: apt-get install chromium",
                    pytrace=False,
                )
            from playwright.sync_api import sync_playwright

            state["playwright"] = sync_playwright().start()
            state["browser"] = state["playwright"].chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return state["browser"]

    yield launch
    if "browser" in state:
        state["browser"].close()
        state["playwright"].stop()


@dataclass
class Browsing:
    """Opens pages at one viewport, keeps what the browser reported, saves screenshots."""

    launch: object
    base_url: str
    viewport: str
    artifacts: Path
    console_errors: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    shots: int = 0

    def new_page(self, locale: str = "sv-SE"):
        """A page in a fresh browser (no cookies); `locale` sets Accept-Language."""
        context = self.launch().new_context(
            base_url=self.base_url, locale=locale, **VIEWPORTS[self.viewport]
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        return page

    def _console(self, message) -> None:
        # CSP violations, failed loads and script errors all arrive as console errors.
        if message.type != "error":
            return
        url = message.location.get("url", "")
        self.console_errors.append(f"{message.text} ({url})")

    def screenshot(self, page, step: str) -> Path:
        self.shots += 1
        # JPEG: a third quicker to take than PNG at full page, and as good to look at.
        path = self.artifacts / f"{self.viewport}-{self.shots:02d}-{step}.jpg"
        # Just after a navigation (a language switched) Chromium may refuse to capture a
        # page still loading ("Unable to capture screenshot"): wait until it has loaded.
        page.wait_for_load_state("load")
        page.screenshot(path=str(path), full_page=True, quality=85)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture(params=list(VIEWPORTS))
def browsing(request, chromium, live_server) -> Iterator[Browsing]:
    """Browsing the live server at a phone and a desktop viewport; screenshots go to
    test-artifacts/e2e/<test>/ (gitignored)."""
    name = request.node.originalname
    artifacts = request.config.rootpath / "test-artifacts" / "e2e" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob(f"{request.param}-*.jpg"):
        old.unlink()
    browsing = Browsing(chromium, live_server, request.param, artifacts)
    yield browsing
    browsing.close()


@pytest.fixture
def phone(request, chromium, live_server) -> Iterator[Browsing]:
    """Browsing at the phone viewport only; screenshots in test-artifacts/e2e/<test>/,
    one folder per parameter (e.g. per language)."""
    name = request.node.name.replace("[", "-").rstrip("]")
    artifacts = request.config.rootpath / "test-artifacts" / "e2e" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob("phone-*.jpg"):
        old.unlink()
    browsing = Browsing(chromium, live_server, "phone", artifacts)
    yield browsing
    browsing.close()


def sign_in_with_password(page, email: str, password: str) -> None:
    """Through the login form, in any language (the fields by their ids)."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()
