"""The bare-stack baseline: the physical minimum a webhook must do, and nothing more.

Verify the HMAC of the raw body, insert the body into a table, answer 200. Served by the
same gunicorn settings as Relay (`gunicorn bench.baseline:app`), on the same database kind,
so the ratio Relay/baseline measures what Relay adds: parsing, routing, bookkeeping.
"""
import hashlib
import hmac
import os
import sqlite3

import psycopg

TABLE = "bench_baseline_events"


def connect(url: str):
    """An autocommit connection to the bench database, SQLite or PostgreSQL."""
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                           autocommit=True)


def create_table(url: str) -> None:
    """Make the baseline's table once, before gunicorn starts (workers racing to create
    it would fail on PostgreSQL)."""
    conn = connect(url)
    kind = "INTEGER PRIMARY KEY, body BLOB" if isinstance(conn, sqlite3.Connection) \
        else "BIGSERIAL PRIMARY KEY, body BYTEA"
    conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id {kind} NOT NULL)")
    conn.close()


class Store:
    """One connection per worker process, opened on first use."""

    def __init__(self, url: str):
        self.url = url
        self.conn = None

    def insert(self, body: bytes) -> None:
        """Store the raw body (committed: autocommit)."""
        if self.conn is None:
            self.conn = connect(self.url)
        marker = "?" if isinstance(self.conn, sqlite3.Connection) else "%s"
        self.conn.execute(f"INSERT INTO {TABLE} (body) VALUES ({marker})", (body,))


def create_baseline(url: str, secret: str):
    """The baseline WSGI app for a database URL and app secret."""
    store, key = Store(url), secret.encode()

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"bad signature"]
        store.insert(body)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def _from_environment():
    """The app gunicorn serves: configured by BENCH_DB_URL and WHATSAPP_APP_SECRET."""
    url = os.environ.get("BENCH_DB_URL")
    return create_baseline(url, os.environ["WHATSAPP_APP_SECRET"]) if url else None


app = _from_environment()
