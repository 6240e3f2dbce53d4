"""Presence: last-seen on every signed-in request, and the heartbeat every page keeps."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..db import utcnow
from ..extensions import db
from ..services.accounts import touch_presence

bp = Blueprint("presence", __name__)


@bp.before_app_request
def record_presence():
    """Any signed-in request counts as being seen (one write per ~15 s at most).

    Committed on its own, so presence sticks even when the request itself fails.
    """
    if current_user.is_authenticated and touch_presence(current_user, utcnow()):
        db.session.commit()


@bp.post("/presence/heartbeat")
@login_required
def heartbeat():
    """The htmx heartbeat: answers with the header's own-status badge."""
    return render_template("_presence_badge.html")
