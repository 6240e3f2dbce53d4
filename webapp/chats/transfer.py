"""The transfer dialog, shared by the chat list and the conversation's three-dot menu."""
import json

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..db import utcnow
from ..domain.codes import Presence
from ..extensions import db
from ..models import Chat
from ..services import conversations
from ..services.accounts import user_presence
from ..services.team import group_choices, team_overview
from ..services.transfers import TransferError, transfer_chat
from .forms import TransferForm

# Who the dialogs list first: those who can take a chat now, then Away, then offline.
_STATE_ORDER = {Presence.AVAILABLE: 0, Presence.AWAY: 1, Presence.OFFLINE: 2}


def chat_for_manager(chat_id: int) -> Chat:
    """The chat a manager is acting on, or 404."""
    chat = conversations.visible_chat(chat_id, current_user)
    if chat is None:
        abort(404)
    return chat


def recipients(now) -> dict:
    """What a transfer dialog offers: every active pre-seller (presence, open chats of their
    limit), available ones first, and every group with how many members can take a chat."""
    team = team_overview(now, active_only=True)
    people = sorted(team, key=lambda member: _STATE_ORDER[member.state])  # stable: by name
    return {"people": people, "groups": group_choices(team)}


def transfer_dialog(chat: Chat, action: str, target: str, *, error: str = "",
                    form: TransferForm | None = None, status: int = 200):
    """The dialog's form: the people and groups to pick from, a note, the chat's version."""
    now = utcnow()
    choices = recipients(now)
    states = {member.id: member.state for member in choices["people"]}
    assignee_state = (states.get(chat.assignee.id) or user_presence(chat.assignee, now)
                      if chat.assignee else None)
    html = render_template(
        "chats/_transfer_form.html", chat=chat, assignee_state=assignee_state, action=action,
        target=target, error=error, now=now, chosen=form.to.data if form else None,
        note=form.note.data if form else "", **choices)
    headers = {}
    if status != 200:
        # A refusal is shown inside the dialog, not where a success would go.
        headers = {"HX-Retarget": "#transfer-dialog-body", "HX-Reswap": "innerHTML"}
    return html, status, headers


def submit_transfer(chat_id: int, action: str, target: str):
    """Run the transfer from the posted dialog: (chat, None) on success, else (None, response).

    A refusal (the chat changed or expired since the dialog opened, nobody in the group can
    take it) re-renders the dialog with the reason and the chat as it is now.
    """
    chat = chat_for_manager(chat_id)
    form = TransferForm()
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        return None, transfer_dialog(chat, action, target, error=message, form=form, status=422)
    try:
        chat = transfer_chat(chat_id=chat.id, actor=current_user,
                             expected_version=form.version.data,
                             note=(form.note.data or "").strip(), now=utcnow(),
                             **form.recipient())
    except TransferError as error:
        db.session.rollback()
        chat = chat_for_manager(chat_id)
        return None, transfer_dialog(chat, action, target, error=str(error), form=form,
                                     status=422)
    db.session.commit()
    return chat, None


def transferred_trigger(chat: Chat) -> dict:
    """The HX-Trigger header that closes the dialog and announces the new assignee."""
    # A transfer always has a recipient: the dialog only offers pre-sellers and groups.
    who = chat.assignee.name if chat.assignee else ""
    message = _("The chat with %(lead)s is now with %(who)s.", lead=chat.lead.display_name,
                who=who)
    return {"HX-Trigger": json.dumps({"chatTransferred": {"message": message,
                                                          "chatId": chat.id}})}

