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
# Details name at most this many people, so a big team's tie stays one readable line.
_NAMES_SHOWN = 3


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
    """Where a chat goes and why, in words a manager can read."""

    reason: RoutingReason
    assignee_id: int | None
    group_id: int | None
    detail: str


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
    preface = ""
    if owner_id is not None:
        who = f"Owner {owner.name}" if owner else "The lead's owner"
        preface = f"{who} can no longer receive chats, so new-lead rules apply. "
    return _new_lead(people, rules, preface)


def offline_transfer(*, owner_id: int | None, people: Sequence[PreSeller], rules: Rules,
                     why: str) -> Decision | None:
    """Offline parent chat transfer: an online member of the transfer group, by tiebreaker.

    None when the option is off or nobody in the group is online (the owner keeps it).
    `why` opens the detail (what made the transfer necessary).
    """
    if not rules.offline_transfer or rules.transfer_group is None:
        return None
    pool = transfer_pool(people, rules, owner_id)
    winner = pick(pool)
    if winner is None:
        return None
    group = rules.transfer_group
    return Decision(RoutingReason.OFFLINE_TRANSFER, winner.id, group.id,
                    f"{why}; offline parent chat transfer to {group.name}: "
                    f"{explain_pick(winner, pool, f'online member of {group.name}')}.")


def explain_pick(winner: PreSeller, pool: Sequence[PreSeller], noun: str) -> str:
    """'3 online pre-sellers eligible; Ana had the fewest chats in activity (1)'."""
    head = f"{_count(len(pool), noun)} eligible"
    if len(pool) == 1:
        return f"{head}: {winner.name}"
    return f"{head}; {_why_tiebreak(winner, pool)}"


def _returning_lead(owner: PreSeller, people: Sequence[PreSeller], rules: Rules) -> Decision:
    """Back to the owner, unless the owner is offline and offline transfer finds someone."""
    if owner.online:
        return Decision(RoutingReason.OWNER, owner.id, None,
                        f"Returning lead: back to its owner {owner.name} (online).")
    moved = offline_transfer(owner_id=owner.id, people=people, rules=rules,
                             why=f"Returning lead; its owner {owner.name} is offline")
    if moved is not None:
        return moved
    if rules.offline_transfer and rules.transfer_group is not None:
        return Decision(RoutingReason.OWNER, owner.id, None,
                        f"Returning lead; its owner {owner.name} is offline and nobody in "
                        f"{rules.transfer_group.name} is online, so {owner.name} keeps it.")
    return Decision(RoutingReason.OWNER, owner.id, None,
                    f"Returning lead: back to its owner {owner.name} (offline).")


def _new_lead(people: Sequence[PreSeller], rules: Rules, preface: str) -> Decision:
    """Distribution among the eligible, else the alternates, else unassigned."""
    pool = eligible(people, rules)
    winner = pick(pool)
    group = delivery_group(winner, rules) if winner is not None else None
    if winner is not None and rules.mode == GROUPS_MODE and group is not None:
        noun = f"online pre-seller in {_group_names(rules)}"
        return Decision(RoutingReason.GROUP, winner.id, group.id,
                        f"{preface}{explain_pick(winner, pool, noun)}; "
                        f"delivered through {group.name}.")
    if winner is not None:
        return Decision(RoutingReason.DISTRIBUTION, winner.id, None,
                        f"{preface}{explain_pick(winner, pool, 'online pre-seller')}.")
    nobody = _nobody_eligible(rules, len(_distributable(people, rules)))
    alternates = alternate_pool(people, rules)
    winner = pick_alternate(alternates)
    if winner is not None:
        return Decision(RoutingReason.ALTERNATE, winner.id, None,
                        f"{preface}{nobody}; {_explain_alternate(winner, alternates)}.")
    full = any(p.active and p.id in rules.alternate_ids for p in people)
    none_left = ("every alternate recipient is at their limit of open chats" if full
                 else "there is no active alternate recipient")
    return Decision(RoutingReason.UNASSIGNED, None, None,
                    f"{preface}{nobody} and {none_left}; the chat waits for a manager.")


def _explain_alternate(winner: PreSeller, pool: Sequence[PreSeller]) -> str:
    """Alternates: how many are online, then the tiebreaker among the winner's kind."""
    online = [p for p in pool if p.online]
    head = f"{_count(len(pool), 'alternate recipient')}, {len(online) or 'none'} online"
    if not winner.online:
        head += f"; {winner.name} gets it while offline"
    kind = online if winner.online else pool
    if len(kind) == 1:
        return f"{head}: {winner.name}" if winner.online else head
    return f"{head}; {_why_tiebreak(winner, kind)}"


def _why_tiebreak(winner: PreSeller, pool: Sequence[PreSeller]) -> str:
    """Which step of the tiebreaker decided, naming who tied."""
    count = winner.chats_in_activity
    same_count = [p for p in pool if p.chats_in_activity == count]
    if len(same_count) == 1:
        return f"{winner.name} had the fewest chats in activity ({count})"
    chats = _count(count, "chat")
    same_time = [p for p in same_count if p.last_assigned_at == winner.last_assigned_at]
    if len(same_time) == 1:
        return f"{_names(same_count, winner)} tied at {chats} in activity; {_recency(winner)}"
    shared = ("were never given a new chat" if winner.last_assigned_at is None
              else f"were last given a new chat at {_when(winner.last_assigned_at)}")
    return (f"{_names(same_time, winner)} tied at {chats} in activity and {shared}; "
            f"{winner.name} has the lowest user id")


def _recency(winner: PreSeller) -> str:
    """Why the winner of a tie on chats in activity came first."""
    if winner.last_assigned_at is None:
        return f"{winner.name} was never given a new chat"
    return (f"{winner.name} was given a new chat least recently "
            f"({_when(winner.last_assigned_at)})")


def _nobody_eligible(rules: Rules, full: int) -> str:
    """Why distribution found nobody, in the words of the chosen mode.

    `full` online pre-sellers of the mode were passed over, being at their limit.
    """
    where = f" in {_group_names(rules)}" if rules.mode == GROUPS_MODE else ""
    if rules.mode == GROUPS_MODE and not rules.groups:
        return "No group is selected for distribution"
    if full:
        return (f"Every online pre-seller{where} is at their limit of open chats "
                f"({_count(full, 'pre-seller')})")
    return f"No online pre-seller{where} is available"


def _group_names(rules: Rules) -> str:
    """The selected groups' names, in order."""
    return ", ".join(group.name for group in rules.groups)


def _names(people: Sequence[PreSeller], first: PreSeller) -> str:
    """'Ana, Bruno and 4 others', the winner first."""
    names = [first.name] + [p.name for p in people if p.id != first.id]
    if len(names) > _NAMES_SHOWN:
        rest = len(names) - _NAMES_SHOWN + 1
        names = names[:_NAMES_SHOWN - 1] + [f"{rest} others"]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _count(n: int, noun: str) -> str:
    """'1 chat', '2 chats', '3 online pre-sellers in Sales' (the first word is pluralized)."""
    if n == 1:
        return f"1 {noun}"
    words = noun.split(" ")
    # Pluralize the noun itself: the last word before a trailing "in/of …" phrase.
    cut = next((i for i, w in enumerate(words) if i and w in ("in", "of")), len(words))
    words[cut - 1] += "s"
    return f"{n} {' '.join(words)}"


def _when(at: datetime) -> str:
    """A last-assignment time for a detail line, in UTC."""
    return f"{at:%Y-%m-%d %H:%M} UTC"
