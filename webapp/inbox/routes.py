"""The inbox page and its polled chat list."""
from flask import render_template, request
from flask_login import current_user

from ..auth.access import pre_seller_required
from ..db import utcnow
from ..services import chat_lists
from . import bp


def inbox_panel(user_id: int, fingerprint: str | None = None) -> dict:
    """What the chat list needs: the chats, their unread total, the list's fingerprint."""
    chats = chat_lists.inbox_chats(user_id)
    return {"chats": chats, "unread": chat_lists.unread_total(chats),
            "list_fingerprint": fingerprint or chat_lists.inbox_fingerprint(user_id),
            "limit": chat_lists.INBOX_LIMIT}


@bp.get("")
@pre_seller_required
def index():
    """The inbox: open chats on the left, a prompt to pick one on the right."""
    return render_template("inbox/index.html", chat=None, now=utcnow(),
                           **inbox_panel(current_user.id))


@bp.get("/chats")
@pre_seller_required
def chat_list():
    """The polled list: 204 when nothing changed since the fingerprint the browser holds."""
    fingerprint = chat_lists.inbox_fingerprint(current_user.id)
    if request.args.get("fp") == fingerprint:
        return "", 204
    return render_template("inbox/_chat_list.html", now=utcnow(),
                           current_id=request.args.get("current", type=int),
                           **inbox_panel(current_user.id, fingerprint))
