"""Who gets a lead's chat: continuation, owners, distribution, alternates, offline transfer.

Pure rules over plain values. The routing service loads the values (pre-sellers with their
presence, open chats and chats in activity) with a few set-based queries and applies the
decision. A decision changes nothing but its result: `PreSeller.given_chat` says what it
did to the winner, so decisions can be applied one after another in memory.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from .capacity import has_room
from .codes import RoutingReason
from .settings_rules import GROUPS_MODE, ONLINE_MODE, Tunables
from .window import is_open

# "Never given a chat" sorts before any real time.
_NEVER = datetime.min.replace(tzinfo=UTC)
# A tie keeps this many names (the winner first), so a big team's tie stays a short fact;
# the count of everyone who tied is kept beside them.
NAMES_KEPT = 3


@dataclass(frozen=True)
class GroupRef:
    """A group as routing sees it."""

    id: int
    name: str


@dataclass(frozen=True)
class PreSeller:
    """What routing knows about a pre-seller at the moment of the decision."""

    id: int
    name: str
    online: bool
    chats_in_activity: int = 0
    last_assigned_at: datetime | None = None
    # An active pre-seller; deactivated users (or ones no longer pre-sellers) get no chats.
    active: bool = True
    group_ids: frozenset[int] = frozenset()
    open_chats: int = 0
    # Their maximum of open chats (their own, else the team's); None = no limit.
    limit: int | None = None

    @property
    def has_room(self) -> bool:
        """Below their limit of open chats, so they may be given another (always, without one)."""
        return has_room(self.open_chats, self.limit)

    def given_chat(self, now: datetime, *, in_activity: bool) -> "PreSeller":
        """Who they are once given one more open chat at `now` (in activity or not)."""
        return replace(self, open_chats=self.open_chats + 1, last_assigned_at=now,
                       chats_in_activity=self.chats_in_activity + in_activity)

    def lost_chat(self, *, in_activity: bool) -> "PreSeller":
        """Who they are once one of their open chats went to someone else."""
        return replace(self, open_chats=max(self.open_chats - 1, 0),
                       chats_in_activity=max(self.chats_in_activity - in_activity, 0))


@dataclass(frozen=True, kw_only=True)
class Rules(Tunables):
    """The distribution settings that routing applies, the tunables included."""

    mode: str = ONLINE_MODE
    groups: tuple[GroupRef, ...] = ()
    alternate_ids: frozenset[int] = frozenset()
    offline_transfer: bool = False
    transfer_group: GroupRef | None = None


@dataclass(frozen=True)
class Decision:
    """Where a chat goes and why: the reason code and the facts behind it.

    `facts` holds plain, JSON-ready values (names, counts, ISO 8601 times), never sentences:
    each page words them in its reader's language (webapp.decision_text).
    """

    reason: RoutingReason
    assignee_id: int | None
    group_id: int | None
    facts: dict


def is_continuation(has_open_chat: bool, window_expires_at: datetime | None,
                    now: datetime) -> bool:
    """A message joins the lead's open chat while its response window is still open.

    An open chat whose window has passed (the expiry job has not run yet) is expired first,
    and the message opens a new chat.
    """
    return has_open_chat and is_open(window_expires_at, now)


def tiebreak_key(person: PreSeller) -> tuple:
    """Fewest chats in activity, then given a new chat least recently (never first), then id."""
    return person.chats_in_activity, person.last_assigned_at or _NEVER, person.id


def pick(pool: Iterable[PreSeller]) -> PreSeller | None:
    """The tiebreaker's choice among the pool, or None when it is empty."""
    return min(pool, key=tiebreak_key, default=None)


def eligible(people: Iterable[PreSeller], rules: Rules) -> list[PreSeller]:
    """Online, active pre-sellers with room; in group mode, members of a selected group."""
    return [p for p in _distributable(people, rules) if p.has_room]


