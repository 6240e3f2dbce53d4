"""Settings → WhatsApp Business → Templates: the account's approved templates (refreshed
from Meta on demand), or, in sandbox mode, the ones managers keep."""
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import manager_required
from ..db import utcnow
from ..domain.codes import TemplateSource
from ..extensions import db
from ..models import MessageTemplate
from ..services import templates as template_service
from ..services.settings import current_settings
from ..whatsapp.client import WhatsAppError
from ..wording import template_problem_text
from . import bp
from .reply_forms import SandboxTemplateForm


def _sandbox_template_or_404(template_id: int) -> MessageTemplate:
    """A sandbox template, or 404 (the account's templates are Meta's to change)."""
    template = db.session.get(MessageTemplate, template_id)
    if template is None or template.source != TemplateSource.SANDBOX:
        abort(404)
    return template


def _page(form=None, editing=None, status=200):
    """The Templates page; `editing` = (template id, form) of an edit form with errors."""
    source = template_service.current_source(current_app.config)
    return render_template(
        "settings/templates.html", source=source,
        templates=template_service.templates_of(source), form=form or SandboxTemplateForm(),
        editing=editing or (None, None), refreshed_at=current_settings().templates_refreshed_at,
        now=utcnow()), status


@bp.get("/whatsapp/templates")
@manager_required
def templates():
    """Every template of the current mode."""
    return _page()


def _save(template: MessageTemplate | None, form: SandboxTemplateForm, editing_id=None):
    """Save a sandbox template from a valid form, or show its errors (422)."""
    if template_service.current_source(current_app.config) != TemplateSource.SANDBOX:
        flash(_("With an access token, templates are the WhatsApp account's: change them in "
                "Meta's WhatsApp Manager, then refresh."), "error")
        return redirect(url_for(".templates"), 303)
    failed = (editing_id, form) if editing_id else None
    if not form.validate():
        return _page(form=None if failed else form, editing=failed, status=422)
    try:
        template = template_service.save_sandbox_template(
            template, name=form.name.data, language=form.language.data,
            category=form.category.data, body=form.body.data)
    except template_service.TemplateError as error:
        db.session.rollback()
        for name, problem in error.problems.items():
            form[name].errors = [template_problem_text(problem)]
        return _page(form=None if failed else form, editing=failed, status=422)
    db.session.commit()
    flash(_("Template “%(name)s” (%(language)s) saved.", name=template.name,
            language=template.language), "info")
    return redirect(url_for(".templates"), 303)


@bp.post("/whatsapp/templates")
@manager_required
def create_template():
    """Add a sandbox template."""
    return _save(None, SandboxTemplateForm())


@bp.post("/whatsapp/templates/<int:template_id>")
@manager_required
def update_template(template_id):
    """Change a sandbox template."""
    template = _sandbox_template_or_404(template_id)
    return _save(template, SandboxTemplateForm(), template.id)


@bp.post("/whatsapp/templates/<int:template_id>/delete")
@manager_required
def delete_template(template_id):
    """Remove a sandbox template."""
    template = _sandbox_template_or_404(template_id)
    name = template.name
    template_service.delete_sandbox_template(template)
    db.session.commit()
    flash(_("Template “%(name)s” deleted.", name=name), "info")
    return redirect(url_for(".templates"), 303)


@bp.post("/whatsapp/templates/refresh")
@manager_required
def refresh_templates():
    """Read the account's approved templates from Meta now."""
    if template_service.current_source(current_app.config) == TemplateSource.SANDBOX:
        flash(_("Sandbox mode: there is no WhatsApp account to read templates from."), "error")
        return redirect(url_for(".templates"), 303)
    try:
        refreshed = template_service.refresh_cloud_templates(utcnow(), current_app.config)
    except WhatsAppError as error:
        db.session.rollback()
        flash(_("The templates could not be read from WhatsApp: %(reason)s",
                reason=str(error)), "error")
        return redirect(url_for(".templates"), 303)
    db.session.commit()
    flash(_("Templates refreshed: %(kept)d approved, %(skipped)d that need values Relay "
            "cannot fill.", kept=refreshed.kept, skipped=refreshed.skipped), "info")
    return redirect(url_for(".templates"), 303)
