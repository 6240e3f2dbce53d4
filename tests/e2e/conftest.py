"""Browser journeys: the real app on a real socket, driven by Playwright in system Chromium."""
import os
import shutil
import time
from contextlib import contextmanager

import pytest
import requests

from tests.conftest import PASSWORD, _test_config, reset_database
from tests.live_server import serving
from tests.webhook_helpers import URL, as_body, signed_headers
from webapp import create_app
from webapp.db import utcnow
from webapp.delivery_consumer import DeliveryConsumer
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, Group, User

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Flags that keep Chromium off the network on this closed machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.e2e


def _chromium_path() -> str | None:
    """The system Chromium, if installed."""
    for path in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if path and os.path.exists(path):
            return path
    return None


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e is a browser journey."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run; in CI a missing browser fails instead of skipping."""
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: the browser journeys must run in CI")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer:
    """The app served at `url` (tests.live_server), plus helpers that touch its database."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    @contextmanager
    def db(self):
        """A short app-context transaction, committed and closed so the server never waits."""
        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    def make_user(self, role=PRE_SELLER, name="", email="", online=False, **fields) -> dict:
        """Create a user (`fields`: locale, timezone…); returns a plain dict (no detached ORM
        objects)."""
        with self.db() as session:
            user = User(email=email, name=name or email.split("@")[0].title(), role=role,
                        **fields)
            user.set_password(PASSWORD)
            if online:
                user.signed_in, user.last_seen_at = True, utcnow()
            session.add(user)
            session.flush()
            return {"id": user.id, "email": user.email, "name": user.name,
                    "password": PASSWORD}

    def make_group(self, name: str, member_ids=()) -> int:
        """Create a group of the given users; returns its id."""
        with self.db() as session:
            members = [session.get(User, i) for i in member_ids]
            group = Group(name=name, members=members)
            session.add(group)
            session.flush()
            return group.id

    def post_webhook(self, payload: dict) -> requests.Response:
        """POST a WhatsApp webhook delivery signed with the app's secret, as Meta does."""
        body = as_body(payload)
        return requests.post(self.url + URL, data=body, timeout=10, headers=signed_headers(
            body, self.app.config["WHATSAPP_APP_SECRET"]))


@pytest.fixture
def live_server(database_url, tmp_path):
    """A fresh live server on the emptied test database, CSRF on as in production."""
    config = _test_config(database_url, tmp_path)
    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    with app.app_context():
        reset_database()
        db.session.remove()
    # As under `make run`: the delivery consumer routes what the webhook stores.
    consumer = DeliveryConsumer(app).start()
    with serving(app) as url:
        yield LiveServer(app, url)
    consumer.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def csp_violations():
    """Console messages of every page about the Content Security Policy (none allowed)."""
    return []


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """Factory: a page in its own browser context (its own cookies), closed after the test.

    Every journey runs under the app's CSP; a page that breaks it fails the test.
    """
    contexts = []

    def factory(locale: str | None = None):
        """A page; `locale` is the browser's language (its Accept-Language)."""
        context = browser.new_context(base_url=live_server.url, locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: csp_violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    yield factory
    for context in contexts:
        context.close()
    assert not csp_violations, csp_violations


def wait_for(condition, seconds: float = 15) -> None:
    """Until condition() is true (polled, e.g. the delivery consumer's work); fails after
    `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and wait for the landing page."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def team(live_server):
    """A manager and two pre-sellers, everyone offline until they sign in."""
    return {
        "manager": live_server.make_user(role=MANAGER, email="maria@example.test",
                                         name="Maria Manager"),
        "ana": live_server.make_user(email="ana@example.test", name="Ana Souza"),
        "bruno": live_server.make_user(email="bruno@example.test", name="Bruno Lima"),
    }
