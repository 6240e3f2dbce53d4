"""Settings → WhatsApp Business: the distribution rules a manager sets."""
from flask import flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from ..auth.access import manager_required
from ..extensions import db
from ..services.settings import SettingsError, current_settings, save_settings, settings_choices
from . import bp
from .forms import WhatsAppSettingsForm


def _form(settings) -> WhatsAppSettingsForm:
    """The form with its choices, filled from the request or else from the stored settings."""
    if request.method == "POST":
        form = WhatsAppSettingsForm()
    else:  # the fields the model names otherwise, or keeps as rows, are given by name
        form = WhatsAppSettingsForm(
            obj=settings, mode=settings.distribution_mode,
            groups=[group.id for group in settings.distribution_groups],
            alternates=[user.id for user in settings.alternate_recipients])
    groups, pre_sellers = settings_choices()
    form.groups.choices = [SelectChoice(group.id, group.name) for group in groups]
    form.alternates.choices = [SelectChoice(user.id, f"{user.name} <{user.email}>")
                               for user in pre_sellers]
    form.offline_transfer_group.choices = [SelectChoice("", "Choose a group…"),
                                           *form.groups.choices]
    return form


@bp.route("/whatsapp", methods=["GET", "POST"])
@manager_required
def whatsapp():
    """Show the distribution settings; save them whole, or re-render with field errors."""
    form = _form(current_settings())
    if form.validate_on_submit():
        try:
            save_settings(form.wanted())
        except SettingsError as error:
            db.session.rollback()
            for name, problem in error.problems.items():
                form[name].errors = [*form[name].errors, problem]
        else:
            db.session.commit()
            flash("WhatsApp Business settings saved. New chats follow them from now on.",
                  "info")
            return redirect(url_for(".whatsapp"), 303)
    failed = any(f.errors for f in form)
    return render_template("settings/whatsapp.html", form=form, failed=failed), \
        422 if failed else 200
