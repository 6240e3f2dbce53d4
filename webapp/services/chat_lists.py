"""The chat lists people work from: a pre-seller's inbox and the managers' chat list.

Every list is one indexed query with its lead, assignee and group eager-loaded, so the
number of statements never grows with the number of chats. Each list also has a
fingerprint, so a polling browser learns cheaply that nothing changed.
"""
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, literal, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload

from ..domain.codes import ChatStatus, Presence
from ..domain.inputs import parse_id
from ..domain.search import digits, folded
from ..extensions import db
from ..models import PRE_SELLER, Chat, Group, Lead, User
from .accounts import user_presence

# A pre-seller's inbox shows at most this many open chats (the most urgent ones).
INBOX_LIMIT = 300
TELEPHONY_PAGE_SIZE = 50
# The managers' views of the chat list, by their label.
VIEWS = {
    "open": _l("Open"),
    "unassigned": _l("Unassigned"),
    "awaiting": _l("Awaiting reply"),
    "expired": _l("Expired"),
    "closed": _l("Closed"),
    "all": _l("All"),
}


def digest(*parts) -> str:
    """A short, stable fingerprint of some values."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def inbox_chats(user_id: int) -> list[Chat]:
    """A pre-seller's open chats: awaiting a reply first, then by latest activity."""
    stmt = (select(Chat).options(joinedload(Chat.lead))
            .where(Chat.assignee_id == user_id, Chat.status == ChatStatus.OPEN)
            .order_by(Chat.awaiting_reply.desc(), Chat.last_message_at.desc(), Chat.id.desc())
            .limit(INBOX_LIMIT))
    return list(db.session.scalars(stmt))


def inbox_fingerprint(user_id: int) -> str:
    """Changes whenever the inbox would look different: one aggregate over an index."""
    row = db.session.execute(
        select(func.count(Chat.id), func.sum(Chat.id), func.sum(Chat.version),
               func.max(Chat.last_message_at), func.sum(Chat.unread_count),
               func.sum(case((Chat.awaiting_reply.is_(True), 1), else_=0)))
        .where(Chat.assignee_id == user_id, Chat.status == ChatStatus.OPEN)).one()
    return digest("inbox", *row)


def unread_total(chats: list[Chat]) -> int:
    """Unread messages across the given chats (for the tab title)."""
    return sum(chat.unread_count for chat in chats)


@dataclass(frozen=True)
class ChatFilter:
    """What the managers' chat list shows: a view, an assignee, a group, a search."""

    view: str = "open"
    assignee_id: int | None = None
    group_id: int | None = None
    search: str = ""

    def query_args(self) -> dict:
        """The filter as URL query arguments (defaults left out)."""
        args = {"view": self.view if self.view != "open" else None,
                "assignee": self.assignee_id, "group": self.group_id,
                "q": self.search or None}
        return {key: value for key, value in args.items() if value is not None}


@dataclass(frozen=True)
class Cursor:
    """A keyset position in the list: the last_message_at and id of a row."""

    at: datetime
    chat_id: int
    older: bool = True  # True: rows after it in the list; False: rows before it

    def token(self) -> str:
        """The cursor as a URL-safe string."""
        return f"{self.at.isoformat()}_{self.chat_id}"

    @classmethod
    def parse(cls, token: str | None, older: bool) -> "Cursor | None":
        """Read a cursor token; a damaged one is ignored (first page)."""
        if not token or "_" not in token:
            return None
        at, _, raw_id = token.rpartition("_")
        chat_id = parse_id(raw_id)
        try:
            return cls(datetime.fromisoformat(at), chat_id, older) if chat_id else None
        except ValueError:
            return None


@dataclass
class ChatPage:
    """One page of the managers' chat list, with its neighbours' cursors."""

    chats: list[Chat]
    newer: Cursor | None = None
    older: Cursor | None = None
    fingerprint: str = ""
    presence: dict[int, Presence] = field(default_factory=dict)


