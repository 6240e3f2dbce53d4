"""The team's quick replies: kept by managers, offered in every reply box with {lead} and
{me} filled in. Services flush; the caller commits."""
from sqlalchemy import select

from ..domain.inputs import normalize_name
from ..domain.quick_replies import expand
from ..extensions import db
from ..models import Chat, QuickReply, User


def all_quick_replies() -> list[QuickReply]:
    """Every quick reply, by title."""
    return list(db.session.scalars(select(QuickReply).order_by(QuickReply.title,
                                                               QuickReply.id)))


def save_quick_reply(quick_reply: QuickReply | None, *, title: str, text: str) -> QuickReply:
    """Create (quick_reply None) or change a quick reply; the form has checked both fields."""
    if quick_reply is None:
        quick_reply = QuickReply()
        db.session.add(quick_reply)
    quick_reply.title, quick_reply.text = normalize_name(title), text.strip()
    db.session.flush()
    return quick_reply


def delete_quick_reply(quick_reply: QuickReply) -> None:
    """Remove a quick reply from the team's list."""
    db.session.delete(quick_reply)
    db.session.flush()


def quick_replies_for(chat: Chat, writer: User) -> list[dict]:
    """The list the reply box offers: each title and its text as it will be inserted."""
    return [{"id": item.id, "title": item.title,
             "text": expand(item.text, lead=chat.lead.display_name, me=writer.name)}
            for item in all_quick_replies()]
