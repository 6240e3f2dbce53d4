"""Managers transferring chats (to a person or a group, one or many), and closing a chat.

Both run under the routing lock with the chat's row re-read (and locked on PostgreSQL)
inside it, so of two managers racing on one chat exactly one wins, and the other is told
who got it. A chat that leaves someone may let a waiting chat go to them: the waiting line
runs before the transaction ends. Services flush; the caller commits.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, select

from ..db import lock_routing
from ..domain.capacity import in_activity
from ..domain.codes import ChatAction, ChatStatus, RoutingReason
from ..domain.group_transfer import transfer_to_group
from ..domain.permissions import chat_refusal
from ..domain.routing import GroupRef
from ..extensions import db
from ..formatting import moment
from ..models import Chat, Group, RoutingDecision, User, group_members
from ..wording import refusal_text
from .assignment import (
    active_pre_seller,
    load_people,
    locked_chat,
    online_now,
    reassign,
    routing_rules,
)
from .waiting_line import give_out_waiting


class TransferError(Exception):
    """A transfer or a close was refused; str() says why, for the person who tried."""


@dataclass(frozen=True)
class Refused:
    """A chat a bulk transfer left where it was, and why."""

    chat_id: int
    lead: str
    reason: str


@dataclass
class BulkResult:
    """What a bulk transfer did: the chats it moved, and those it refused with why."""

    moved: list[Chat] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


class _Target:
    """Where transfers go: one pre-seller, or a group whose available members with room
    take one chat each in turn (the tiebreaker, counting the chats given before)."""

    def __init__(self, to_user_id: int | None, to_group_id: int | None, now: datetime):
        self.now, self.user, self.group, self.team = now, None, None, {}
        if (to_user_id is None) == (to_group_id is None):
            raise TransferError(_("Pick the pre-seller or the group who should get the chat."))
        if to_user_id is not None:
            self.user = db.session.get(User, to_user_id)
            if self.user is None or not self.user.is_pre_seller or not self.user.active:
                raise TransferError(_("Pick an active pre-seller to transfer the chat to."))
            return
        group = db.session.get(Group, to_group_id)
        if group is None:
            raise TransferError(_("That group no longer exists; pick another."))
        self.group, self.rules = GroupRef(group.id, group.name), routing_rules()
        members = select(group_members.c.user_id).where(group_members.c.group_id == group.id)
        self.team = {person.id: person for person in load_people(
            now, self.rules, and_(active_pre_seller(), online_now(now), User.id.in_(members)),
            groups=[group.id])}

    def hand_over(self, chat: Chat, actor: User, note: str) -> None:
        """Give the chat to the person, or to the group's pick; refuse if nobody can take it."""
        source = chat.assignee.name if chat.assignee else None
        if self.user is not None:
            if self.user.id == chat.assignee_id:
                raise TransferError(_("This chat is already with %(name)s.",
                                      name=self.user.name))
            reassign(chat, self.user, reason=RoutingReason.MANUAL_TRANSFER, actor=actor,
                     note=note, now=self.now, facts={"case": "manual", "actor": actor.name,
                                                     "from": source, "to": self.user.name})
            return
        assert self.group is not None  # __init__ set the user or the group
        decision = transfer_to_group(group=self.group, people=list(self.team.values()),
                                     assignee_id=chat.assignee_id, actor_name=actor.name,
                                     source_name=source)
        if decision is None:
            raise TransferError(_("Nobody in %(group)s can take this chat now: no other member "
                                  "is available with room for another chat.",
                                  group=self.group.name))
        winner = db.session.get_one(User, decision.assignee_id)
        self._count(chat, winner.id)
        reassign(chat, winner, reason=decision.reason,
                 actor=actor, note=note, now=self.now, facts=decision.facts,
                 group_id=decision.group_id)

    def _count(self, chat: Chat, winner_id: int) -> None:
        """The group's members as they are once this chat moved (for the next pick)."""
        active = in_activity(chat.last_inbound_at, self.now, self.rules.activity_window_minutes)
        self.team[winner_id] = self.team[winner_id].given_chat(self.now, in_activity=active)
        previous = self.team.get(chat.assignee_id) if chat.assignee_id is not None else None
        if previous is not None:
            self.team[previous.id] = previous.lost_chat(in_activity=active)


def transfer_chat(*, chat_id: int, actor: User, expected_version: int | None, note: str,
                  now: datetime, to_user_id: int | None = None,
                  to_group_id: int | None = None) -> Chat:
    """A manager gives an open chat to an active pre-seller, or to a group (the tiebreaker
    picks among its available members with room); the new assignee becomes the lead's owner.

    `expected_version` is the chat's version when the dialog opened: if the chat changed
    since (transferred, expired, closed) the transfer is refused with what happened.
    None skips that check (the chat must still be open).
    """
    lock_routing(db.session)
    chat = _transferable(chat_id, actor, expected_version, now)
    _Target(to_user_id, to_group_id, now).hand_over(chat, actor, (note or "").strip())
    give_out_waiting(now)
    return chat


