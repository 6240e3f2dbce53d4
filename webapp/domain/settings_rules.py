"""The rules a manager's WhatsApp Business settings must follow (pure: no Flask, no database).

`Tunables` is the one table of the numbers a manager tunes: each field's default and bounds
are declared here once; the model's column defaults, the form's `NumberRange`, routing's
`Rules` and the tests' reset all read them from it.
"""
from dataclasses import dataclass, field, fields

ONLINE_MODE, GROUPS_MODE = "online", "groups"
# The SPEC's wording, shown as the radios' labels.
MODE_LABELS = (
    (ONLINE_MODE, "Distribute to online pre-sellers"),
    (GROUPS_MODE, "Distribute to online pre-sellers of selected group(s)"),
)
# Said of a tunable outside its bounds (the form's NumberRange says it with the same words).
OUT_OF_BOUNDS = "Enter a whole number from %(min)s to %(max)s."


def _tunable(default: int, lowest: int, highest: int) -> int:
    """A tunable's field: its default, and the bounds it must stay within."""
    return field(default=default, metadata={"bounds": (lowest, highest)})


@dataclass(frozen=True, kw_only=True)
class Tunables:
    """The numbers a manager tunes, in the unit each name says, with their defaults.

    Below a lowest bound the rule stops making sense (under 45 s, a page's 30 s heartbeat
    could not keep its user online).
    """

    activity_window_minutes: int = _tunable(120, 5, 24 * 60)
    presence_timeout_seconds: int = _tunable(90, 45, 60 * 60)
    offline_grace_seconds: int = _tunable(120, 0, 24 * 60 * 60)


# (lowest, highest) each tunable may take, by name, in the table's order.
LIMITS: dict[str, tuple[int, int]] = {f.name: f.metadata["bounds"] for f in fields(Tunables)}
DEFAULT_TUNABLES = Tunables()


def tunable_values(source: object) -> dict[str, int]:
    """Every tunable's value as `source` holds it (a stored settings row, the wanted ones…)."""
    return {name: getattr(source, name) for name in LIMITS}


@dataclass(frozen=True, kw_only=True)
class DistributionSettings(Tunables):
    """What the manager asks for on Settings → WhatsApp Business."""

    mode: str
    group_ids: frozenset[int]
    alternate_ids: frozenset[int]
    offline_transfer_enabled: bool
    offline_transfer_group_id: int | None


def settings_problems(wanted: DistributionSettings, *, existing_group_ids: set[int],
                      active_pre_seller_ids: set[int]) -> dict[str, str]:
    """Each field that breaks a rule, with a sentence saying how to fix it; {} when valid."""
    problems = {}
    if wanted.mode not in dict(MODE_LABELS):
        problems["mode"] = "Choose how new chats are distributed."
    elif wanted.mode == GROUPS_MODE and not wanted.group_ids:
        problems["groups"] = ("Select at least one group, or choose to distribute to every "
                              "online pre-seller.")
    if wanted.group_ids - existing_group_ids:
        problems["groups"] = "A selected group no longer exists; reload the page and choose again."
    if wanted.alternate_ids - active_pre_seller_ids:
        problems["alternates"] = ("Only active pre-sellers can receive new chats; someone you "
                                  "chose was deactivated or is a manager.")
    if wanted.offline_transfer_enabled and wanted.offline_transfer_group_id is None:
        problems["offline_transfer_group"] = ("Choose the group that takes over chats whose "
                                              "owner went offline.")
    elif (wanted.offline_transfer_group_id is not None
          and wanted.offline_transfer_group_id not in existing_group_ids):
        problems["offline_transfer_group"] = ("That group no longer exists; reload the page "
                                              "and choose again.")
    for name, (lowest, highest) in LIMITS.items():
        if not lowest <= getattr(wanted, name) <= highest:
            problems[name] = OUT_OF_BOUNDS % {"min": lowest, "max": highest}
    return problems
