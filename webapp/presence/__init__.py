"""Presence: last-seen on every signed-in request, the heartbeat every page keeps, and the
beacon a browser sends when its last Relay tab closes (static/js/presence.js)."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..db import utcnow
from ..extensions import db
from ..services.accounts import mark_leaving, touch_presence

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


@bp.post("/presence/leave")
@login_required
def leave():
    """The browser's last Relay tab closed: offline within seconds, unless seen again."""
    mark_leaving(current_user, utcnow())
    db.session.commit()
    return "", 204
