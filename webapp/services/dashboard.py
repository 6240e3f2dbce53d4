"""The nobody-can-take-chats banner, from the figures routing itself uses.

`nobody_can_take` asks the next-chat preview (the real routing decision, read-only) and
says where a new lead would go when no pre-seller can receive it: an alternate recipient,
the waiting line, or nobody. (Team now is services.team's overview, as /api/team serves it.)
"""
from dataclasses import dataclass
from datetime import datetime

from ..domain.codes import RoutingReason
from .preview import NextChat, next_chat
from .settings import current_settings


@dataclass(frozen=True)
class NobodyNow:
    """Nobody can receive a new chat now; where the next lead would go instead."""

    preview: NextChat
    waiting_line: bool  # unassigned, and given out as soon as someone can take it

    @property
    def alternate(self) -> bool:
        """An alternate new chat recipient would get it."""
        return self.preview.decision.reason == RoutingReason.ALTERNATE

    @property
    def alternate_online(self) -> bool:
        """That alternate is online now."""
        return bool(self.preview.decision.facts.get("alternates", {}).get("winner_online"))


def nobody_can_take(now: datetime) -> NobodyNow | None:
    """None while distribution would give a new lead to someone; else where it would go."""
    preview = next_chat(now)
    if preview.decision.reason not in (RoutingReason.ALTERNATE, RoutingReason.UNASSIGNED):
        return None
    return NobodyNow(preview, waiting_line=preview.decision.reason == RoutingReason.UNASSIGNED
                     and current_settings().give_waiting_chats)
