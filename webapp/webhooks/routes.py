"""GET: Meta's verification handshake. POST: a signed delivery, checked, kept raw, queued."""
import hmac
import logging

from flask import current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ..delivery_wakeup import wake_consumers
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
    """Check the size and the signature over the raw bytes, refuse a body that is not a
    Cloud API delivery (400, its reason), store the delivery and answer: nothing else.

    A delivery consumer routes it (woken as this commits): Meta hears back at once.
    """
    request.max_content_length = MAX_BODY_BYTES
    body = request.get_data(cache=False)
    if not is_valid(body, request.headers.get(SIGNATURE_HEADER),
                    current_app.config["WHATSAPP_APP_SECRET"]):
        log.warning("webhook POST with a missing or wrong signature refused")
        return jsonify(error=f"Missing or invalid {SIGNATURE_HEADER} signature."), 401
    try:
        event_id, refusal = handling.store(body)
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("could not store a webhook delivery: %s", describe_error(error))
        return jsonify(error="The delivery could not be stored; please retry it."), 503
    if refusal is not None:
        log.warning("webhook event %s is not a Cloud API delivery: %s", event_id, refusal)
        return jsonify(error=str(refusal), event=event_id), 400
    wake_consumers(current_app)
    return jsonify(received=True, event=event_id, queued=True), 200
