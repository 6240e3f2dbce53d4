"""Sign in, sign out, and the home page that sends each role to its work."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..db import utcnow
from ..extensions import db, limiter
from ..models import MANAGER, PRE_SELLER
from ..services import accounts, availability
from . import bp
from .forms import LoginForm


def _login_limit() -> str:
    """The sign-in throttle, from config so tests and operators can set it."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only local paths are followed after sign-in (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Each role's landing page.
HOME_PAGES = {MANAGER: "telephony.chats", PRE_SELLER: "inbox.index"}


@bp.get("/")
@login_required
def home():
    """Send each role to the page they work in."""
    return redirect(url_for(HOME_PAGES[current_user.role]))


@bp.get("/account")
@login_required
def account():
    """Who am I, and am I online: the page every role can reach."""
    return render_template("auth/account.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: r.status_code != 303)
def login():
    """Show the sign-in form; sign in on POST. Failed attempts are throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = availability.sign_in(form.email.data, form.password.data, utcnow())
        except accounts.SignInError as error:
            form.form_errors.append(str(error))
        else:
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"), 303)
    return render_template("auth/login.html", form=form), 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks to confirm; POST signs out and makes the user offline at once."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        accounts.mark_signed_out(current_user)
        db.session.commit()
        logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), 303)
