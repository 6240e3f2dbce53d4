"""Settings → API tokens: every read-API token, who has it, when it was used; revoke."""
from flask import abort, flash, redirect, render_template, url_for

from ..auth.access import manager_required
from ..db import utcnow
from ..extensions import db
from ..models import ApiToken
from ..services import api_tokens
from . import bp


@bp.get("/api-tokens")
@manager_required
def api_tokens_page():
    """Every token, newest first, with its owner, dates and state."""
    return render_template("settings/api_tokens.html", tokens=api_tokens.all_tokens(),
                           now=utcnow())


@bp.post("/api-tokens/<int:token_id>/revoke")
@manager_required
def revoke_api_token(token_id):
    """Revoke a token for good: it stops working at once."""
    token = db.session.get(ApiToken, token_id) or abort(404)
    what = f"The token “{token.name}” of {token.user.name}"
    if api_tokens.revoke_token(token, utcnow()):
        message = f"{what} is revoked: it no longer works."
    else:
        message = f"{what} was already revoked."
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(".api_tokens_page"), 303)
