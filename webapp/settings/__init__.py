"""Settings: WhatsApp Business distribution and templates, groups, users, quick replies, API
tokens, failed deliveries (managers only)."""
from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/settings")

from . import (  # noqa: E402,F401
    deliveries,
    groups,
    quick_replies,
    templates,
    tokens,
    users,
    whatsapp,
)
