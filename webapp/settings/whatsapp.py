"""Settings → WhatsApp Business: the distribution rules a manager sets."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..auth.access import manager_required
from ..db import utcnow
from ..extensions import db
from ..services.preview import next_chat
from ..services.settings import SettingsError, current_settings, save_settings, settings_choices
from ..services.waiting_line import give_out_waiting
from ..wording import problem_text
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
    form.offline_transfer_group.choices = [SelectChoice("", _("Choose a group…")),
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
            give_out_waiting(utcnow())  # more room, or the line switched on, may free a chat
        except SettingsError as error:
            db.session.rollback()
            for name, problem in error.problems.items():
                form[name].errors = [*form[name].errors, problem_text(name, problem)]
        else:
            db.session.commit()
            flash(_("WhatsApp Business settings saved. New chats follow them from now on."),
                  "info")
            return redirect(url_for(".whatsapp"), 303)
    failed = any(f.errors for f in form)
    return render_template("settings/whatsapp.html", form=form, failed=failed,
                           preview=next_chat(utcnow()), form_invalid=False), \
        422 if failed else 200


@bp.get("/whatsapp/next-chat")
@manager_required
def next_chat_preview():
    """Who would get a new lead's chat now: for the form's unsaved choices when they are sent
    (the page sends them as they change, and every few seconds), else for the saved ones."""
    wanted, invalid = None, False
    if "mode" in request.args:
        form = WhatsAppSettingsForm(formdata=request.args, meta={"csrf": False})
        invalid = not form.validate()
        wanted = None if invalid else form.wanted()
    return render_template("settings/_next_chat.html", preview=next_chat(utcnow(), wanted),
                           form_invalid=invalid)
