"""A conversation: read it, answer it, close it; managers transfer it and read its history."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth.access import manager_required
from ..db import utcnow
from ..domain.codes import MessageStatus
from ..extensions import db
from ..inbox.routes import inbox_panel
from ..services import conversations
from ..services.replies import ReplyError, send_reply
from ..services.transfers import TransferError, close_chat
from . import bp
from .forms import ReplyForm
from .transfer import chat_for_manager, submit_transfer, transfer_dialog, transferred_trigger


def _visible_or_404(chat_id: int):
    """The chat if the signed-in user may see it; otherwise 404, never 403."""
    chat = conversations.visible_chat(chat_id, current_user)
    if chat is None:
        abort(404)
    return chat


def _conversation(chat, now) -> dict:
    """What the conversation's templates need: the chat, its messages, its fingerprint."""
    messages, older_hidden = conversations.recent_messages(chat.id)
    return {"chat": chat, "messages": messages, "older_hidden": older_hidden, "now": now,
            "fingerprint": conversations.conversation_fingerprint(chat)}


@bp.get("/<int:chat_id>")
@login_required
def show(chat_id):
    """The conversation; a pre-seller sees it beside their inbox. Opening it marks it read."""
    now = utcnow()
    chat = _visible_or_404(chat_id)
    conversations.mark_read(chat, current_user)
    if current_user.is_manager:
        html = render_template("chats/page.html", **_conversation(chat, now))
    else:
        html = render_template("inbox/index.html", **_conversation(chat, now),
                               **inbox_panel(current_user.id, now))
    db.session.commit()
    return html


@bp.get("/<int:chat_id>/live")
@login_required
def live(chat_id):
    """The polled messages: 204 when nothing changed, else the messages and the header."""
    now = utcnow()
    chat = _visible_or_404(chat_id)
    fingerprint = conversations.conversation_fingerprint(chat)
    if request.args.get("fp") == fingerprint:
        return "", 204
    conversations.mark_read(chat, current_user)
    html = render_template("chats/_live.html", with_head=True, **_conversation(chat, now))
    db.session.commit()
    return html


@bp.get("/<int:chat_id>/window")
@login_required
def window(chat_id):
    """The conversation's response window alone: it asks for itself once a minute."""
    return render_template("chats/_window.html", chat=_visible_or_404(chat_id), now=utcnow())


@bp.post("/<int:chat_id>/reply")
@login_required
def reply(chat_id):
    """Send a reply; errors (window closed, API error) come back inline in the form."""
    now = utcnow()
    chat = _visible_or_404(chat_id)
    form = ReplyForm()
    error, notice = "", ""
    if not form.validate():
        error = form.text.errors[0]
    else:
        try:
            message = send_reply(chat=chat, author=current_user, text=form.text.data, now=now)
        except ReplyError as refusal:
            error = str(refusal)
        else:
            if message.status == MessageStatus.SANDBOX:
                notice = "Sandbox mode: the reply was recorded, not sent to WhatsApp."
    html = render_template("chats/_reply_form.html", oob_live=True, reply_error=error,
                           reply_text=form.text.data if error else "", reply_notice=notice,
                           **_conversation(chat, now))
    db.session.commit()  # a failed send stays on record, with its reason
    return html, 422 if error else 200


@bp.post("/<int:chat_id>/close")
@login_required
def close(chat_id):
    """The assignee or a manager closes the chat: it leaves the active lists."""
    chat = _visible_or_404(chat_id)
    lead = chat.lead.display_name
    try:
        close_chat(chat, current_user, utcnow())
    except TransferError as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("chats.show", chat_id=chat_id), 303)
    db.session.commit()
    flash(f"The chat with {lead} is closed.", "info")
    home = "telephony.chats" if current_user.is_manager else "inbox.index"
    return redirect(url_for(home), 303)


def _transfer_target(chat_id: int, source: str | None) -> tuple[str, str]:
    """Where the dialog posts and what a success replaces: the list's row or the header."""
    if source == "list":
        return url_for("telephony.transfer", chat_id=chat_id), f"#chat-row-{chat_id}"
    return url_for("chats.transfer", chat_id=chat_id), "#conv-head"


@bp.get("/<int:chat_id>/transfer")
@manager_required
def transfer_form(chat_id):
    """The transfer dialog's content, loaded when it opens (it carries the chat's version)."""
    chat = chat_for_manager(chat_id)
    return transfer_dialog(chat, *_transfer_target(chat.id, request.args.get("from")))


@bp.post("/<int:chat_id>/transfer")
@manager_required
def transfer(chat_id):
    """Transfer from the conversation's menu; answers with the updated header."""
    chat, refusal = submit_transfer(chat_id, *_transfer_target(chat_id, None))
    if refusal:
        return refusal
    html = render_template("chats/_conversation_head.html", chat=chat, now=utcnow())
    return html, 200, transferred_trigger(chat)


@bp.get("/<int:chat_id>/history")
@manager_required
def history(chat_id):
    """Every routing decision about the chat (the three-dot menu's History)."""
    chat = chat_for_manager(chat_id)
    return render_template("chats/_history.html", chat=chat,
                           decisions=conversations.routing_history(chat.id))
