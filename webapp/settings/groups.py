"""Settings → Defaults → Groups: named sets of pre-sellers."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import manager_required
from ..extensions import db
from ..models import Group
from ..services import groups as group_service
from ..services.settings import settings_choices
from . import bp
from .people_forms import GroupNameForm, MemberForm


def _group_or_404(group_id: int) -> Group:
    """The group, or 404."""
    return db.session.get(Group, group_id) or abort(404)


def _page(create_form=None, failed=None, status=200):
    """The Groups page; `failed` = (group id, form) of a per-group form with errors."""
    _, pre_sellers = settings_choices()
    return render_template("settings/groups.html", groups=group_service.all_groups(),
                           pre_sellers=pre_sellers, create_form=create_form or GroupNameForm(),
                           failed=failed or (None, None)), status


def _done(message: str):
    """Commit, confirm, and go back to the list (303)."""
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(".groups"), 303)


def _refused(error: group_service.GroupError, form=None, group_id=None):
    """Undo, then show the refusal next to the field it concerns (422)."""
    db.session.rollback()
    if form is not None and error.field in form:
        form[error.field].errors = [str(error)]
        return _page(failed=(group_id, form), status=422) if group_id else \
            _page(create_form=form, status=422)
    flash(str(error), "error")
    return redirect(url_for(".groups"), 303)


@bp.get("/groups")
@manager_required
def groups():
    """Every group with its members."""
    return _page()


@bp.post("/groups")
@manager_required
def create_group():
    """Create a group."""
    form = GroupNameForm()
    if not form.validate():
        return _page(create_form=form, status=422)
    try:
        group = group_service.create_group(form.name.data)
    except group_service.GroupError as error:
        return _refused(error, form)
    return _done(_("Group “%(name)s” created. Add its members below.", name=group.name))


@bp.post("/groups/<int:group_id>/rename")
@manager_required
def rename_group(group_id):
    """Rename a group."""
    group = _group_or_404(group_id)
    form = GroupNameForm()
    if not form.validate():
        return _page(failed=(group.id, form), status=422)
    try:
        group_service.rename_group(group, form.name.data)
    except group_service.GroupError as error:
        return _refused(error, form, group.id)
    return _done(_("Group renamed to “%(name)s”.", name=group.name))


@bp.post("/groups/<int:group_id>/delete")
@manager_required
def delete_group(group_id):
    """Delete a group, unless the WhatsApp Business settings use it."""
    group = _group_or_404(group_id)
    name = group.name
    try:
        group_service.delete_group(group)
    except group_service.GroupError as error:
        return _refused(error)
    return _done(_("Group “%(name)s” deleted.", name=name))


@bp.post("/groups/<int:group_id>/members")
@manager_required
def add_member(group_id):
    """Add a pre-seller to a group."""
    group = _group_or_404(group_id)
    form = MemberForm()
    if not form.validate():
        return _page(failed=(group.id, form), status=422)
    try:
        user = group_service.add_member(group, form.user.data)
    except group_service.GroupError as error:
        return _refused(error, form, group.id)
    return _done(_("%(name)s added to “%(group)s”.", name=user.name, group=group.name))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/remove")
@manager_required
def remove_member(group_id, user_id):
    """Take a pre-seller out of a group."""
    group = _group_or_404(group_id)
    group_service.remove_member(group, user_id)
    return _done(_("Removed from “%(group)s”.", group=group.name))
