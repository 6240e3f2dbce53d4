"""The read API for integrations and reports (JSON, managers only)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import reports, routes  # noqa: E402,F401
