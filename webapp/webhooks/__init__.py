"""The WhatsApp webhook: Meta's verification handshake and signed deliveries."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
# Meta cannot carry a CSRF token: every POST here is authenticated by its HMAC signature.
csrf.exempt(bp)

from . import routes  # noqa: E402,F401
