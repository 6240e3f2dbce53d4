"""The read API's queries: pages of chats with their latest routing reason, whole chats."""
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain.codes import ChatStatus
from ..extensions import db
from ..models import Chat, Message, RoutingDecision, User
from .accounts import normalise_email

STATUSES = tuple(ChatStatus)


@dataclass(frozen=True)
class ChatQuery:
    """The API's filters and page."""

    status: str | None = None
    assignee_email: str | None = None
    unassigned: bool = False
    page: int = 1
    per_page: int = 25

    def query_args(self, **changes) -> dict:
        """The query as the API's URL arguments, defaults left out, with `changes` applied."""
        wanted, default = replace(self, **changes), ChatQuery()
        args = {}
        for name, attribute in (("page", "page"), ("per_page", "per_page"),
                                ("status", "status"), ("assignee", "assignee_email"),
                                ("unassigned", "unassigned")):
            value = getattr(wanted, attribute)
            if value != getattr(default, attribute):
                args[name] = int(value) if isinstance(value, bool) else value
        return args


def chat_page(query: ChatQuery) -> tuple[list[Chat], dict[int, str], bool]:
    """A page of chats, newest first, their latest routing reasons, and whether more follow."""
    stmt = select(Chat).options(joinedload(Chat.lead), joinedload(Chat.assignee),
                                joinedload(Chat.group))
    if query.status:
        stmt = stmt.where(Chat.status == query.status)
    if query.unassigned:
        stmt = stmt.where(Chat.assignee_id.is_(None))
    if query.assignee_email:
        assignee_id = db.session.scalar(
            select(User.id).where(User.email == normalise_email(query.assignee_email)))
        if assignee_id is None:
            return [], {}, False
        stmt = stmt.where(Chat.assignee_id == assignee_id)
    stmt = (stmt.order_by(Chat.id.desc()).offset((query.page - 1) * query.per_page)
            .limit(query.per_page + 1))
    chats = list(db.session.scalars(stmt))
    has_next = len(chats) > query.per_page
    chats = chats[:query.per_page]
    return chats, latest_reasons([chat.id for chat in chats]), has_next


def latest_reasons(chat_ids: list[int]) -> dict[int, str]:
    """Each chat's latest routing reason, in one query whatever the number of chats."""
    if not chat_ids:
        return {}
    latest = (select(func.max(RoutingDecision.id)).where(RoutingDecision.chat_id.in_(chat_ids))
              .group_by(RoutingDecision.chat_id))
    rows = db.session.execute(select(RoutingDecision.chat_id, RoutingDecision.reason)
                              .where(RoutingDecision.id.in_(latest)))
    return dict(rows.tuples().all())


def chat_messages(chat_id: int) -> list[Message]:
    """Every message of a chat in the order it was sent."""
    return list(db.session.scalars(
        select(Message).options(joinedload(Message.sender)).where(Message.chat_id == chat_id)
        .order_by(Message.sent_at, Message.id)))
