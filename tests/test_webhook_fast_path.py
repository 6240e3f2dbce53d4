"""The webhook's fast path (webhooks.fast_path): Meta's POSTs answered in front of Flask, with
exactly the view's answers; everything else, and the rare POST it leaves, goes to Flask.
Both databases."""
import io
import json
import logging
import threading
from contextlib import contextmanager

import pytest
from flask import request_started
from sqlalchemy import func, select, text
from werkzeug.test import Client

from tests.webhook_helpers import (
    URL,
    as_body,
    drain_deliveries,
    heard,
    listening,
    signed_headers,
    status_payload,
    text_payload,
)
from webapp.delivery_wakeup import WAKE
from webapp.extensions import db
from webapp.models import Message, WebhookEvent
from webapp.security_headers import HEADERS
from webapp.services import deliveries
from webapp.webhooks import fast_path, receipt

SECRET_NAME = "Lucia Secretname"  # lead data that no log may carry


def count_events() -> int:
    """Stored deliveries."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(WebhookEvent))


@contextmanager
def flask_requests(app):
    """A list that records each request Flask itself handles."""
    seen: list[str] = []

    def record(sender, **extra):
        from flask import request
        seen.append(f"{request.method} {request.path}")

    request_started.connect(record, app)
    try:
        yield seen
    finally:
        request_started.disconnect(record, app)


def flask_view_client(app) -> Client:
    """A client of the Flask app behind the fast path: the view answers every POST."""
    assert isinstance(app.wsgi_app, fast_path.WebhookFastPath)
    return Client(app.wsgi_app.wsgi_app, app.response_class)


def post(client, payload, **headers):
    """A signed POST of the payload (bytes are sent as they are)."""
    body = as_body(payload)
    return client.post(URL, data=body, headers=signed_headers(body) | headers)


def post_outside_any_context(app, payload, headers=None):
    """A POST as a server makes it: from a thread with no app context (the fast path then
    stores through its own pooled connection, not the test's session)."""
    db.session.commit()  # the test's session holds no transaction (SQLite's write lock)
    body = as_body(payload)
    answer = {}

    def send():
        answer["response"] = app.test_client().post(
            URL, data=body, headers=signed_headers(body) if headers is None else headers)

    thread = threading.Thread(target=send)
    thread.start()
    thread.join(60)
    return answer["response"]


def comparable(response) -> tuple:
    """Status, JSON (the event id aside) and headers of an answer: its length aside, and
    the `Vary: Cookie` Flask adds once its session was looked at (Flask-Login's hooks do),
    though the webhook's answer depends on no cookie (and no-store forbids keeping it)."""
    body = dict(response.json)
    body.pop("event", None)
    headers = {name: value for name, value in response.headers.items()
               if name not in ("Content-Length", "Vary")}
    return response.status_code, body, headers


@pytest.mark.parametrize("payload, headers", [
    (text_payload(wa_id="5511955550001", text="Oi"), None),
    (status_payload("wamid.out-1", "read"), None),
    (text_payload(wa_id="5511955550002"), {"X-Hub-Signature-256": "sha256=" + "0" * 64}),
    (b"{{ not json", None),
    ({"object": "whatsapp_business_account", "entry": {}}, None),
], ids=["message", "status", "bad-signature", "not-json", "wrong-shape"])
def test_the_fast_path_and_the_flask_view_answer_alike(app, client, payload, headers):
    body = as_body(payload)
    sent = signed_headers(body) | (headers or {})
    with flask_requests(app) as seen:
        fast = client.post(URL, data=body, headers=sent)
        assert seen == []  # Flask never saw it
        stored_by_fast = count_events()
        view = flask_view_client(app).post(URL, data=body, headers=sent)
        assert seen == [f"POST {URL}"]
    assert comparable(fast) == comparable(view)
    assert count_events() - stored_by_fast == stored_by_fast  # both stored, or neither
    if fast.status_code == 200:
        assert fast.json["event"] != view.json["event"]


def test_a_delivery_is_stored_and_answered_without_flask(app, client):
    with flask_requests(app) as seen:
        response = post(client, text_payload(wa_id="5511955550003", text="Quick"))
    assert seen == [] and response.status_code == 200
    assert response.json == {"received": True, "event": response.json["event"], "queued": True}
    assert response.mimetype == "application/json"
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    drain_deliveries()
    assert db.session.scalar(select(Message.body)) == "Quick"


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
def test_other_methods_fall_through_to_flask(app, client, method):
    with flask_requests(app) as seen:
        response = client.open(URL, method=method, query_string={
            "hub.mode": "subscribe", "hub.verify_token": "test-verify-token",
            "hub.challenge": "42"})
    assert seen == [f"{method} {URL}"]
    if method in ("GET", "HEAD"):
        assert response.status_code == 200
        assert response.get_data() == (b"42" if method == "GET" else b"")
    elif method == "OPTIONS":
        assert "POST" in response.headers["Allow"]
    else:
        assert response.status_code == 405 and response.json["error"]
    assert count_events() == 0


def test_other_paths_fall_through_to_flask(app, client):
    body = as_body(text_payload())
    with flask_requests(app) as seen:
        response = client.post(URL + "/", data=body, headers=signed_headers(body))
    assert seen == [f"POST {URL}/"] and response.status_code == 404
    assert count_events() == 0


def test_a_chunked_body_is_read_by_flask_with_the_same_rules(app, client):
    """A body without a stated size (chunked) goes to the view, which answers with the same
    receipt.receive. Over the limit Werkzeug reads only up to the limit, so what was signed
    cannot match: refused, nothing stored."""
    chunked = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked",
               "wsgi.input_terminated": True}
    body = as_body(text_payload(wa_id="5511955550004", text="Chunked"))
    with flask_requests(app) as seen:
        response = client.post(URL, input_stream=io.BytesIO(body), headers=signed_headers(body),
                               environ_overrides=chunked)
        huge = client.post(URL, input_stream=io.BytesIO(b"x" * (receipt.MAX_BODY_BYTES + 1)),
                           headers=signed_headers(b"x"), environ_overrides=chunked)
    assert seen == [f"POST {URL}", f"POST {URL}"]
    assert response.status_code == 200 and response.json["queued"] is True
    assert huge.status_code in (401, 413) and "error" in huge.json
    assert count_events() == 1


