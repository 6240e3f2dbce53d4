"""GET: Meta's verification handshake. POST: a signed delivery, checked, kept raw, queued."""
import hmac
import logging

from flask import current_app, jsonify, request

from ..whatsapp.signature import SIGNATURE_HEADER
from . import bp, receipt

log = logging.getLogger(__name__)


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

    Servers answer Meta's POSTs in front of Flask (fast_path), with the same
    receipt.receive; Flask answers what the fast path hands it (a body without a stated
    size, one too large, a query string to check), here.
    """
    request.max_content_length = receipt.MAX_BODY_BYTES
    body = request.get_data(cache=False)
    answer = receipt.receive(current_app._get_current_object(),  # type: ignore[attr-defined]
                             body, request.headers.get(SIGNATURE_HEADER))
    return jsonify(answer.body), answer.status
