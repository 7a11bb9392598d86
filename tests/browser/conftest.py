"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Run with ``pytest tests/browser``. No browser is downloaded: Playwright launches /usr/bin/chromium.
Screenshots go to tests/artifacts/ (git-ignored): at the steps a test names, and on failure.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD
from tests.personas import *  # noqa: F401,F403  (harmless if tests/conftest.py imports them too)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT_MS = 15_000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so that the page fixture can see a failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def screenshot(page, name: str) -> Path:
    """A full-page screenshot at tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium, started and stopped for each test.

    Playwright's sync API runs an asyncio event loop in the calling (test) thread, driven through
    greenlets, and marks that loop as running in this thread while Playwright is alive. Django's
    ``async_unsafe`` guard sees a running loop and raises SynchronousOnlyOperation on every ORM call
    made from this thread -- the persona factories and the test's database assertions. No coroutine ever touches the database here (the live server answers in its
    own thread, without a loop), so the guard is a false alarm: DJANGO_ALLOW_ASYNC_UNSAFE turns it
    off, for this test only (monkeypatch restores the environment).

    The running loop has a second effect: Django keeps a thread's database connections in an
    asgiref ``Local`` that, while a loop runs in the thread, stores them per context instead of per
    thread. ORM calls made while Playwright is alive therefore open a connection of their own, apart
    from the one pytest-django sets up and flushes with. It works (transactional_db: autocommit), but
    nothing closes it, and PostgreSQL then refuses to drop the test database at the end ("being
    accessed by other users"). So those connections are closed before Playwright stops.

    Function scope on purpose: a session-wide Playwright would leave the loop marked running for
    every later test in the session, browser test or not.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        connections.close_all()  # the connections opened under Playwright's loop (see above)
        playwright.stop()


@pytest.fixture
def page(request, browser, live_server, settings, tmp_path):
    """A page in a fresh browser context of a Chinese desktop user, pointed at the live server.

    The context sends Accept-Language zh-CN like the bureau's browsers (Django's LocaleMiddleware
    honours it). Every request that leaves the live server is refused and recorded (the portal must
    not need a CDN), and so are responses with status >= 400 and console errors: the test checks the
    lists with ``page.problems``.
    """
    settings.MEDIA_ROOT = tmp_path / "media"  # attachments uploaded by the test stay out of var/
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    problems = {"external": [], "http_errors": [], "console": []}
    own_host = urlsplit(live_server.url).netloc

    def guard(route):
        url = route.request.url
        if urlsplit(url).netloc == own_host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            problems["external"].append(url)
            route.abort()

    context.route(re.compile(r".*"), guard)
    page = context.new_page()
    page.on("response", lambda r: r.status >= 400 and problems["http_errors"].append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and problems["console"].append(m.text))
    page.problems = problems
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        try:
            screenshot(page, f"FAILED-{request.node.name}")
        except Exception:  # the page may be gone; the test's own error matters more
            pass
    context.close()


@pytest.fixture
def log_in(page):
    """Log a persona in through the real login form: ``log_in(alice)``."""

    def _log_in(user, *, shot: str | None = None):
        page.goto(reverse("login"))
        expect(page.locator("#login-form")).to_be_visible()
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        if shot:
            screenshot(page, shot)
        page.click("#login-form button[type=submit]")
        expect(page.locator("#user-menu-button")).to_be_visible()
        return page

    return _log_in


@pytest.fixture
def log_out(page):
    """Log out with the button in the header's user menu (a POST form); the portal shows the login page."""

    def _log_out():
        page.click("#user-menu-button")
        page.click(f'nav form[action="{reverse("logout")}"] button[type=submit]')
        expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"$"))
        expect(page.locator("#login-form")).to_be_visible()

    return _log_out
