"""Presence: last-seen on every signed-in request, the heartbeat every page keeps, the
beacon a browser sends when its last Relay tab closes (static/js/presence.js), and a
pre-seller's switch between Available and Away."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..auth.access import pre_seller_required
from ..db import utcnow
from ..extensions import db
from ..security_headers import FILE_ENDPOINTS
from ..services import availability
from ..services.accounts import mark_leaving

bp = Blueprint("presence", __name__)

# What the switch posts: the state the pre-seller asks for.
AVAILABLE, AWAY = "available", "away"


@bp.before_app_request
def record_presence():
    """Any signed-in request counts as being seen (one write per ~15 s at most).

    Committed on its own, so presence sticks even when the request itself fails. Our
    files (/static and /favicon.ico) do not count: a closing tab's late favicon or script
    request would otherwise undo its leave beacon (and they need no user loaded).
    """
    if request.endpoint in FILE_ENDPOINTS:
        return
    if current_user.is_authenticated and availability.seen(current_user, utcnow()):
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


@bp.post("/presence/switch")
@pre_seller_required
def switch():
    """Available or Away, as the pre-seller asks; answers with the badge."""
    wanted = request.form.get("state")
    if wanted not in (AVAILABLE, AWAY):
        abort(400)
    availability.set_away(current_user, wanted == AWAY, utcnow())
    db.session.commit()
    return render_template("_presence_badge.html")
