"""Sign in, sign out, and the home page that sends each role to its work."""
import json
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from ..db import utcnow
from ..domain.inputs import has_control_characters
from ..extensions import db
from ..models import MANAGER, PRE_SELLER, User
from ..services import accounts, availability, sessions, sign_in_throttle
from . import bp
from .access import SESSION_TOKEN_KEY
from .forms import AlertsForm, LoginForm, PasswordChangeForm, PreferencesForm


def _safe_next(target: str | None) -> str | None:
    """Only local paths are followed after sign-in (no open redirects, no forged headers)."""
    if not target or has_control_characters(target):
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


def _preferences_form() -> PreferencesForm:
    """The account's preferences form, filled with the user's choices (or the defaults)."""
    form = PreferencesForm(locale=current_user.locale or current_app.config["DEFAULT_LOCALE"],
                           timezone=current_user.timezone
                           or current_app.config["DEFAULT_TIMEZONE"],
                           alerts_on=current_user.alerts_on)
    form.fill_zones(utcnow())
    return form


def _account_page(form: PreferencesForm, password_form: PasswordChangeForm):
    """The account page with both forms (422 when either has errors)."""
    failed = form.errors or password_form.errors or password_form.form_errors
    return render_template("auth/account.html", form=form, password_form=password_form), \
        422 if failed else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Who am I, am I online; my language, time zone and alerts (saved on POST)."""
    form = _preferences_form()
    if form.validate_on_submit():
        accounts.set_preferences(current_user, form.locale.data, form.timezone.data,
                                 form.alerts_on.data)
        db.session.commit()
        refresh()  # the confirmation already speaks the new language
        flash(_("Your preferences are saved."), "info")
        return redirect(url_for("auth.account"), 303)
    return _account_page(form, PasswordChangeForm(formdata=None))


@bp.post("/account/password")
@login_required
def change_password():
    """Change one's own password; every other session of the user ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(current_user, form.current_password.data,
                                         form.new_password.data, session.get(SESSION_TOKEN_KEY))
        except accounts.AccountError as refusal:
            db.session.rollback()
            field = form._fields.get(refusal.field or "")
            (field.errors if field else form.form_errors).append(str(refusal))
        else:
            db.session.commit()
            flash(_("Your password is changed; Relay signed you out everywhere else."), "info")
            return redirect(url_for("auth.account"), 303)
    return _account_page(_preferences_form(), form)


@bp.post("/account/alerts")
@login_required
def alerts():
    """Turn alerts on or off from the prompt above a list (htmx): answers 204 and an event."""
    form = AlertsForm()
    if not form.validate():
        return "", 422
    on = form.alerts.data == "on"
    accounts.set_alerts(current_user, on)
    db.session.commit()
    return "", 204, {"HX-Trigger": json.dumps({"alertsChanged": {"on": on}})}


def _login_page(form: LoginForm, status: int = 200, headers: dict | None = None):
    """The sign-in page, with the form's errors."""
    return render_template("auth/login.html", form=form), status, headers or {}


def _start_session(user: User, now: datetime) -> None:
    """Sign this browser in with a new server-side session."""
    token = sessions.start_session(user, now)
    login_user(user)
    session[SESSION_TOKEN_KEY] = token


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in on POST. Failed attempts are throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        refused = any(field.errors for field in form)  # malformed input, not wrong credentials
        return _login_page(form, 422 if refused else 200)
    now = utcnow()
    try:
        sign_in_throttle.count_attempt(form.email.data, request.remote_addr, now)
    except sign_in_throttle.SignInThrottled as refusal:
        db.session.rollback()
        form.form_errors.append(str(refusal))
        return _login_page(form, 429, {"Retry-After": str(refusal.retry_after)})
    db.session.commit()  # counted before the password is checked, so parallel tries see it
    try:
        user = availability.sign_in(form.email.data, form.password.data, now)
    except accounts.SignInError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _login_page(form)
    sign_in_throttle.forget_account(form.email.data)
    _start_session(user, now)
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"), 303)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks to confirm; POST ends this browser's session and makes the user offline."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    token = session.pop(SESSION_TOKEN_KEY, None)
    if token:
        sessions.end_session(token)
    if current_user.is_authenticated:
        accounts.mark_signed_out(current_user)
        logout_user()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), 303)
