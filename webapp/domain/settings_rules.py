"""The rules a manager's WhatsApp Business settings must follow (pure: no Flask, no database)."""
from dataclasses import dataclass

from .routing import GROUPS_MODE, ONLINE_MODE

# The SPEC's wording, shown as the radios' labels.
MODE_LABELS = (
    (ONLINE_MODE, "Distribute to online pre-sellers"),
    (GROUPS_MODE, "Distribute to online pre-sellers of selected group(s)"),
)
# (lowest, highest) each tunable may take, in the unit its name says. Below the lowest the
# rule stops making sense (a 10 s presence timeout is shorter than the 30 s heartbeat).
LIMITS = {
    "activity_window_minutes": (5, 24 * 60),
    "presence_timeout_seconds": (45, 60 * 60),
    "offline_grace_seconds": (0, 24 * 60 * 60),
}
DEFAULTS = {"activity_window_minutes": 120, "presence_timeout_seconds": 90,
            "offline_grace_seconds": 120}


@dataclass(frozen=True)
class DistributionSettings:
    """What the manager asks for on Settings → WhatsApp Business."""

    mode: str
    group_ids: frozenset[int]
    alternate_ids: frozenset[int]
    offline_transfer_enabled: bool
    offline_transfer_group_id: int | None
    activity_window_minutes: int
    presence_timeout_seconds: int
    offline_grace_seconds: int


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
        value = getattr(wanted, name)
        if not lowest <= value <= highest:
            problems[name] = f"Enter a whole number from {lowest} to {highest}."
    return problems
