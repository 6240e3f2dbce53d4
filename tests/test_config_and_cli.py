"""Configuration order, generated secrets, and the account CLI commands."""
import json

import pytest
from sqlalchemy import func, select

from webapp.config import configure, database_uri
from webapp.db import SQLITE_CACHE_SIZE
from webapp.domain.limits import PASSWORD_MAX_LENGTH
from webapp.extensions import db
from webapp.models import Group, User


class FakeApp:
    """Just enough of Flask for configure(): a config and an instance folder."""

    def __init__(self, instance_path):
        from flask import Config
        self.instance_path = str(instance_path)
        self.config = Config(str(instance_path))


def test_order_defaults_then_instance_then_env_then_test(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "WHATSAPP_PHONE_NUMBER_ID = 'from-instance'\nWHATSAPP_API_BASE_URL = 'from-instance'\n"
        "SECRET_KEY = 'instance-secret'\n")
    monkeypatch.setenv("WHATSAPP_API_BASE_URL", "from-env")
    monkeypatch.setenv("SCHEDULER_ENABLED", "true")
    app = FakeApp(tmp_path)
    configure(app, {"WHATSAPP_PHONE_NUMBER_ID": "from-test"})
    assert app.config["WHATSAPP_PHONE_NUMBER_ID"] == "from-test"
    assert app.config["WHATSAPP_API_BASE_URL"] == "from-env"
    assert app.config["SCHEDULER_ENABLED"] is True
    assert app.config["SECRET_KEY"] == "instance-secret"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_missing_secrets_are_generated_once_into_instance(tmp_path, monkeypatch):
    for key in ("SECRET_KEY", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    first, second = FakeApp(tmp_path), FakeApp(tmp_path)
    configure(first, None)
    configure(second, None)
    stored = json.loads((tmp_path / "secrets.json").read_text())
    assert len(stored["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == stored["SECRET_KEY"]
    assert first.config["WHATSAPP_APP_SECRET"] != first.config["SECRET_KEY"]
    assert (tmp_path / "secrets.json").stat().st_mode & 0o077 == 0


def test_sandbox_without_access_token(tmp_path):
    app = FakeApp(tmp_path)
    configure(app, {"WHATSAPP_ACCESS_TOKEN": ""})
    assert app.config["SANDBOX"] is True


def test_database_url_uses_psycopg_3():
    assert database_uri("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_uri("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_runs_in_wal_mode(app):
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"


def test_sqlite_connections_have_a_page_cache_for_large_updates(app):
    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(db.text("PRAGMA cache_size")).scalar() == SQLITE_CACHE_SIZE
    assert SQLITE_CACHE_SIZE <= -65_536  # (KiB: at least 64 MiB, not SQLite's 2 MiB)


def test_create_user_command(runner):
    result = runner.invoke(args=["create-user", "New@Example.com", "--name", "New Person",
                                 "--role", "pre-seller", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.role == "pre-seller" and user.check_password("long enough pw")
    again = runner.invoke(args=["create-user", "new@example.com", "--name", "X",
                                "--role", "manager", "--password", "long enough pw"])
    assert again.exit_code != 0 and "already exists" in again.output


@pytest.mark.parametrize("name, password, refusal", [
    ("   ", "long enough pw", "Enter their name."),
    ("Space Pass", " " * 10, "not only spaces"),
    ("Long Pass", "x" * (PASSWORD_MAX_LENGTH + 1), f"at most {PASSWORD_MAX_LENGTH}"),
])
def test_create_user_command_refuses_what_the_form_refuses(runner, name, password, refusal):
    result = runner.invoke(args=["create-user", "odd@example.com", "--name", name,
                                 "--role", "pre-seller", "--password", password])
    assert result.exit_code != 0 and refusal in result.output
    assert db.session.scalar(select(User).where(User.email == "odd@example.com")) is None


def test_seed_demo_is_idempotent(app, runner):
    app.instance_path = app.config["TEST_INSTANCE"]
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "manager@relay.test" in first.output and "secrets.json" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "already exists" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 7
    groups = db.session.scalars(select(Group)).all()
    assert sorted(len(g.members) for g in groups) == [3, 3]

