"""Settings: WhatsApp Business distribution, groups, users (managers only)."""
from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from . import groups, users, whatsapp  # noqa: E402,F401
