"""Access rules shared by every blueprint: loading users, role checks, 401s."""
import json
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_required

from ..db import utcnow
from ..extensions import login_manager
from ..models import User
from ..services.sessions import session_user

# Where the signed session cookie keeps the token of this browser's server-side session.
SESSION_TOKEN_KEY = "relay_session"


def init_app(app: Flask) -> None:
    """Sign-in for `app`: who a session's user is, and what anonymous callers get."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)


def load_user(user_id: str) -> User | None:
    """The user of this browser's live session, or None (anonymous): a session ended by
    signing out, deactivation, a role or password change, or its lifetime, signs nobody in.

    Flask-Login's remember-me cookie (never set by Relay) comes through here too, without a
    session token, so it cannot sign anyone in either.
    """
    token = session.get(SESSION_TOKEN_KEY)
    if not token or not user_id.isdigit():
        return None
    return session_user(int(user_id), token, utcnow())


def wants_json() -> bool:
    """True for API callers and clients that ask for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def page_address(url: str | None) -> str | None:
    """The local path (and query) of the page a browser shows, from its HX-Current-URL;
    None when there is none. Only the path is kept, so it can never lead off this site."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def unauthorized():
    """Anonymous: JSON gets 401; htmx gets 401 and a `sessionEnded` event naming the sign-in
    address that leads back to the full page it was on (js/session.js keeps the drafts and
    goes there), never a sign-in form swapped into a fragment; pages go to sign in."""
    if wants_json():
        return jsonify(error="sign in required"), 401
    if request.headers.get("HX-Request"):
        page = page_address(request.headers.get("HX-Current-URL")) or url_for("auth.home")
        event = {"sessionEnded": {"loginUrl": url_for("auth.login", next=page)}}
        return "", 401, {"HX-Trigger": json.dumps(event)}
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def manager_required(view):
    """Only signed-in managers; pre-sellers get 403."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_manager:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def pre_seller_required(view):
    """Only signed-in pre-sellers; managers get 403."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_pre_seller:
            abort(403)
        return view(*args, **kwargs)
    return wrapper
