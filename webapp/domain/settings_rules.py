"""The rules a manager's WhatsApp Business settings must follow (pure: no Flask, no database).

`Tunables` is the one table of what a manager tunes: each field's default and bounds are
declared here once; the model's column defaults, the form's fields, routing's `Rules` and
the tests' reset all read them from it. A tunable is a number (always set), an optional
number (empty turns its rule off, or means "no limit") or a switch (on or off).
"""
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .marks import N_

ONLINE_MODE, GROUPS_MODE = "online", "groups"
# The SPEC's wording, shown as the radios' labels. Sentences here are marked for translation
# (N_) and translated by the pages that show them.
MODE_LABELS = (
    (ONLINE_MODE, N_("Distribute to online pre-sellers")),
    (GROUPS_MODE, N_("Distribute to online pre-sellers of selected group(s)")),
)
# Said of a tunable outside its bounds (the form's NumberRange says it with the same words);
# the page fills in the bounds.
OUT_OF_BOUNDS = N_("Enter a whole number from %(min)s to %(max)s.")
# Where the settings page lists each tunable.
TIMING, WORKLOAD = "timing", "workload"


def _tunable(default: int, lowest: int, highest: int) -> int:
    """A number's field: its default, and the bounds it must stay within."""
    return field(default=default, metadata={"bounds": (lowest, highest), "section": TIMING})


def _optional(lowest: int, highest: int) -> int | None:
    """An optional number's field: off (None) by default, within its bounds when set."""
    return field(default=None, metadata={"bounds": (lowest, highest), "optional": True,
                                         "section": WORKLOAD})


def _switch(default: bool) -> bool:
    """A switch's field: on or off."""
    return field(default=default, metadata={"section": WORKLOAD})


@dataclass(frozen=True, kw_only=True)
class Tunables:
    """What a manager tunes, in the unit each name says, with their defaults.

    Below a lowest bound the rule stops making sense (under 45 s, a page's 30 s heartbeat
    could not keep its user online). The workload rules are neutral by default: no limit on
    open chats, no reassignment; the waiting line only gives out chats nobody has.
    """

    activity_window_minutes: int = _tunable(120, 5, 24 * 60)
    presence_timeout_seconds: int = _tunable(90, 45, 60 * 60)
    offline_grace_seconds: int = _tunable(120, 0, 24 * 60 * 60)
    # A pre-seller with this many open chats gets no new lead (their own maximum wins).
    max_open_chats: int | None = _optional(1, 500)
    # Unassigned chats go out the moment someone eligible has room.
    give_waiting_chats: bool = _switch(True)
    # A chat its pre-seller left unanswered this long moves to someone else.
    reassign_unanswered_minutes: int | None = _optional(1, 240)


_FIELDS = fields(Tunables)
# (lowest, highest) each number may take, by name, in the table's order: always set…
LIMITS: dict[str, tuple[int, int]] = {f.name: f.metadata["bounds"] for f in _FIELDS
                                      if "bounds" in f.metadata and not f.metadata.get("optional")}
# …or optional (None turns its rule off).
OPTIONAL_LIMITS: dict[str, tuple[int, int]] = {f.name: f.metadata["bounds"] for f in _FIELDS
                                               if f.metadata.get("optional")}
SWITCHES: tuple[str, ...] = tuple(f.name for f in _FIELDS if "bounds" not in f.metadata)
# Every tunable's section of the page, in the table's order.
SECTIONS: dict[str, str] = {f.name: f.metadata["section"] for f in _FIELDS}
DEFAULT_TUNABLES = Tunables()


def tunable_values(source: object) -> dict[str, Any]:
    """Every tunable's value as `source` holds it (a stored settings row, the wanted ones…)."""
    return {name: getattr(source, name) for name in SECTIONS}


@dataclass(frozen=True, kw_only=True)
class DistributionSettings(Tunables):
    """What the manager asks for on Settings → WhatsApp Business."""

    mode: str
    group_ids: frozenset[int]
    alternate_ids: frozenset[int]
    offline_transfer_enabled: bool
    offline_transfer_group_id: int | None


def kept_choices(wanted: DistributionSettings) -> DistributionSettings:
    """The settings as they are stored: choices a mode does not use are not kept, so no
    hidden setting keeps a group from being deleted."""
    return replace(wanted,
                   group_ids=wanted.group_ids if wanted.mode == GROUPS_MODE else frozenset(),
                   offline_transfer_group_id=(wanted.offline_transfer_group_id
                                              if wanted.offline_transfer_enabled else None))


def settings_problems(wanted: DistributionSettings, *, existing_group_ids: set[int],
                      active_pre_seller_ids: set[int]) -> dict[str, str]:
    """Each field that breaks a rule, with a sentence saying how to fix it; {} when valid.

    The sentences are untranslated messages (a tunable's says %(min)s and %(max)s, its bounds
    in LIMITS): the page translates and fills them in.
    """
    problems = {}
    if wanted.mode not in dict(MODE_LABELS):
        problems["mode"] = N_("Choose how new chats are distributed.")
    elif wanted.mode == GROUPS_MODE and not wanted.group_ids:
        problems["groups"] = N_("Select at least one group, or choose to distribute to every "
                                "online pre-seller.")
    if wanted.group_ids - existing_group_ids:
        problems["groups"] = N_("A selected group no longer exists; reload the page and choose "
                                "again.")
    if wanted.alternate_ids - active_pre_seller_ids:
        problems["alternates"] = N_("Only active pre-sellers can receive new chats; someone you "
                                    "chose was deactivated or is a manager.")
    if wanted.offline_transfer_enabled and wanted.offline_transfer_group_id is None:
        problems["offline_transfer_group"] = N_("Choose the group that takes over chats whose "
                                                "owner went offline.")
    elif (wanted.offline_transfer_group_id is not None
          and wanted.offline_transfer_group_id not in existing_group_ids):
        problems["offline_transfer_group"] = N_("That group no longer exists; reload the page "
                                                "and choose again.")
    for name in LIMITS | OPTIONAL_LIMITS:
        problem = bounds_problem(name, getattr(wanted, name))
        if problem:
            problems[name] = problem
    return problems


def bounds(name: str) -> tuple[int, int]:
    """The lowest and highest value a numeric tunable takes."""
    return OPTIONAL_LIMITS[name] if name in OPTIONAL_LIMITS else LIMITS[name]


def bounds_problem(name: str, value: int | None) -> str | None:
    """What is wrong with this value of a numeric tunable, or None when it fits its bounds.

    An optional number may be empty; a pre-seller's own maximum of open chats follows the
    team's `max_open_chats` bounds.
    """
    optional = name in OPTIONAL_LIMITS
    lowest, highest = bounds(name)
    if value is None and optional:
        return None
    if value is None or not lowest <= value <= highest:
        return OUT_OF_BOUNDS  # the page says the bounds: bounds(name)
    return None
