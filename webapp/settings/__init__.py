"""Settings: WhatsApp Business distribution and templates, groups, users, quick replies, API
tokens (managers only)."""
from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from . import groups, quick_replies, templates, tokens, users, whatsapp  # noqa: E402,F401
