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
from sqlalchemy import Select, and_, case, func, literal, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload

from ..db import UTCDateTime
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
# How the managers' list may be ordered. Views of work still to do default to waiting
# longest first; closed, expired and all chats to latest activity (WAITING_VIEWS).
SORTS = {
    "waiting": _l("Waiting longest"),
    "window": _l("Window ends soonest"),
    "activity": _l("Latest activity"),
}
WAITING_VIEWS = ("open", "unassigned", "awaiting")


def digest(*parts) -> str:
    """A short, stable fingerprint of some values."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


# An open chat whose lead waits for an answer, and since when: the lead's first unanswered
# message (chats stored before that was kept count from their latest inbound message).
_AWAITING = and_(Chat.status == ChatStatus.OPEN, Chat.awaiting_reply.is_(True))
_WAITING_SINCE = func.coalesce(Chat.awaiting_since, Chat.last_inbound_at, Chat.opened_at)


def inbox_chats(user_id: int) -> list[Chat]:
    """A pre-seller's open chats: awaiting a reply first, longest waiting first; then the
    answered ones by latest activity."""
    stmt = (select(Chat).options(joinedload(Chat.lead))
            .where(Chat.assignee_id == user_id, Chat.status == ChatStatus.OPEN)
            .order_by(Chat.awaiting_reply.desc(),
                      case((Chat.awaiting_reply.is_(True), _WAITING_SINCE)).asc(),
                      Chat.last_message_at.desc(), Chat.id.desc())
            .limit(INBOX_LIMIT))
    return list(db.session.scalars(stmt))


def expired_inbox_chats(user_id: int, limit: int = INBOX_LIMIT) -> list[Chat]:
    """A pre-seller's expired chats, latest activity first: a template can revive them."""
    stmt = (select(Chat).options(joinedload(Chat.lead))
            .where(Chat.assignee_id == user_id, Chat.status == ChatStatus.EXPIRED)
            .order_by(Chat.last_message_at.desc(), Chat.id.desc())
            .limit(limit))
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
    sort: str = ""  # one of SORTS; "" is the view's default

    @property
    def order(self) -> str:
        """The order the list is in: the one asked for, else the view's default."""
        if self.sort in SORTS:
            return self.sort
        return "waiting" if self.view in WAITING_VIEWS else "activity"

    def query_args(self) -> dict:
        """The filter as URL query arguments (defaults left out)."""
        args = {"view": self.view if self.view != "open" else None,
                "assignee": self.assignee_id, "group": self.group_id,
                "q": self.search or None, "sort": self.sort or None}
        return {key: value for key, value in args.items() if value is not None}


@dataclass(frozen=True)
class Cursor:
    """A keyset position in the list: a row's sort moment and id, and for the waiting order
    whether it awaits a reply (rank 0) or not (1)."""

    at: datetime
    chat_id: int
    older: bool = True  # True: rows after it in the list; False: rows before it
    rank: int | None = None

    def token(self) -> str:
        """The cursor as a URL-safe string."""
        rank = "" if self.rank is None else f"{self.rank}~"
        return f"{rank}{self.at.isoformat()}_{self.chat_id}"

    @classmethod
    def parse(cls, token: str | None, older: bool) -> "Cursor | None":
        """Read a cursor token; a damaged one is ignored (first page)."""
        if not token or "_" not in token:
            return None
        rank, _, token = token.rpartition("~")
        at, _, raw_id = token.rpartition("_")
        chat_id = parse_id(raw_id)
        if rank not in ("", "0", "1") or not chat_id:
            return None
        try:
            return cls(datetime.fromisoformat(at), chat_id, older, int(rank) if rank else None)
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


# The waiting order: chats awaiting a reply first, longest waiting first; then the others
# by when their window ends. All keys ascending, so one row comparison pages through them.
_RANK = case((_AWAITING, 0), else_=1)
_WAITING_MOMENT = case((_AWAITING, _WAITING_SINCE),
                       else_=func.coalesce(Chat.window_expires_at, Chat.opened_at))


