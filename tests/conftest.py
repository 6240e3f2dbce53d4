"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL via DATABASE_URL),
factory fixtures, a signed-in client helper and a query counter."""
import os
import secrets
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text, update
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import database_uri
from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, Group, User, WhatsAppSettings
from webapp.webhooks import receipt

PASSWORD = "correct horse battery"
# Other projects' real Cloud API payloads, an extra set beside the project (their README asks
# that they are not copied; our own corpus is tests/payloads/); RELAY_WHATSAPP_FIXTURES points
# elsewhere, and RELAY_REQUIRE_SHARED_FIXTURES=1 (CI) makes their absence a failure.
FIXTURES = Path(os.environ.get(
    "RELAY_WHATSAPP_FIXTURES",
    Path(__file__).resolve().parent.parent.parent / "shared" / "whatsapp-fixtures"))


def _create_postgres_database(url: str) -> tuple[str, callable]:
    """A throwaway database on the server DATABASE_URL names; returns its URL and a dropper."""
    server = make_url(database_uri(url))
    name = f"relay_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One migrated database per test run, made by `flask db upgrade` like every other."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql")):
        url, drop = _create_postgres_database(given)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "relay-test.sqlite3")
        drop = None
    app = create_app(_test_config(url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if drop:
        drop()


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the kind the suite runs on (for migration tests), and its URL."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql")):
        url, drop = _create_postgres_database(given)
    else:
        url, drop = f"sqlite:///{tmp_path / 'old.sqlite3'}", None
    yield url
    if drop:
        drop()


def _test_config(url: str, instance: Path) -> dict:
    """The test configuration: it wins over everything else."""
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "WHATSAPP_APP_SECRET": "test-app-secret",
        "WHATSAPP_VERIFY_TOKEN": "test-verify-token",
        "WHATSAPP_ACCESS_TOKEN": "",
        "SCHEDULER_ENABLED": False,
        "WTF_CSRF_ENABLED": False,  # test_csrf.py turns it back on to prove it works
        "TEST_INSTANCE": str(instance),
        "MEDIA_ROOT": str(instance / "media"),
        # The suite reads English, in UTC; tests of pt-BR and other zones choose them.
        "DEFAULT_LOCALE": "en",
        "DEFAULT_TIMEZONE": "UTC",
    }


# Deleting children before parents keeps foreign keys happy on both databases.
TABLES_IN_DELETE_ORDER = (
    "message_media", "message_templates", "quick_replies", "messages", "routing_decisions", "chats", "leads", "settings_alternate_recipients",
    "settings_distribution_groups", "group_members", "api_tokens", "webhook_events",
    "job_runs", "user_sessions", "sign_in_failures", "report_counts",
)


def default_settings() -> dict:
    """Each settings column's default as the model declares it (None where it has none)."""
    columns = [column for column in WhatsAppSettings.__table__.columns
               if not column.primary_key and column.onupdate is None]
    return {column.key: column.default.arg if column.default and column.default.is_scalar
            else None for column in columns}


def reset_database() -> None:
    """Empty every table and restore the default settings row."""
    db.session.rollback()
    for table in TABLES_IN_DELETE_ORDER:
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.execute(update(WhatsAppSettings).values(default_settings()))
    db.session.execute(text("DELETE FROM groups"))
    db.session.execute(text("DELETE FROM users"))
    db.session.commit()


def _forget_request_state(sender, **extra) -> None:
    """Drop what a previous request left in `g` (see the app fixture)."""
    for name in ("_login_user", "_relay_settings", "_flask_babel"):
        g.pop(name, None)


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh app on the shared, emptied test database."""
    app = create_app(_test_config(database_url, tmp_path))
    # Requests reuse this test's app context (Flask does so for the same app), so `g` would
    # carry one request's signed-in user into the next, across clients; in production each
    # request has its own context. Forget it at the start of every request.
    request_started.connect(_forget_request_state, app)
    with app.app_context():
        reset_database()
        yield app
        db.session.remove()
        db.engine.dispose()
        app.extensions[receipt.STORE].engine.dispose()  # the webhook's own (PostgreSQL)


@pytest.fixture
def client(app):
    """Flask's test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role=..., online=True|False, ...) → a committed User."""
    counter = {"n": 0}

    def factory(role=PRE_SELLER, name=None, email=None, online=False, active=True,
                password=PASSWORD, **fields):
        counter["n"] += 1
        n = counter["n"]
        user = User(email=email or f"{role.replace('-', '')}{n}@example.test",
                    name=name or f"{role.title()} {n}", role=role, active=active, **fields)
        user.set_password(password)
        if online:
            user.signed_in, user.last_seen_at = True, utcnow()
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_group(app):
    """Factory: make_group(name, members) → a committed Group."""
    def factory(name, members=()):
        group = Group(name=name, members=list(members))
        db.session.add(group)
        db.session.commit()
        return group
    return factory


@pytest.fixture
def manager(make_user):
    """A manager."""
    return make_user(role=MANAGER, name="Maria Manager", email="manager@example.test")


@pytest.fixture
def pre_seller(make_user):
    """A pre-seller."""
    return make_user(role=PRE_SELLER, name="Paula Seller", email="paula@example.test")


class AuthActions:
    """Sign a test client in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, user_or_email, password=PASSWORD):
        """Sign in; returns the response."""
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        """Sign out."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """The sign-in helper for `client`."""
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements: `with count_queries() as q: ...; q.count`."""
    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list = []

        counter = Counter()
        counter.statements = []

        def before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


def minutes_ago(minutes: float):
    """An aware UTC time some minutes in the past."""
    return utcnow() - timedelta(minutes=minutes)
