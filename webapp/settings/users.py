"""Settings → Users: accounts, roles, deactivation, who is online."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import manager_required
from ..db import utcnow
from ..domain.settings_rules import OPTIONAL_LIMITS
from ..extensions import db
from ..models import User
from ..services import accounts
from ..services.settings import current_settings
from ..services.waiting_line import give_out_waiting
from . import bp
from .people_forms import LimitForm, NewUserForm, RoleForm


def _user_or_404(user_id: int) -> User:
    """The user, or 404."""
    return db.session.get(User, user_id) or abort(404)


def _page(form=None, status=200):
    """The Users page with the new-user form (and its errors, if any)."""
    return render_template("settings/users.html", people=accounts.users_with_groups(),
                           form=form or NewUserForm(),
                           team_limit=current_settings().max_open_chats,
                           limit_bounds=OPTIONAL_LIMITS["max_open_chats"]), status


def _done(message: str):
    """Commit, confirm, and go back to the list (303)."""
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(".users"), 303)


def _refused(error: accounts.AccountError):
    """Undo and say why, at the top of the list."""
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for(".users"), 303)


@bp.get("/users")
@manager_required
def users():
    """Everyone, who is online now, and a form to add someone."""
    return _page()


@bp.post("/users")
@manager_required
def create_user():
    """Add a manager or pre-seller; a taken e-mail is a field error."""
    form = NewUserForm()
    if not form.validate():
        return _page(form, 422)
    try:
        user = accounts.create_user(form.email.data, form.name.data, form.role.data,
                                    form.password.data)
    except accounts.AccountError as error:
        db.session.rollback()
        form[error.field or "email"].errors = [str(error)]
        return _page(form, 422)
    return _done(_("%(name)s can now sign in as %(email)s.", name=user.name, email=user.email))


@bp.post("/users/<int:user_id>/role")
@manager_required
def change_role(user_id):
    """Make someone a manager or a pre-seller."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate():
        flash(_("Choose a role."), "error")
        return redirect(url_for(".users"), 303)
    try:
        accounts.change_role(user, form.role.data, current_user)
    except accounts.AccountError as error:
        return _refused(error)
    if user.is_manager:
        return _done(_("%(name)s is now a manager.", name=user.name))
    return _done(_("%(name)s is now a pre-seller.", name=user.name))


@bp.post("/users/<int:user_id>/limit")
@manager_required
def set_limit(user_id):
    """Give a pre-seller their own maximum of open chats, or let them follow the team's."""
    user = _user_or_404(user_id)
    form = LimitForm()
    if not form.validate():
        flash(f"{user.name}: {next(iter(form.errors.values()))[0]}", "error")
        return redirect(url_for(".users"), 303)
    try:
        accounts.set_max_open_chats(user, form.max_open_chats.data)
    except accounts.AccountError as error:
        return _refused(error)
    give_out_waiting(utcnow())  # a higher maximum may let a waiting chat go to them
    limit = user.max_open_chats
    return _done(f"{user.name} now follows the team's maximum of open chats." if limit is None
                 else f"{user.name} may now hold up to {limit} open chats.")


@bp.post("/users/<int:user_id>/deactivate")
@manager_required
def deactivate(user_id):
    """Deactivate someone: signed out, offline, no new chats."""
    user = _user_or_404(user_id)
    try:
        accounts.set_active(user, False, current_user)
    except accounts.AccountError as error:
        return _refused(error)
    return _done(_("%(name)s is deactivated: they cannot sign in or receive chats.",
                   name=user.name))


@bp.post("/users/<int:user_id>/reactivate")
@manager_required
def reactivate(user_id):
    """Let someone sign in and receive chats again."""
    user = _user_or_404(user_id)
    accounts.set_active(user, True, current_user)
    return _done(_("%(name)s is active again.", name=user.name))
