"""A batch's inbound messages: wamids already stored skipped, the others routed and stored
in bulk (services.batch_routing).

The caller holds the routing lock for the whole batch, so the batch's new leads are decided
one after another, each seeing the previous ones' counts, and a wamid is checked and stored
by one batch at a time (Meta's retries and duplicates are stored once).
"""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Message
from ..whatsapp.records import InboundMessage
from .batch_routing import route_and_store


def store_messages(messages: list[tuple[int, InboundMessage]],
                   now: datetime) -> dict[int, tuple[int, int]]:
    """Route and store each new message, in the order given (by delivery, then by the
    message's own time); skip wamids already stored. `messages` pairs each message with
    the delivery that carried it; returns per delivery how many were stored and how many
    were duplicates."""
    if not messages:
        return {}
    known = set(db.session.scalars(
        select(Message.wamid).where(Message.wamid.in_({m.wamid for _, m in messages}))))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    new = []
    for event_id, message in messages:
        if message.wamid in known:
            counts[event_id][1] += 1
            continue
        known.add(message.wamid)
        new.append(message)
        counts[event_id][0] += 1
    route_and_store(new, now)
    return {event_id: (stored, duplicates) for event_id, (stored, duplicates) in counts.items()}