def _sort_keys(order: str) -> tuple[list, bool]:
    """The list's keyset columns for an order, and whether they run descending."""
    if order == "waiting":
        return [_RANK, _WAITING_MOMENT, Chat.id], False
    if order == "window":
        return [func.coalesce(Chat.window_expires_at, Chat.opened_at), Chat.id], False
    return [Chat.last_message_at, Chat.id], True


def _row_cursor(chat: Chat, order: str, older: bool, now: datetime) -> Cursor:
    """The cursor just at a row, read from the row itself (no extra query)."""
    if order == "waiting":
        waiting = chat.status == ChatStatus.OPEN and chat.awaiting_reply
        since = chat.awaiting_since or chat.last_inbound_at or chat.opened_at
        at = since if waiting else chat.window_expires_at or chat.opened_at
        return Cursor(at, chat.id, older, 0 if waiting else 1)
    if order == "window":
        return Cursor(chat.window_expires_at or chat.opened_at, chat.id, older)
    return Cursor(chat.last_message_at or now, chat.id, older)


def _keyset(stmt: Select, order: str, cursor: Cursor | None) -> Select:
    """The query ordered for the list, past the cursor (either way) when there is one."""
    columns, descending = _sort_keys(order)
    forward = cursor is None or cursor.older
    if cursor is not None:
        values = [literal(cursor.at, UTCDateTime()), literal(cursor.chat_id)]
        if order == "waiting":
            values.insert(0, literal(cursor.rank or 0))
        key, position = tuple_(*columns), tuple_(*values)
        stmt = stmt.where(key < position if descending == forward else key > position)
    return stmt.order_by(*[column.desc() if descending == forward else column.asc()
                           for column in columns])


def telephony_page(filters: ChatFilter, cursor: Cursor | None, now: datetime,
                   size: int = TELEPHONY_PAGE_SIZE) -> ChatPage:
    """One page of chats in the filter's order, by keyset (stays fast at any depth)."""
    order = filters.order
    stmt = _keyset(_filtered(filters), order, cursor)
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
        page.newer = _row_cursor(first, order, False, now) if has_newer else None
        page.older = _row_cursor(last, order, True, now) if has_older else None
    page.presence = {user.id: user_presence(user, now)
                   for user in {chat.assignee for chat in rows if chat.assignee}}
    page.fingerprint = digest("page", [(c.id, c.version, c.status, c.last_message_at,
                                        c.unread_count, c.awaiting_reply, c.assignee_id)
                                       for c in rows], sorted(page.presence.items()))
    return page


def view_counts() -> dict[str, int]:
    """How many chats the views of work to do show (open, unassigned, awaiting a reply) and
    the unassigned ones awaiting an answer (the tab title): one aggregate over the open chats
    only, so it stays cheap however many closed and expired chats pile up (those views show
    no count)."""
    def count(condition):
        """How many open chats meet the condition."""
        return func.sum(case((condition, 1), else_=0))
    row = db.session.execute(
        select(func.count(Chat.id), count(Chat.assignee_id.is_(None)),
               count(Chat.awaiting_reply.is_(True)),
               count(and_(Chat.awaiting_reply.is_(True), Chat.assignee_id.is_(None))))
        .where(Chat.status == ChatStatus.OPEN)).one()
    return {name: int(value or 0)
            for name, value in zip((*WAITING_VIEWS, "waiting"), row, strict=True)}


def filter_choices() -> tuple[Sequence[tuple[int, str]], Sequence[tuple[int, str]]]:
    """(id, name) of the pre-sellers and of the groups to filter by: two small queries."""
    people = db.session.execute(select(User.id, User.name).where(User.role == PRE_SELLER)
                                .order_by(User.name, User.id)).tuples().all()
    groups = db.session.execute(select(Group.id, Group.name).order_by(Group.name)).tuples().all()
    return people, groups
