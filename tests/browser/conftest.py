"""A real browser for the tests in this folder: Debian's Chromium, driven by Playwright.

Playwright comes from PyPI; its own browser download is never used (no internet on the
intranet or in CI): it starts /usr/bin/chromium, which `make` installs with apt-get.
Chosen over Selenium because its wheel carries its driver (no chromedriver version to match)
and it reports console messages, page errors and every request, which the CSP test needs. One
browser per test process, and one tab (a context and its page) that each test gets back as a new
context would be: no cookie, no stored data, no listener, the default viewport and media, nothing
but the page's own process kept (a context of its own cost Chromium about 0.8 CPU seconds more a
test). A test that changes what a context keeps for good (Playwright's clock) asks for
``own_context`` and gets a context of its own. A test signs in by handing the browser a session
cookie.
"""

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright


class OneRequestAtATime(WSGIServer):
    """pytest-django's live server, serving one request at a time.

    On SQLite's in-memory test database every thread of the live server shares the test's one
    connection, so two requests at once (a page's photo thumbnails) collided: "cannot start a
    transaction within a transaction", a 400 in the browser, now and then on a busy machine.
    The requests run in the server's own thread, which Django gives the test's connections.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime  # type: ignore[assignment]  # not threaded

CHROMIUM = "/usr/bin/chromium"
# Quiet and offline: no background connections, no updates, no sync (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def _chromium():
    """One browser for a test process (an xdist worker), started by its first browser test:
    a launch costs a second or two of CPU, and each test has a fresh context of its own
    (``tab``), so nothing is shared but the process. Yields the browser and the event loop
    Playwright's synchronous API runs it with."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make venv` (it installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        loop = asyncio.get_running_loop()
        asyncio._set_running_loop(None)  # the tests that follow are no browser's
        yield browser, loop
        asyncio._set_running_loop(loop)
        browser.close()


@pytest.fixture
def browser(_chromium):
    """The browser, for one test.

    Playwright's synchronous API marks its event loop as this thread's running loop after
    each call (the loop waits in a greenlet of its own), and the tests' database calls are
    plain synchronous code, so Django's async guard is lifted for exactly that time: the
    loop is marked running and DJANGO_ALLOW_ASYNC_UNSAFE set for the test and unmarked and
    unset after it, not for other tests, nor for a subprocess such as `check --deploy`,
    which would rightly warn about it.
    """
    browser, loop = _chromium
    # Django keeps a thread's connections apart from those of its running loop: the test's
    # are the ones its database fixtures set up (a prebuilt county's copy among them).
    wrappers = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        asyncio._set_running_loop(loop)
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        try:
            yield browser
        finally:
            asyncio._set_running_loop(None)


class Watched:
    """A browser tab that notes every console error, script error and outside request."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.host = urlsplit(base_url).netloc
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _request(self, request) -> None:
        netloc = urlsplit(request.url).netloc
        if netloc and netloc != self.host:
            self.problems.append(f"outside request: {request.url}")


VIEWPORT = {"width": 1280, "height": 720}  # a new context's


class ReusedTab:
    """The test process's one context and page (see the module's docstring), handed to each
    test as a fresh context would be, and cleared after it; a new pair when the clearing fails
    (a crashed or closed page) or the live server's address is another."""

    def __init__(self) -> None:
        self.context: Any = None
        self.page: Any = None
        self.base_url = ""
        self.listeners: dict[str, list] = {}

    def take(self, browser, base_url: str):
        if self.page is None or self.page.is_closed() or self.base_url != base_url:
            self.discard()
            self.context = browser.new_context(base_url=base_url, locale="zh-CN")
            self.page = self.context.new_page()
            self.base_url = base_url
        self.page.set_viewport_size(VIEWPORT)
        emitter = self.page._impl_obj  # Playwright's own emitter: what listens before the test
        self.listeners = {name: list(emitter.raw_listeners(name)) for name in emitter.event_names()}
        return self.page

    def give_back(self) -> None:
        """Everything the test left, gone: its other tabs, its listeners (a dialog handler
        that never fired), the page itself (about:blank: its scripts and timers stop), the
        origin's cookies and stores (local and session storage, IndexedDB, caches), cookies,
        permissions, print media. The HTTP cache stays, as in a browser between two visits."""
        try:
            for page in self.context.pages:
                if page is not self.page:
                    page.close()
            emitter = self.page._impl_obj
            for name in emitter.event_names():
                kept = self.listeners.get(name, [])
                for listener in emitter.raw_listeners(name):
                    if not any(listener is old for old in kept):
                        emitter.remove_listener(name, listener)
            self.page.goto("about:blank", timeout=5_000)
            cdp = self.context.new_cdp_session(self.page)
            cdp.send("Storage.clearDataForOrigin", {"origin": self.base_url, "storageTypes": "all"})
            cdp.detach()
            self.context.clear_cookies()
            self.context.clear_permissions()
            self.page.emulate_media(media="null")
        except Exception:  # whatever the test broke, the next test gets a new pair
            self.discard()

    def discard(self) -> None:
        if self.context is not None:
            with contextlib.suppress(Exception):  # a browser already gone has nothing to close
                self.context.close()
        self.context = self.page = None


@pytest.fixture(scope="session")
def _reused_tab(_chromium) -> ReusedTab:
    """The process's ``ReusedTab``; closing the browser (``_chromium``) closes its context."""
    return ReusedTab()


@pytest.fixture
def own_context() -> None:
    """Asked for by a test that changes what a context keeps for good (Playwright's clock
    stays installed): its ``tab`` is in a context of its own, closed after it."""


@pytest.fixture
def tab(request, browser, live_server, _reused_tab):
    if "own_context" in request.fixturenames:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield Watched(page, live_server.url)
        context.close()
        return
    page = _reused_tab.take(browser, live_server.url)
    page.set_default_timeout(15_000)
    try:
        yield Watched(page, live_server.url)
    finally:
        _reused_tab.give_back()


def sign_in(tab: Watched, user) -> None:
    """Start the tab signed in as ``user`` (the login form itself has its own test)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    tab.page.context.clear_cookies()
    tab.page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": tab.base_url}]
    )


PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
SHOTS = os.environ.get("SHOTS", "")


def look(page, name: str) -> None:
    """The page fits a phone's width; photographed at both widths when SHOTS is set (without
    it, the page is not resized to 1280 px only to be resized again: one layout less)."""
    size = page.viewport_size
    widths = (("1280", WIDE), ("390", PHONE)) if SHOTS else (("390", PHONE),)
    for label, viewport in widths:
        page.set_viewport_size(viewport)
        if label == "390":
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= PHONE["width"] + 1, f"{name} scrolls sideways at 390 px"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(size or WIDE)
