"""Telephony → Chats (WhatsApp): every chat, for managers."""
from flask import Blueprint

bp = Blueprint("telephony", __name__, url_prefix="/telephony")

from . import bulk, dashboard, routes  # noqa: E402,F401
