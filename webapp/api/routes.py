"""GET /api/chats and /api/chats/<id>: managers by session or bearer token."""
from flask import abort, g, jsonify, request, url_for
from flask_login import current_user

from ..db import utcnow
from ..domain.inputs import parse_whole_number
from ..extensions import db
from ..services import chat_reports, conversations
from ..services.api_tokens import user_for_token
from ..services.team import team_overview
from . import bp
from .serializers import chat_summary, decision, message, team_member

MAX_PER_PAGE = 100
# Far beyond any team's chats, and small enough that every page's offset is a sane number.
MAX_PAGE = 1_000_000


class BadQuery(Exception):
    """A query argument the API cannot use, with a message for the integrator."""


def _error(status: int, text: str):
    """A JSON error; 401s say how to authenticate."""
    headers = {"WWW-Authenticate": 'Bearer realm="relay"'} if status == 401 else {}
    return jsonify(error=text), status, headers


@bp.before_request
def authenticate():
    """A bearer token wins over the session; only managers may read."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = user_for_token(token.strip(), utcnow()) if scheme.lower() == "bearer" else None
        if user is None:
            return _error(401, "invalid API token: send Authorization: Bearer <token>")
        if db.session.dirty:
            db.session.commit()  # the token's last use
    elif current_user.is_authenticated:
        user = current_user
    else:
        return _error(401, "sign in, or send Authorization: Bearer <token>")
    if not user.is_manager:
        return _error(403, "the API is for managers")
    g.api_user = user


def _number(name: str, default: int, high: int) -> int:
    """A whole number argument from 1 to `high`."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = parse_whole_number(raw, 1, high)
    if value is None:
        raise BadQuery(f"{name} must be a whole number of at least 1 and at most {high}")
    return value


def _read_query() -> chat_reports.ChatQuery:
    """The filters and page in the query string."""
    status = request.args.get("status") or None
    if status and status not in chat_reports.STATUSES:
        raise BadQuery(f"status must be one of {', '.join(chat_reports.STATUSES)}")
    unassigned = request.args.get("unassigned", "") in ("1", "true")
    assignee = request.args.get("assignee") or None
    if unassigned and assignee:
        raise BadQuery("use either assignee or unassigned=1, not both")
    return chat_reports.ChatQuery(status=status, assignee_email=assignee, unassigned=unassigned,
                                  page=_number("page", 1, MAX_PAGE),
                                  per_page=_number("per_page", 25, MAX_PER_PAGE))


@bp.get("/chats")
def chats():
    """A page of chats, newest first, with the next page's address when there is one."""
    try:
        query = _read_query()
    except BadQuery as problem:
        return _error(400, str(problem))
    rows, reasons, has_next = chat_reports.chat_page(query)
    next_page = query.page + 1 if has_next else None
    next_url = url_for("api.chats", _external=True, **query.query_args(page=next_page)) \
        if has_next else None
    return jsonify(
        chats=[chat_summary(chat, reasons.get(chat.id)) for chat in rows],
        page=query.page, per_page=query.per_page, has_next=has_next, next_page=next_page,
        next_url=next_url)


@bp.get("/team")
def team():
    """Every pre-seller now: state (available, away, offline), open chats, limit, chats in
    activity, chats awaiting a reply."""
    return jsonify(team=[team_member(member) for member in team_overview(utcnow())])


@bp.get("/chats/<int:chat_id>")
def chat(chat_id):
    """One chat with its messages and its routing history."""
    item = conversations.visible_chat(chat_id, g.api_user)
    if item is None:
        abort(404, "no chat with this id")
    history = conversations.routing_history(item.id)
    body = chat_summary(item, history[-1].reason if history else None)
    body["messages"] = [message(m) for m in chat_reports.chat_messages(item.id)]
    body["history"] = [decision(d) for d in history]
    return jsonify(body)
