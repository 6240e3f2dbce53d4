"""The transfer dialog, shared by the chat list and the conversation's three-dot menu."""
import json

from flask import abort, render_template
from flask_login import current_user

from ..db import utcnow
from ..extensions import db
from ..models import Chat
from ..services import conversations
from ..services.accounts import user_is_online
from ..services.transfers import TransferError, transfer_chat
from .forms import TransferForm


def chat_for_manager(chat_id: int) -> Chat:
    """The chat a manager is acting on, or 404."""
    chat = conversations.visible_chat(chat_id, current_user)
    if chat is None:
        abort(404)
    return chat


def transfer_dialog(chat: Chat, action: str, target: str, *, error: str = "",
                    form: TransferForm | None = None, status: int = 200):
    """The dialog's form: active pre-sellers (who is online), a note, the chat's version."""
    candidates = conversations.transfer_candidates()
    people = candidates + ([chat.assignee] if chat.assignee else [])
    online = {user.id: user_is_online(user) for user in people}
    candidates.sort(key=lambda user: not online[user.id])  # online first, then by name
    html = render_template(
        "chats/_transfer_form.html", chat=chat, candidates=candidates, online=online,
        action=action, target=target, error=error, now=utcnow(),
        chosen=form.to_user_id.data if form else None, note=form.note.data if form else "")
    headers = {}
    if status != 200:
        # A refusal is shown inside the dialog, not where a success would go.
        headers = {"HX-Retarget": "#transfer-dialog-body", "HX-Reswap": "innerHTML"}
    return html, status, headers


def submit_transfer(chat_id: int, action: str, target: str):
    """Run the transfer from the posted dialog: (chat, None) on success, else (None, response).

    A refusal (the chat changed or expired since the dialog opened) re-renders the dialog
    with the reason and the chat as it is now, so the manager sees what happened.
    """
    chat = chat_for_manager(chat_id)
    form = TransferForm()
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        return None, transfer_dialog(chat, action, target, error=message, form=form, status=422)
    try:
        chat = transfer_chat(chat_id=chat.id, to_user_id=form.to_user_id.data,
                             actor=current_user, expected_version=form.version.data,
                             note=(form.note.data or "").strip(), now=utcnow())
    except TransferError as error:
        db.session.rollback()
        chat = chat_for_manager(chat_id)
        return None, transfer_dialog(chat, action, target, error=str(error), form=form,
                                     status=422)
    db.session.commit()
    return chat, None


def transferred_trigger(chat: Chat) -> dict:
    """The HX-Trigger header that closes the dialog and announces the new assignee."""
    who = chat.assignee.name if chat.assignee else "nobody"
    message = f"The chat with {chat.lead.display_name} is now with {who}."
    return {"HX-Trigger": json.dumps({"chatTransferred": {"message": message,
                                                          "chatId": chat.id}})}
