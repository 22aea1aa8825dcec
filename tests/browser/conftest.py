"""The browser-test harness: Playwright's sync API driving the system's Chromium.

Chromium comes from Debian's `chromium` package (Playwright's own browser download does not
work here); CHROMIUM_PATH overrides /usr/bin/chromium. When it is missing every browser test
is skipped, loudly (a banner at the end of the run), except in CI (CI=true), where a missing
browser fails the run instead. Mark browser tests `@pytest.mark.browser`; run only them with
`pytest -m browser`, or leave them out with `-m "not browser"`.

Fixtures
--------
browser        (session) the Playwright Browser.
live_server    pytest-django's server in a thread; `live_server.url` is its base URL. Using it
               makes the test transactional (rows are committed, so the server thread sees
               them, and the tables are emptied afterwards).
new_context    factory: new_context(**options) -> a fresh BrowserContext (own cookies and
               storage, so two contexts are two people) with base_url=live_server.url, a phone
               or desktop viewport as you ask, reduced motion (no smooth scrolling) and a 10 s
               default timeout; closed after the test. Takes any Browser.new_context option,
               for example viewport={"width": 390, "height": 844} or
               permissions=["clipboard-read", "clipboard-write"].
page           a page in a fresh desktop context (1280x900), for one-person tests.
login          login(context_or_page, user): signs `user` in to that context at once, with a
               session made by Django's test client (no login form, no password, no throttle).
seed_document  the seed paper (fixtures/new-industrialization.json) loaded by `load_seed`.

Relative URLs work in page.goto("/d/slug/") because contexts have a base_url.
"""

import io
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core import signals

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: nothing here is async).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

_missing_reason = None


def _chromium_missing() -> str | None:
    path = Path(CHROMIUM)
    if path.is_file() and os.access(path, os.X_OK):
        return None
    found = shutil.which("chromium")
    hint = f" (there is one at {found}: set CHROMIUM_PATH)" if found else " (apt-get install chromium)"
    return f"Chromium is not at {CHROMIUM}{hint}; browser tests cannot run"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if _missing_reason:
        terminalreporter.write_sep("!", "BROWSER TESTS DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(_missing_reason, red=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    global _missing_reason
    missing = _chromium_missing()
    if missing:
        _missing_reason = missing
        if IN_CI:
            pytest.fail(f"{missing}, and CI=true: a missing browser fails the run", pytrace=False)
        pytest.skip(f"SKIPPED BROWSER TEST: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class InFlight:
    """Requests the live server (threads of this process) is still answering. Closing a browser
    does not stop a request the server has begun; the tables are emptied after the test, and a
    TRUNCATE meeting that request's reads can deadlock and fail the next test's setup.

    Kept by thread: the live server answers each request on a thread of its own, which ends
    with it, so a request that never signals its end (a client that dropped the response) is
    forgotten with its thread; requests on the test's own thread (the test client) are not counted."""

    def __init__(self):
        self.threads = set()
        self.changed = threading.Condition()
        signals.request_started.connect(self.started, weak=False)
        signals.request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.threads.add(threading.current_thread())

    def finished(self, **kwargs):
        with self.changed:
            self.threads.discard(threading.current_thread())
            self.changed.notify_all()

    def busy(self):
        self.threads = {thread for thread in self.threads if thread.is_alive()}
        return bool(self.threads)

    def wait_until_idle(self, timeout=30):
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.busy() and time.monotonic() < deadline:
                self.changed.wait(0.05)  # a thread's end is not notified: look again


IN_FLIGHT = InFlight()


@pytest.fixture
def new_context(browser, live_server):
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", DESKTOP)
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    IN_FLIGHT.wait_until_idle()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def login(live_server):
    """login(context_or_page, user): put a signed-in session cookie into the browser."""
    from django.conf import settings
    from django.test import Client

    def sign_in(target, user):
        context = getattr(target, "context", target)  # a Page has .context; a BrowserContext is one
        client = Client()
        client.force_login(user)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": session_cookie.value,
            "url": live_server.url,
            "httpOnly": True,
            "sameSite": "Lax",
        }])
        return user

    return sign_in


@pytest.fixture
def seed_document(live_server):
    from django.core.management import call_command

    from reader.models import Document

    call_command("load_seed", stdout=io.StringIO())
    return Document.objects.get(slug="new-industrialization")
