"""The inbox page and its polled chat list."""
from datetime import datetime

from flask import render_template, request
from flask_login import current_user

from ..auth.access import pre_seller_required
from ..chats.presenters import poll_is_current, poll_token
from ..db import utcnow
from ..services import chat_lists
from . import bp


def inbox_panel(user_id: int, now: datetime, fingerprint: str | None = None) -> dict:
    """What the chat list needs: the chats, their unread total, the list's poll token."""
    chats = chat_lists.inbox_chats(user_id)
    fingerprint = fingerprint or chat_lists.inbox_fingerprint(user_id)
    return {"chats": chats, "unread": chat_lists.unread_total(chats),
            "list_fingerprint": poll_token(fingerprint, now), "limit": chat_lists.INBOX_LIMIT}


@bp.get("")
@pre_seller_required
def index():
    """The inbox: open chats on the left, a prompt to pick one on the right."""
    now = utcnow()
    return render_template("inbox/index.html", chat=None, now=now,
                           **inbox_panel(current_user.id, now))


@bp.get("/chats")
@pre_seller_required
def chat_list():
    """The polled list: 204 while the browser's copy is current (see poll_is_current)."""
    now = utcnow()
    fingerprint = chat_lists.inbox_fingerprint(current_user.id)
    if poll_is_current(request.args.get("fp"), fingerprint, now):
        return "", 204
    return render_template("inbox/_chat_list.html", now=now,
                           current_id=request.args.get("current", type=int),
                           **inbox_panel(current_user.id, now, fingerprint))


@bp.get("/expired")
@pre_seller_required
def expired():
    """The pre-seller's expired chats: where to find a lead to revive with a template."""
    now = utcnow()
    return render_template("inbox/expired.html", now=now, limit=chat_lists.INBOX_LIMIT,
                           chats=chat_lists.expired_inbox_chats(current_user.id))
