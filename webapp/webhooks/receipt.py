"""Receiving one signed delivery: check the signature, refuse a body that is not a Cloud API
delivery, store it raw, wake the consumers, answer. Nothing else.

The one home of these rules: the webhook's fast path (fast_path, what every server runs)
and the Flask view (routes) both answer with `receive`, so they cannot drift apart. The
size limit is checked before the body is read, by each caller (MAX_BODY_BYTES).
"""
import logging
from dataclasses import dataclass

from flask import Flask, current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError

from ..db import utcnow
from ..delivery_wakeup import wake_consumers
from ..extensions import db
from ..logsafe import describe_error
from ..services import deliveries
from ..services.delivery_store import PooledStore, webhook_engine
from ..whatsapp.payload import PayloadError, check_delivery
from ..whatsapp.signature import SIGNATURE_HEADER, is_valid

log = logging.getLogger(__name__)
# Far above any real delivery; read before the signature is checked, so it must be bounded.
MAX_BODY_BYTES = 5 * 1024 * 1024
# Where init_app keeps how requests served outside an app context store deliveries.
STORE = "relay_webhook_store"
BAD_SIGNATURE = f"Missing or invalid {SIGNATURE_HEADER} signature."
NOT_STORED = "The delivery could not be stored; please retry it."


@dataclass(frozen=True)
class Answer:
    """What Meta hears: the status and the JSON body."""

    status: int
    body: dict


def init_app(app: Flask) -> None:
    """Store without pushing an app context, through delivery_store's engine."""
    with app.app_context():
        engine = webhook_engine(db.engine, app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    app.extensions[STORE] = PooledStore(engine)


def receive(app: Flask, body: bytes, signature: str | None) -> Answer:
    """Check, store, answer: 401 (nothing stored), 400 with the reason (stored dead, as
    evidence), 503 when the database fails (nothing stored: Meta retries), else 200 and the
    consumers are woken."""
    if not is_valid(body, signature, app.config["WHATSAPP_APP_SECRET"]):
        log.warning("webhook POST with a missing or wrong signature refused")
        return Answer(401, {"error": BAD_SIGNATURE})
    try:
        check_delivery(body)
        refusal = None
    except PayloadError as error:
        refusal = error
    try:
        event_id = _store(app, body, str(refusal) if refusal else None)
    except SQLAlchemyError as error:
        log.error("could not store a webhook delivery: %s", describe_error(error))
        return Answer(503, {"error": NOT_STORED})
    if refusal is not None:
        log.warning("webhook event %s is not a Cloud API delivery: %s", event_id, refusal)
        return Answer(400, {"error": str(refusal), "event": event_id})
    wake_consumers(app)
    return Answer(200, {"received": True, "event": event_id, "queued": True})


def _store(app: Flask, body: bytes, refusal: str | None) -> int:
    """Store and commit the delivery; its id.

    Outside any app context (every server): through a pooled connection of the engine, in
    one autocommit statement (delivery_store). Inside an app context of this app (the Flask
    view; the test client within a test) through the context's session and its
    transaction, as Flask's own request handling would share them (on SQLite a second
    connection would wait for the write lock that session may hold).
    """
    if not (has_app_context() and current_app._get_current_object() is app):  # type: ignore[attr-defined]
        return app.extensions[STORE].store(body, utcnow(), refusal)
    try:
        event_id = deliveries.store(db.session.connection(), body, utcnow(), refusal=refusal)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return event_id
