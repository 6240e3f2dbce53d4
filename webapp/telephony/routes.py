"""The managers' chat list: filters, search, keyset pages, live rows, transfers."""
from flask import render_template, request, url_for

from ..auth.access import manager_required
from ..chats.presenters import poll_is_current, poll_token
from ..chats.transfer import submit_transfer, transferred_trigger
from ..db import utcnow
from ..services import chat_lists
from ..services.accounts import user_presence
from . import bp
from .forms import read_cursor, read_filter


def _table_context() -> dict:
    """The page of chats the URL asks for, and what the table around it needs."""
    filters, cursor = read_filter(request.args), read_cursor(request.args)
    now = utcnow()
    page = chat_lists.telephony_page(filters, cursor, now)
    counts = chat_lists.view_counts()
    fingerprint = chat_lists.digest(page.fingerprint, sorted(counts.items()))
    return {"page": page, "filters": filters, "cursor": cursor, "now": now,
            "waiting": counts["waiting"], "counts": counts, "views": chat_lists.VIEWS,
            "sorts": chat_lists.SORTS, "fingerprint": fingerprint,
            "poll_token": poll_token(fingerprint, now)}


@bp.get("/chats")
@manager_required
def chats():
    """Telephony → Chats (WhatsApp): every chat, open ones by default."""
    people, groups = chat_lists.filter_choices()
    return render_template("telephony/chats.html", people=people, groups=groups,
                           **_table_context())


@bp.get("/chats/rows")
@manager_required
def rows():
    """The table alone: for the filters (the address follows them) and for polling (204)."""
    context = _table_context()
    polling = "fp" in request.args
    if polling and poll_is_current(request.args["fp"], context["fingerprint"], context["now"]):
        return "", 204
    html = render_template("telephony/_table.html", counts_oob=True, **context)
    headers = {}
    if not polling:
        headers["HX-Push-Url"] = url_for("telephony.chats", **_page_args(context))
    return html, 200, headers


def _page_args(context: dict) -> dict:
    """The address of what the table shows: its filters and page, never other arguments."""
    cursor = context["cursor"]
    if cursor is not None:
        position = {"before" if cursor.older else "after": cursor.token()}
    else:
        position = {}
    return {**context["filters"].query_args(), **position}


@bp.post("/chats/<int:chat_id>/transfer")
@manager_required
def transfer(chat_id):
    """Transfer from a row's dialog; answers with the updated row."""
    chat, refusal = submit_transfer(chat_id, url_for("telephony.transfer", chat_id=chat_id),
                                    f"#chat-row-{chat_id}")
    if refusal:
        return refusal
    presence = {chat.assignee.id: user_presence(chat.assignee)} if chat.assignee else {}
    html = render_template("telephony/_row.html", chat=chat, presence=presence, now=utcnow())
    return html, 200, transferred_trigger(chat)
