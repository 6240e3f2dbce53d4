"""Secret files are born private: never readable by anyone but their owner, at any moment."""
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from webapp import create_app
from webapp.config import load_generated_secrets
from webapp.extensions import db
from webapp.private_files import write_private_file
from webapp.services.demo import seed_demo


@pytest.fixture
def permissive_umask(monkeypatch):
    """umask 000, and chmod made a no-op: a file is private only if it was created so."""
    previous = os.umask(0)
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(os, "fchmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(Path, "chmod", lambda *args, **kwargs: None)
    yield
    os.umask(previous)


def assert_private(folder: Path) -> None:
    """Every file in the folder (drafts included) is readable by its owner alone."""
    files = list(folder.iterdir())
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_generated_secrets_are_created_private(tmp_path, permissive_umask):
    load_generated_secrets(str(tmp_path))
    assert_private(tmp_path)


def test_demo_credentials_are_created_private(app, tmp_path, permissive_umask):
    assert seed_demo(tmp_path / "demo-credentials.txt")
    assert_private(tmp_path)


def test_an_older_world_readable_copy_is_replaced_by_a_private_one(tmp_path):
    path = tmp_path / "secrets.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_private_file(path, '{"SECRET_KEY": "x"}')
    assert path.read_text() == '{"SECRET_KEY": "x"}'
    assert_private(tmp_path)


def test_the_embedded_database_and_its_wal_files_are_created_private(tmp_path, permissive_umask):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'relay.sqlite3'}",
                      "SCHEDULER_ENABLED": False})
    with app.app_context():
        db.session.execute(text("CREATE TABLE t (x INTEGER)"))
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        assert {path.name for path in tmp_path.iterdir()} >= {
            "relay.sqlite3", "relay.sqlite3-wal", "relay.sqlite3-shm"}
        assert_private(tmp_path)
        db.engine.dispose()
