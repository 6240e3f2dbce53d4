"""A database that stops answering costs a request seconds, not forever: connect and
statement timeouts, a fast 503 page or JSON, and /healthz saying 503 within about 2 s.

The time bounds asserted here are correctness bounds (a load balancer's health check and a
user's request must end), kept generous for a loaded machine."""
import os
import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _test_config
from webapp import create_app, jobs
from webapp.config import database_uri
from webapp.db import utcnow
from webapp.extensions import db

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql"))
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="locks and statement timeouts "
                                                           "are PostgreSQL's")
# Without a timeout a request would wait forever; the silent server lets go after this
# long, so a missing timeout fails the test instead of hanging it.
SILENCE_SECONDS = 10


@pytest.fixture
def silent_database():
    """A port that accepts connections and never answers, like a hung database server."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held, stop = [], threading.Event()

    def hold():
        while not stop.is_set():
            try:
                held.append((server.accept()[0], time.monotonic()))
            except TimeoutError:
                pass
            for conn, since in held:
                if time.monotonic() - since > SILENCE_SECONDS:
                    conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield f"postgresql://postgres@127.0.0.1:{server.getsockname()[1]}/relay"
    stop.set()
    thread.join(5)
    for conn, _ in held:
        conn.close()
    server.close()


def app_on(url: str, tmp_path, **config):
    """An app on that database, with test settings and these overrides."""
    return create_app(_test_config(url, tmp_path) | config)


def timed(call):
    """(result, seconds) of a call."""
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_healthz_answers_503_within_seconds_when_the_database_is_silent(silent_database,
                                                                       tmp_path):
    client = app_on(silent_database, tmp_path).test_client()
    response, seconds = timed(lambda: client.get("/healthz"))
    assert response.status_code == 503 and seconds < 3.5, seconds
    assert response.get_json()["reason"] == "The database does not answer."


def test_a_page_and_the_api_answer_503_fast_when_the_database_is_silent(silent_database,
                                                                       tmp_path):
    client = app_on(silent_database, tmp_path, DATABASE_CONNECT_TIMEOUT=2).test_client()
    page, seconds = timed(lambda: client.post(
        "/login", data={"email": "ana@example.test", "password": "whatever1"}))
    assert page.status_code == 503 and seconds < 4, seconds
    assert b"Database unavailable" in page.data
    api, seconds = timed(lambda: client.get(
        "/api/chats", headers={"Authorization": "Bearer some-token"}))
    assert api.status_code == 503 and seconds < 4, seconds
    assert api.get_json() == {"error": "Relay's database is not answering. "
                                       "Try again in a moment."}


def test_the_timeouts_are_configurable_from_the_environment(monkeypatch, tmp_path):
    for key, value in (("DATABASE_CONNECT_TIMEOUT", "3"), ("DATABASE_STATEMENT_TIMEOUT", "7"),
                       ("DATABASE_POOL_TIMEOUT", "4")):
        monkeypatch.setenv(key, value)
    app = app_on("postgresql://postgres@127.0.0.1:9/relay", tmp_path)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=7000 -c max_parallel_workers_per_gather=0"}
    assert (options["pool_timeout"], options["hide_parameters"]) == (4, True)


@pytest.fixture
def locker(database_url):
    """lock(table): another session holds an exclusive lock on the table, for at most
    SILENCE_SECONDS (so that a missing timeout fails the test instead of hanging it)."""
    engine = create_engine(database_uri(database_url))
    conn = engine.connect()
    release = threading.Timer(SILENCE_SECONDS, conn.rollback)

    def lock(table):
        conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        release.start()

    yield lock
    release.cancel()
    conn.rollback()
    conn.close()
    engine.dispose()


@postgres_only
def test_healthz_answers_503_within_seconds_while_a_lock_holds_its_table(app, client, locker):
    db.session.remove()  # hold nothing ourselves
    locker("job_runs")
    response, seconds = timed(lambda: client.get("/healthz"))
    assert response.status_code == 503 and seconds < 3, seconds


@postgres_only
def test_a_request_stuck_behind_a_lock_ends_with_503_at_the_statement_timeout(
        app, database_url, tmp_path, locker):
    db.session.remove()
    client = app_on(database_url, tmp_path, DATABASE_STATEMENT_TIMEOUT=1).test_client()
    locker("users")
    response, seconds = timed(lambda: client.post(
        "/login", data={"email": "ana@example.test", "password": "whatever1"}))
    assert response.status_code == 503 and seconds < 4, seconds
    assert b"Database unavailable" in response.data


@postgres_only
def test_a_job_may_run_longer_than_a_web_request(database_url, tmp_path, monkeypatch):
    app = app_on(database_url, tmp_path, DATABASE_STATEMENT_TIMEOUT=1)
    monkeypatch.setitem(jobs.JOBS, "expire-chats", lambda now: str(
        db.session.execute(text("SELECT pg_sleep(1.5)")).scalar()))
    with app.app_context():
        outcome = jobs.run_job("expire-chats", utcnow(), "runner-a",
                               ttl=timedelta(minutes=3), keep_lease=False)
        db.session.remove()
        db.engine.dispose()
    assert outcome.status == jobs.DONE, outcome.message


@postgres_only
def test_postgresql_sessions_plan_no_parallel_workers(app):
    # A parallel worker's start-up cost more than Relay's short reads (the chat list at a
    # million chats: 30 ms with one worker, 3 ms of work), so the app's sessions plan none.
    assert db.session.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
