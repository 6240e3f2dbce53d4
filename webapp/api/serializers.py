"""Chats as JSON: every timestamp ISO 8601 in UTC."""
from ..chats.presenters import iso_utc
from ..decision_text import explain
from ..domain.codes import ChatStatus
from ..models import Chat, Message, RoutingDecision, User
from ..services.team import TeamMember


def person(user: User | None) -> dict | None:
    """A user as {id, email, name}, or None."""
    return None if user is None else {"id": user.id, "email": user.email, "name": user.name}


def chat_summary(chat: Chat, reason: str | None) -> dict:
    """One chat as in the list: lead, assignee, group, status, routing reason, times."""
    lead = chat.lead
    waiting = chat.status == ChatStatus.OPEN and chat.assignee_id is None
    return {
        "id": chat.id,
        "lead": {"id": lead.id, "name": lead.name, "wa_id": lead.wa_id, "user_id": lead.user_id},
        "assignee": person(chat.assignee),
        "group": None if chat.group is None else {"id": chat.group.id, "name": chat.group.name},
        "status": chat.status,
        "reason": reason,
        "awaiting_reply": chat.awaiting_reply,
        # An open chat nobody has waits in the waiting line, since it opened.
        "waiting": waiting,
        "waiting_since": iso_utc(chat.opened_at) if waiting else None,
        "overdue_since": iso_utc(chat.overdue_since) or None,
        "unread_count": chat.unread_count,
        "version": chat.version,
        "opened_at": iso_utc(chat.opened_at) or None,
        "closed_at": iso_utc(chat.closed_at) or None,
        "last_inbound_at": iso_utc(chat.last_inbound_at) or None,
        "last_message_at": iso_utc(chat.last_message_at) or None,
        "window_expires_at": iso_utc(chat.window_expires_at) or None,
    }


def team_member(member: TeamMember) -> dict:
    """A pre-seller now: state, open chats of their limit, chats in activity, awaiting reply."""
    return {"id": member.id, "email": member.email, "name": member.name,
            "active": member.active, "state": member.state, "open_chats": member.open_chats,
            "limit": member.limit, "chats_in_activity": member.chats_in_activity,
            "awaiting_reply": member.awaiting_reply}


def message(item: Message) -> dict:
    """One message, in or out, with its delivery state."""
    return {"id": item.id, "wamid": item.wamid, "direction": item.direction, "type": item.type,
            "body": item.body, "details": item.details, "sent_at": iso_utc(item.sent_at),
            "status": item.status, "error": item.error, "error_code": item.error_code,
            "sender": person(item.sender)}


def decision(item: RoutingDecision) -> dict:
    """One routing decision: why, from whom, to whom, by whom (null = the system), when."""
    return {"reason": item.reason, "facts": item.facts, "detail": explain(item), "note": item.note,
            "from": person(item.from_assignee), "to": person(item.assignee),
            "group": None if item.group is None else {"id": item.group.id,
                                                      "name": item.group.name},
            "actor": person(item.actor), "at": iso_utc(item.created_at)}