def test_a_stated_size_over_the_limit_is_flasks_413_unread(app, client):
    with flask_requests(app) as seen:
        response = client.post(URL, data=b"x" * (receipt.MAX_BODY_BYTES + 1),
                               headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert seen == [f"POST {URL}"]
    assert response.status_code == 413 and "error" in response.json
    assert response.headers["Cache-Control"] == "no-store" and count_events() == 0


def test_a_query_string_is_checked_by_flasks_guard(app, client):
    body = as_body(text_payload(wa_id="5511955550005"))
    with flask_requests(app) as seen:
        refused = client.post(URL + "?note=%00", data=body, headers=signed_headers(body))
        taken = client.post(URL + "?note=fine", data=body, headers=signed_headers(body))
    assert seen == [f"POST {URL}", f"POST {URL}"]
    assert refused.status_code == 400 and "control character" in refused.json["error"]
    assert taken.status_code == 200 and count_events() == 1


def test_a_server_request_stores_through_its_own_connection_and_wakes(app):
    """Outside any app context, as under gunicorn: committed (visible to another session),
    the in-process consumers woken; a refused body wakes nobody."""
    wake = app.extensions[WAKE]
    wake.clear()
    refused = post_outside_any_context(app, b"{{ not json")
    assert refused.status_code == 400 and not wake.is_set()
    response = post_outside_any_context(app, text_payload(wa_id="5511955550006", text="Srv"))
    assert response.status_code == 200 and wake.is_set()
    assert count_events() == 2
    drain_deliveries()
    assert db.session.scalar(select(Message.body)) == "Srv"


def test_a_server_request_notifies_postgresql_listeners_only_for_a_queued_delivery(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    with listening() as listener:
        assert post_outside_any_context(app, b"{{ not json").status_code == 400
        assert heard(listener, timeout=1) == []
        assert post_outside_any_context(app, text_payload()).status_code == 200
        assert heard(listener) == [deliveries.CHANNEL]


def test_a_connection_the_database_dropped_is_replaced_without_a_503(app):
    """The webhook's connections are not pinged before each use (a round trip per
    request): one the database dropped fails, and the store is tried again on a new one."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's connections are files in this process")
    store = app.extensions[receipt.STORE]
    store.engine.dispose()
    assert post_outside_any_context(app, text_payload(wa_id="5511955550010")).status_code == 200
    raw = store.engine.raw_connection()  # the pool's one connection, the request's
    pid = raw.driver_connection.info.backend_pid
    raw.close()
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    db.session.commit()
    response = post_outside_any_context(app, text_payload(wa_id="5511955550011"))
    assert response.status_code == 200 and count_events() == 2


def test_a_body_shorter_than_its_stated_size_is_a_400_and_not_stored(app, client):
    body = as_body(text_payload())
    response = client.post(URL, input_stream=io.BytesIO(body[:20]), headers=signed_headers(body),
                           environ_overrides={"CONTENT_LENGTH": str(len(body))})
    assert response.status_code == 400 and response.json["error"]
    assert response.headers["Cache-Control"] == "no-store" and count_events() == 0


@pytest.fixture
def refuse_secret_bodies(app):
    """The database refuses to store a body naming SECRET_NAME (a real statement failure
    whose message would carry the row), until the test calls what this yields, or ends."""
    secret = SECRET_NAME.split()[1]
    if db.engine.dialect.name == "postgresql":
        add = (f"ALTER TABLE webhook_events ADD CONSTRAINT test_no_secret "
               f"CHECK (position('{secret}'::bytea in body) = 0)")
        drop = "ALTER TABLE webhook_events DROP CONSTRAINT test_no_secret"
    else:
        add = (f"CREATE TRIGGER test_no_secret BEFORE INSERT ON webhook_events "
               f"WHEN instr(NEW.body, CAST('{secret}' AS BLOB)) > 0 "
               f"BEGIN SELECT RAISE(ABORT, 'refused'); END")
        drop = "DROP TRIGGER test_no_secret"
    db.session.execute(text(add))
    db.session.commit()
    refusing = [True]

    def allow() -> None:
        if refusing.pop():
            db.session.execute(text(drop))
            db.session.commit()
        refusing.append(False)

    yield allow
    db.session.rollback()
    allow()


@pytest.mark.parametrize("served", ["in-context", "server"])
def test_a_database_error_is_a_503_json_nothing_stored_no_data_logged_and_the_retry_works(
        app, client, caplog, refuse_secret_bodies, served):
    payload = text_payload(wa_id="5511955550007", name=SECRET_NAME, text="Retry me")
    with caplog.at_level(logging.INFO):
        if served == "server":
            response = post_outside_any_context(app, payload)
        else:
            response = post(client, payload)
    assert response.status_code == 503
    assert response.json == {"error": receipt.NOT_STORED}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert count_events() == 0
    assert "could not store a webhook delivery" in caplog.text
    assert SECRET_NAME.split()[1] not in caplog.text
    # Meta retries a 5xx: the same delivery is stored once the database takes it again,
    # through a connection (or session) left usable.
    refuse_secret_bodies()
    retried = post_outside_any_context(app, payload) if served == "server" else post(
        client, payload)
    assert retried.status_code == 200 and count_events() == 1


def test_an_unexpected_error_is_a_500_json_logged_by_its_class(app, client, caplog,
                                                                monkeypatch):
    def broken(body):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(receipt, "check_delivery", broken)
    with caplog.at_level(logging.INFO):
        response = post(client, text_payload(name=SECRET_NAME))
    assert response.status_code == 500
    assert response.json == {"error": fast_path.UNEXPECTED}
    assert response.headers["Cache-Control"] == "no-store"
    assert f"unhandled error on POST {URL}" in caplog.text and "parser bug" in caplog.text
    assert SECRET_NAME not in caplog.text and count_events() == 0


def test_the_fast_path_logs_ids_and_reasons_as_the_view_did(app, client, caplog):
    with caplog.at_level(logging.INFO):
        post(client, text_payload(), **{"X-Hub-Signature-256": "sha256=" + "0" * 64})
        refused = post(client, json.dumps({"object": "whatsapp_business_account",
                                           "entry": {}, "name": SECRET_NAME}).encode())
    assert "webhook POST with a missing or wrong signature refused" in caplog.text
    assert (f"webhook event {refused.json['event']} is not a Cloud API delivery: "
            "'entry' must be a list.") in caplog.text
    assert SECRET_NAME not in caplog.text
