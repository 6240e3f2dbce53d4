"""Settings: WhatsApp Business distribution, groups, users, API tokens (managers only)."""
from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from . import groups, tokens, users, whatsapp  # noqa: E402,F401
