"""Beyond free text: the template dialog (any chat, even expired) and the quick replies the
reply box offers."""
import json

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import utcnow
from ..domain.codes import MessageStatus
from ..domain.templates import language_rank, lead_language, render
from ..extensions import db
from ..services.quick_replies import quick_replies_for
from ..services.replies import ReplyError, save_pending_template
from ..services.templates import template_for_sending, templates_for_chat
from ..whatsapp.errors import failure_text
from . import bp
from .routes import _conversation, _send_saved, _visible_or_404
from .template_forms import TemplateMessageForm


def _dialog(chat, form: TemplateMessageForm, *, error: str = "", notice: str = "",
            status: int = 200, trigger: dict | None = None, with_live: bool = False):
    """The dialog's content: the templates (the lead's language first), the chosen one's
    values (the lead's name offered for {{1}}), and the text the lead will read."""
    offered = templates_for_chat(chat, current_app.config)
    chosen = template_for_sending(form.template.data, current_app.config) or \
        (offered[0] if offered else None)
    if chosen is not None:
        form.template.data = chosen.id
        form.fit(chosen.parameter_count, [chat.lead.name])
    language = lead_language(chat.lead.wa_id)
    # After a send, the conversation's messages come along (out of band) to show it.
    context = _conversation(chat, utcnow()) if with_live else {"chat": chat, "now": utcnow()}
    html = render_template(
        "chats/_template_form.html", form=form, offered=offered, chosen=chosen,
        preview=render(chosen.body, form.values()) if chosen else "", error=error,
        notice=notice, lead_language=language, rank=language_rank, with_live=with_live,
        **context)
    db.session.commit()
    headers = {"HX-Trigger": json.dumps(trigger)} if trigger else {}
    return html, status, headers


@bp.get("/<int:chat_id>/template")
@login_required
def template_dialog(chat_id):
    """The template dialog, for the template asked for (or the first one offered)."""
    chat = _visible_or_404(chat_id)
    form = TemplateMessageForm(formdata=request.args or None, meta={"csrf": False})
    form.validate()  # only to read the values; errors are not shown before sending
    for entry in form.parameters:
        entry.errors = []
    return _dialog(chat, form)


@bp.get("/<int:chat_id>/template/preview")
@login_required
def template_preview(chat_id):
    """The final text as the values are typed (rendered here, as WhatsApp will)."""
    chat = _visible_or_404(chat_id)
    form = TemplateMessageForm(formdata=request.args, meta={"csrf": False})
    form.validate()
    chosen = template_for_sending(form.template.data, current_app.config)
    return render_template("chats/_template_preview.html", chat=chat,
                           preview=render(chosen.body, form.values()) if chosen else "")


@bp.post("/<int:chat_id>/template")
@login_required
def send_template(chat_id):
    """Send the chosen template: saved, sent, recorded like a reply; WhatsApp's refusal
    (paused template, wrong values, number not on WhatsApp) comes back in the dialog."""
    chat = _visible_or_404(chat_id)
    form = TemplateMessageForm()
    chosen = template_for_sending(form.template.data, current_app.config)
    if not form.validate() or chosen is None:
        return _dialog(chat, form, error=_("Choose one of the listed templates."), status=422)
    form.fit(chosen.parameter_count, [])
    if not form.check_values():
        return _dialog(chat, form, error=_("Fill in every value before sending."), status=422)
    try:
        outgoing = save_pending_template(chat=chat, author=current_user, template=chosen,
                                         parameters=form.values(), now=utcnow())
    except ReplyError as refusal:
        db.session.rollback()
        return _dialog(chat, form, error=str(refusal), status=422)
    sent = _send_saved(outgoing)
    if sent.error:  # refused (Retry is in the conversation) or not confirmed
        return _dialog(chat, form, error=failure_text(sent.error_code, sent.error), status=422,
                       with_live=True)
    notice = _("Template sent. The lead's answer opens a new 24-hour window.")
    if sent.status == MessageStatus.SANDBOX:
        notice = _("Sandbox mode: the template was recorded, not sent to WhatsApp.")
    return _dialog(chat, form, notice=notice, trigger={"templateSent": {"message": notice}},
                   with_live=True)


@bp.get("/<int:chat_id>/quick-replies")
@login_required
def quick_replies(chat_id):
    """The team's quick replies for this chat's reply box, {lead} and {me} filled in."""
    chat = _visible_or_404(chat_id)
    return jsonify(quick_replies_for(chat, current_user))