def bulk_transfer(*, chats: list[tuple[int, int]], actor: User, note: str, now: datetime,
                  to_user_id: int | None = None, to_group_id: int | None = None) -> BulkResult:
    """Transfer each (chat id, version the manager saw) to the person or the group.

    Each chat is checked on its own, against its own version: those that changed, closed,
    expired or found nobody in the group are refused with why, the others move.
    """
    if not chats:
        raise TransferError(_("Tick the chats to transfer first."))
    lock_routing(db.session)
    target, result = _Target(to_user_id, to_group_id, now), BulkResult()
    for chat_id, version in chats:
        try:
            chat = _transferable(chat_id, actor, version, now)
            target.hand_over(chat, actor, (note or "").strip())
        except TransferError as refusal:
            lead = db.session.scalar(select(Chat).where(Chat.id == chat_id))
            result.refused.append(Refused(chat_id, lead.lead.display_name if lead else "",
                                          str(refusal)))
        else:
            result.moved.append(chat)
    give_out_waiting(now)
    return result


def close_chat(chat: Chat, actor: User, now: datetime) -> Chat:
    """The assignee or a manager closes an open chat; the lead's next message opens a new one."""
    lock_routing(db.session)
    current = locked_chat(chat.id)
    if current is None:
        raise TransferError(_("This chat no longer exists."))
    _check_allowed(ChatAction.CLOSE, current, actor, now)
    current.status, current.closed_at = ChatStatus.CLOSED, now
    current.awaiting_reply = False
    current.version += 1
    db.session.flush()
    give_out_waiting(now)
    return current


def latest_decision(chat_id: int) -> RoutingDecision | None:
    """The chat's most recent routing decision."""
    return db.session.scalar(
        select(RoutingDecision).where(RoutingDecision.chat_id == chat_id)
        .order_by(RoutingDecision.created_at.desc(), RoutingDecision.id.desc()).limit(1))


def _transferable(chat_id: int, actor: User, expected_version: int | None,
                  now: datetime) -> Chat:
    """The chat, locked, if the actor may transfer it now and it is as they saw it."""
    chat = locked_chat(chat_id)
    if chat is None:
        raise TransferError(_("This chat no longer exists."))
    _check_allowed(ChatAction.TRANSFER, chat, actor, now)
    if expected_version is not None and chat.version != expected_version:
        raise TransferError(_changed_since(chat, now))
    return chat


def _check_allowed(action: ChatAction, chat: Chat, actor: User, now: datetime) -> None:
    """Refuse what the actor may not do to the chat as it is now, saying why."""
    refusal = chat_refusal(action, chat, actor, now)
    if refusal is not None:
        raise TransferError(refusal_text(action, refusal, chat, now))


# How a change by the system is told to a manager whose dialog was open meanwhile.
_MOVED_BECAUSE: dict[str, LazyString] = {
    RoutingReason.OFFLINE_TRANSFER: _l("This chat was moved to %(holder)s at %(moment)s "
                                       "because its owner went offline, while your dialog "
                                       "was open."),
    RoutingReason.WAITING_LINE: _l("This chat was moved to %(holder)s at %(moment)s from the "
                                   "waiting line, while your dialog was open."),
    RoutingReason.REASSIGNED: _l("This chat was moved to %(holder)s at %(moment)s because its "
                                 "pre-seller did not answer in time, while your dialog was "
                                 "open."),
}


def _changed_since(chat: Chat, now: datetime) -> str:
    """What happened to the chat while the manager's dialog was open: who has it now."""
    last = latest_decision(chat.id)
    holder = chat.assignee.name if chat.assignee else None
    moved = last if last is not None and holder is not None \
        and last.assignee_id == chat.assignee_id else None
    if moved is not None and moved.reason == RoutingReason.MANUAL_TRANSFER:
        when = moment(moved.created_at, now)
        if moved.actor is None:
            return _("Someone transferred this chat to %(holder)s at %(moment)s while your "
                     "dialog was open.", holder=holder, moment=when)
        return _("%(actor)s transferred this chat to %(holder)s at %(moment)s while your "
                 "dialog was open.", actor=moved.actor.name, holder=holder, moment=when)
    if moved is not None and moved.reason in _MOVED_BECAUSE:
        return str(_MOVED_BECAUSE[moved.reason] % {"holder": holder,
                                                   "moment": moment(moved.created_at, now)})
    if holder is None:
        return _("This chat changed while your dialog was open; it is now unassigned. Check "
                 "and try again.")
    return _("This chat changed while your dialog was open; it is now with %(holder)s. Check "
             "and try again.", holder=holder)