def _distributable(people: Iterable[PreSeller], rules: Rules) -> list[PreSeller]:
    """Who the distribution mode names, room or not: online, active, in a selected group."""
    pool = [p for p in people if p.active and p.online]
    if rules.mode == GROUPS_MODE:
        selected = {group.id for group in rules.groups}
        pool = [p for p in pool if p.group_ids & selected]
    return pool


def delivery_group(person: PreSeller, rules: Rules) -> GroupRef | None:
    """The first selected group (in the settings' order) the pre-seller belongs to."""
    return next((group for group in rules.groups if group.id in person.group_ids), None)


def alternate_pool(people: Iterable[PreSeller], rules: Rules) -> list[PreSeller]:
    """The active alternate new chat recipients with room, online or not."""
    return [p for p in people if p.active and p.id in rules.alternate_ids and p.has_room]


def pick_alternate(pool: Iterable[PreSeller]) -> PreSeller | None:
    """Online alternates first, then the tiebreaker; an offline one is still chosen."""
    return min(pool, key=lambda p: (not p.online, *tiebreak_key(p)), default=None)


def transfer_pool(people: Iterable[PreSeller], rules: Rules,
                  owner_id: int | None) -> list[PreSeller]:
    """Online, active members of the offline-transfer group with room, other than the owner."""
    if rules.transfer_group is None:
        return []
    return members_with_room(people, rules.transfer_group, exclude_id=owner_id)


def members_with_room(people: Iterable[PreSeller], group: GroupRef,
                      exclude_id: int | None = None) -> list[PreSeller]:
    """The group's online, active members below their limit, but the one excluded."""
    return [p for p in people if p.active and p.online and p.has_room and p.id != exclude_id
            and group.id in p.group_ids]


def route_new_chat(*, owner_id: int | None, people: Sequence[PreSeller],
                   rules: Rules) -> Decision:
    """Decide who gets the new chat of a lead with no open chat.

    `people` holds every pre-seller the decision may need: the online ones, the alternate
    recipients and the lead's owner (whatever their state).
    """
    owner = next((p for p in people if p.id == owner_id), None) if owner_id else None
    if owner is not None and owner.active:
        return _returning_lead(owner, people, rules)
    facts = {}
    if owner_id is not None:  # the owner left the team or became a manager
        facts["owner_gone"] = {"owner": owner.name if owner else None}
    return _new_lead(people, rules, facts)


def offline_transfer(*, owner_id: int | None, people: Sequence[PreSeller], rules: Rules,
                     trigger: dict) -> Decision | None:
    """Offline parent chat transfer: an online member of the transfer group, by tiebreaker.

    None when the option is off or nobody in the group is online (the owner keeps it).
    `trigger` says what made the transfer necessary (facts of its own).
    """
    if not rules.offline_transfer or rules.transfer_group is None:
        return None
    pool = transfer_pool(people, rules, owner_id)
    winner = pick(pool)
    if winner is None:
        return None
    group = rules.transfer_group
    return Decision(RoutingReason.OFFLINE_TRANSFER, winner.id, group.id,
                    {"case": "offline_transfer", **trigger, "group": group.name,
                     "pick": pick_facts(winner, pool)})


def pick_facts(winner: PreSeller, pool: Sequence[PreSeller]) -> dict:
    """How the tiebreaker chose `winner` among `pool`: its size, and the tie if one was broken."""
    facts = {"size": len(pool), "winner": winner.name}
    if len(pool) > 1:
        facts["tie"] = tie_facts(winner, pool)
    return facts


def _returning_lead(owner: PreSeller, people: Sequence[PreSeller], rules: Rules) -> Decision:
    """Back to the owner, unless the owner is offline and offline transfer finds someone."""
    if owner.online:
        return Decision(RoutingReason.OWNER, owner.id, None,
                        {"case": "owner_online", "owner": owner.name})
    moved = offline_transfer(owner_id=owner.id, people=people, rules=rules,
                             trigger={"trigger": "returning_lead", "owner": owner.name})
    if moved is not None:
        return moved
    if rules.offline_transfer and rules.transfer_group is not None:
        return Decision(RoutingReason.OWNER, owner.id, None,
                        {"case": "owner_kept", "owner": owner.name,
                         "group": rules.transfer_group.name})
    return Decision(RoutingReason.OWNER, owner.id, None,
                    {"case": "owner_offline", "owner": owner.name})


