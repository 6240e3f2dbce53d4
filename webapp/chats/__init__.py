"""One conversation: reading, answering, closing; transfers and history for managers."""
from flask import Blueprint

bp = Blueprint("chats", __name__, url_prefix="/chats")

from . import composing, media, routes  # noqa: E402,F401
