"""A conversation: read it, answer it, close it; managers transfer it and read its history."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import manager_required
from ..db import utcnow
from ..extensions import db
from ..inbox.routes import inbox_panel
from ..models import Message
from ..services import conversations, replies
from ..services.lead_context import lead_context
from ..services.replies import ReplyError
from ..services.transfers import TransferError, close_chat
from ..whatsapp.errors import failure_text
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
            "fingerprint": conversations.conversation_fingerprint(chat, now)}


@bp.get("/<int:chat_id>")
@login_required
def show(chat_id):
    """The conversation; a pre-seller sees it beside their inbox. Opening it marks it read."""
    now = utcnow()
    chat = _visible_or_404(chat_id)
    conversations.mark_read(chat, current_user)
    context = {**_conversation(chat, now), "lead": lead_context(chat)}
    if current_user.is_manager:
        html = render_template("chats/page.html", **context)
    else:
        html = render_template("inbox/index.html", **context,
                               **inbox_panel(current_user.id, now))
    db.session.commit()
    return html


@bp.get("/<int:chat_id>/live")
@login_required
def live(chat_id):
    """The polled messages: 204 when nothing changed, else the messages and the header."""
    now = utcnow()
    chat = _visible_or_404(chat_id)
    fingerprint = conversations.conversation_fingerprint(chat, now)
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
    """Send a reply; refusals (window closed) and WhatsApp's errors come back in the form."""
    chat = _visible_or_404(chat_id)
    form = ReplyForm()
    if not form.validate():
        return _reply_answer(chat, error=form.text.errors[0], text=form.text.data)
    try:
        outgoing = replies.save_pending_reply(chat=chat, author=current_user,
                                              text=form.text.data, now=utcnow())
    except ReplyError as refusal:
        return _reply_answer(chat, error=str(refusal), text=form.text.data)
    return _reply_answer(chat, sent=_send_saved(outgoing))


@bp.post("/<int:chat_id>/messages/<int:message_id>/retry")
@login_required
def retry(chat_id, message_id):
    """Send a failed reply once more; of two retries at once only one sends."""
    chat = _visible_or_404(chat_id)
    try:
        outgoing = replies.claim_retry(chat=chat, message_id=message_id, author=current_user,
                                       now=utcnow())
    except ReplyError as refusal:
        db.session.rollback()
        return _reply_answer(chat, error=str(refusal))
    return _reply_answer(chat, sent=_send_saved(outgoing))


def _send_saved(outgoing: replies.Outgoing) -> Message:
    """Commit the pending reply, send it with no transaction open, then record the outcome.

    Should the first commit fail, nothing was sent (the error page says try again); should
    the process die after sending, the reply stays pending and shows as not confirmed.
    """
    db.session.commit()
    outcome = replies.send(outgoing, current_app.config)
    message = replies.record_outcome(outgoing, outcome)
    db.session.commit()
    return message


def _reply_answer(chat, *, error: str = "", text: str = "", sent: Message | None = None):
    """The reply form (with the refusal or the send's outcome) and the messages beside it."""
    # Sandbox mode is said once (top bar and the reply box's hint), not after every reply.
    if sent is not None and sent.error:
        # Failed (Retry is beside it) or not confirmed: the box is cleared.
        error = failure_text(sent.error_code, sent.error)
    html = render_template("chats/_reply_form.html", oob_live=True, with_head=True,
                           reply_error=error,
                           reply_text=text if error else "",
                           **_conversation(chat, utcnow()))
    db.session.commit()
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
    flash(_("The chat with %(lead)s is closed.", lead=lead), "info")
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
