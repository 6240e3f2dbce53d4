"""Throwaway databases for one benchmark run, made by the app's own migrations."""
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import database_uri

from .settings import APP_SECRET, POSTGRES_SERVER


@dataclass(frozen=True)
class Database:
    """One throwaway database: its kind ('sqlite' or 'postgresql') and URL."""

    kind: str
    url: str


def app_config(url: str) -> dict:
    """Relay's configuration for the benchmark (no jobs, no CSRF for the test client). Seeding
    a million chats takes one statement far longer than a web request may (the 15 s statement
    timeout), so the in-process seeding and measuring run without it."""
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key",
            "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_VERIFY_TOKEN": "bench",
            "WHATSAPP_ACCESS_TOKEN": "", "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False,
            "DATABASE_STATEMENT_TIMEOUT": 0}


def migrate(url: str) -> None:
    """`flask db upgrade` on the database, as every Relay database is made."""
    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        from webapp.extensions import db
        db.engine.dispose()


@contextmanager
def throwaway(kind: str):
    """A migrated, empty database of this kind; removed afterwards."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="relay-bench-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        cleanup = lambda: shutil.rmtree(folder, ignore_errors=True)  # noqa: E731
    else:
        server = make_url(database_uri(POSTGRES_SERVER))
        name = f"relay_bench_{secrets.token_hex(4)}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)

        def cleanup():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    try:
        migrate(url)
        yield Database(kind, url)
    finally:
        cleanup()