def _filtered(filters: ChatFilter) -> Select:
    """The list query for a filter, lead joined for searching and eager-loading."""
    stmt = (select(Chat).join(Lead, Chat.lead_id == Lead.id)
            .options(contains_eager(Chat.lead), joinedload(Chat.assignee),
                     joinedload(Chat.group)))
    if filters.view == "unassigned":
        stmt = stmt.where(Chat.status == ChatStatus.OPEN, Chat.assignee_id.is_(None))
    elif filters.view == "awaiting":
        stmt = stmt.where(Chat.status == ChatStatus.OPEN, Chat.awaiting_reply.is_(True))
    elif filters.view in tuple(ChatStatus):
        # The views named after a status show the chats in it.
        stmt = stmt.where(Chat.status == ChatStatus(filters.view))
    if filters.assignee_id is not None:
        stmt = stmt.where(Chat.assignee_id == filters.assignee_id)
    if filters.group_id is not None:
        stmt = stmt.where(Chat.group_id == filters.group_id)
    if filters.search:
        stmt = stmt.where(_search_clause(filters.search))
    return stmt


def _search_clause(search: str):
    """The lead's name holds the words typed, whatever their case and accents, or its number
    holds the digits typed, however they were written (+55 (11) 9…, 11 9…)."""
    clause = Lead.search_text.contains(folded(search), autoescape=True)
    typed = digits(search)
    if typed:
        clause = clause | Lead.search_text.contains(typed, autoescape=True)
    return clause


def telephony_page(filters: ChatFilter, cursor: Cursor | None, now: datetime,
                   size: int = TELEPHONY_PAGE_SIZE) -> ChatPage:
    """One page of chats, latest activity first, by keyset (stays fast at any depth)."""
    key = tuple_(Chat.last_message_at, Chat.id)
    stmt = _filtered(filters)
    if cursor is None or cursor.older:
        if cursor is not None:
            stmt = stmt.where(key < tuple_(literal(cursor.at), literal(cursor.chat_id)))
        stmt = stmt.order_by(Chat.last_message_at.desc(), Chat.id.desc())
    else:
        stmt = stmt.where(key > tuple_(literal(cursor.at), literal(cursor.chat_id)))
        stmt = stmt.order_by(Chat.last_message_at.asc(), Chat.id.asc())
    rows = list(db.session.scalars(stmt.limit(size + 1)).unique())
    more = len(rows) > size
    rows = rows[:size]
    if cursor is not None and not cursor.older:
        rows.reverse()
    page = ChatPage(rows)
    if rows:
        first, last = rows[0], rows[-1]
        has_newer = cursor is not None and (cursor.older or more)
        has_older = more if cursor is None or cursor.older else True
        page.newer = Cursor(first.last_message_at, first.id, older=False) if has_newer else None
        page.older = Cursor(last.last_message_at, last.id) if has_older else None
    page.presence = {user.id: user_presence(user, now)
                   for user in {chat.assignee for chat in rows if chat.assignee}}
    page.fingerprint = digest("page", [(c.id, c.version, c.status, c.last_message_at,
                                        c.unread_count, c.awaiting_reply, c.assignee_id)
                                       for c in rows], sorted(page.presence.items()))
    return page


def unassigned_waiting_count() -> int:
    """Open chats nobody owns whose lead waits for an answer (the managers' tab title)."""
    return db.session.scalar(
        select(func.count(Chat.id)).where(Chat.assignee_id.is_(None),
                                          Chat.status == ChatStatus.OPEN,
                                          Chat.awaiting_reply.is_(True))) or 0


def filter_choices() -> tuple[Sequence[tuple[int, str]], Sequence[tuple[int, str]]]:
    """(id, name) of the pre-sellers and of the groups to filter by: two small queries."""
    people = db.session.execute(select(User.id, User.name).where(User.role == PRE_SELLER)
                                .order_by(User.name, User.id)).tuples().all()
    groups = db.session.execute(select(Group.id, Group.name).order_by(Group.name)).tuples().all()
    return people, groups