def _new_lead(people: Sequence[PreSeller], rules: Rules, facts: dict) -> Decision:
    """Distribution among the eligible, else the alternates, else unassigned."""
    pool = eligible(people, rules)
    winner = pick(pool)
    group = delivery_group(winner, rules) if winner is not None else None
    if winner is not None and rules.mode == GROUPS_MODE and group is not None:
        return Decision(RoutingReason.GROUP, winner.id, group.id,
                        {"case": "group", **facts, "groups": _group_names(rules),
                         "group": group.name, "pick": pick_facts(winner, pool)})
    if winner is not None:
        return Decision(RoutingReason.DISTRIBUTION, winner.id, None,
                        {"case": "distribution", **facts, "pick": pick_facts(winner, pool)})
    facts.update(_nobody_eligible(rules, len(_distributable(people, rules))))
    alternates = alternate_pool(people, rules)
    winner = pick_alternate(alternates)
    if winner is not None:
        return Decision(RoutingReason.ALTERNATE, winner.id, None,
                        {"case": "alternate", **facts,
                         "alternates": _alternate_facts(winner, alternates)})
    if any(p.active and p.id in rules.alternate_ids for p in people):
        facts["alternates_full"] = True  # there are some, every one at their limit
    return Decision(RoutingReason.UNASSIGNED, None, None, {"case": "unassigned", **facts})


def _alternate_facts(winner: PreSeller, pool: Sequence[PreSeller]) -> dict:
    """Alternates: how many, how many online, whether the winner was, and the tie among the
    winner's kind (online ones first)."""
    online = [p for p in pool if p.online]
    kind = online if winner.online else pool
    facts = {"size": len(pool), "online": len(online), "winner": winner.name,
             "winner_online": winner.online}
    if len(kind) > 1:
        facts["tie"] = tie_facts(winner, kind)
    return facts


def tie_facts(winner: PreSeller, pool: Sequence[PreSeller]) -> dict:
    """Which step of the tiebreaker decided, who tied (at most a few names) and on what."""
    count = winner.chats_in_activity
    same_count = [p for p in pool if p.chats_in_activity == count]
    if len(same_count) == 1:
        return {"step": "fewest_chats", "chats": count}
    same_time = [p for p in same_count if p.last_assigned_at == winner.last_assigned_at]
    tied = same_count if len(same_time) == 1 else same_time
    return {"step": "least_recent" if len(same_time) == 1 else "lowest_id", "chats": count,
            "tied": _names(tied, winner), "tied_count": len(tied),
            "last_assigned_at": _when(winner.last_assigned_at)}


def _nobody_eligible(rules: Rules, full: int) -> dict:
    """Why distribution found nobody, in the terms of the chosen mode; `full` online
    pre-sellers of the mode were passed over, being at their limit of open chats."""
    if rules.mode == GROUPS_MODE and not rules.groups:
        return {"nobody": "no_groups"}
    facts: dict[str, object] = {"nobody": "online"} if rules.mode != GROUPS_MODE else \
        {"nobody": "groups", "groups": _group_names(rules)}
    if full:
        facts["full"] = full
    return facts


def _group_names(rules: Rules) -> list[str]:
    """The selected groups' names, in order."""
    return [group.name for group in rules.groups]


def _names(people: Sequence[PreSeller], first: PreSeller) -> list[str]:
    """The names of who tied, the winner first: a few, enough to say 'and 4 others'."""
    names = [first.name] + [p.name for p in people if p.id != first.id]
    return names[:NAMES_KEPT]


def _when(at: datetime | None) -> str | None:
    """A time as a fact: ISO 8601 in UTC (None for never)."""
    return at.astimezone(UTC).isoformat() if at else None
