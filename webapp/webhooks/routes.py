"""GET: Meta's verification handshake. POST: a signed delivery, kept raw, then processed."""
import hmac
import logging

from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..logsafe import describe_error
from ..whatsapp.signature import SIGNATURE_HEADER, is_valid
from . import bp, handling

log = logging.getLogger(__name__)
# Far above any real delivery; read before the signature is checked, so it must be bounded.
MAX_BODY_BYTES = 5 * 1024 * 1024


@bp.get("/whatsapp")
def verify():
    """Echo hub.challenge when the mode is subscribe and the verify token matches."""
    token = request.args.get("hub.verify_token", "").encode()
    expected = current_app.config["WHATSAPP_VERIFY_TOKEN"].encode()
    if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(token, expected):
        log.warning("webhook verification refused (mode %r)", request.args.get("hub.mode"))
        return jsonify(error="Verification refused: wrong hub.mode or hub.verify_token."), 403
    return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}


@bp.post("/whatsapp")
def receive():
    """Check the signature over the raw bytes, store the delivery, then process it.

    A processing failure still answers 200: the delivery is stored with its error and
    `reprocess-events` retries it, so Meta need not resend it.
    """
    request.max_content_length = MAX_BODY_BYTES
    body = request.get_data(cache=False)
    if not is_valid(body, request.headers.get(SIGNATURE_HEADER),
                    current_app.config["WHATSAPP_APP_SECRET"]):
        log.warning("webhook POST with a missing or wrong signature refused")
        return jsonify(error=f"Missing or invalid {SIGNATURE_HEADER} signature."), 401
    try:
        event_id = handling.store(body)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("could not store a webhook delivery: %s", describe_error(error))
        return jsonify(error="The delivery could not be stored; please retry it."), 503
    outcome = handling.handle(event_id, body)
    if outcome.bad_payload:
        return jsonify(error=outcome.bad_payload, event=outcome.event_id), 400
    if outcome.result is None:
        return jsonify(received=True, event=outcome.event_id, processed=False,
                       error="Processing failed; the delivery is kept and will be retried."), 200
    result = outcome.result
    answer = {"received": True, "event": outcome.event_id, "processed": outcome.ok,
              "messages": result.messages, "duplicates": result.duplicates,
              "statuses": result.statuses, "ignored": list(result.ignored)}
    if result.refused:
        answer["refused"] = list(result.refused)
    if not outcome.ok:
        answer["error"] = (f"{len(result.failed)} item(s) failed; they are kept and will be "
                           "retried, the others were processed.")
    return jsonify(answer), 200
