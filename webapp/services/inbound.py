"""Stored webhook deliveries turned into messages and delivery states, a batch at a time.

The consumer claims a batch of deliveries (services.deliveries) and calls `process_batch`
in one transaction; it commits. The batch's messages are routed in arrival order (by
delivery, then by each message's own time), its statuses applied set-based. Should the
batch fail, each delivery is tried alone (a savepoint each), and a delivery that fails
alone has each of its items tried alone: a failing message is undone alone, its delivery
is retried later with backoff, and it never holds back the others.
"""
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from ..db import lock_routing
from ..domain.codes import DeliveryFailure
from ..domain.timestamps import ImplausibleTime, check_sent_at
from ..extensions import db
from ..logsafe import describe_error, safe_exc_info
from ..whatsapp.payload import PayloadError, parse_delivery
from ..whatsapp.records import InboundMessage, StatusUpdate
from .deliveries import Attempt, Claimed
from .inbound_messages import store_messages
from .statuses import apply_statuses

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcessingResult:
    """What one delivery changed, what it refused and what failed (to be retried)."""

    messages: int
    duplicates: int
    statuses: int
    ignored: tuple[str, ...]
    refused: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Processed:
    """One claimed delivery after this attempt: its row's new state, and what it did
    (None when it could not be read)."""

    attempt: Attempt
    result: ProcessingResult | None


@dataclass(frozen=True)
class _Parsed:
    """A readable delivery of the batch: its believable messages and its refusals."""

    claimed: Claimed
    messages: tuple[InboundMessage, ...]
    statuses: tuple[StatusUpdate, ...]
    ignored: tuple[str, ...]
    refused: tuple[str, ...]


# What a batch (or part of one) did per delivery: stored, duplicates, statuses applied.
Counts = dict[int, list[int]]


def process_batch(claimed: list[Claimed], now: datetime) -> list[Processed]:
    """Route and apply the claimed deliveries (flushes, never commits); each one's outcome.

    The routing lock is taken once, for the whole batch, when it carries any message.
    """
    parsed: list[_Parsed] = []
    unreadable: list[Processed] = []
    for item in claimed:
        try:
            parsed.append(_parse(item, now))
        except PayloadError as error:
            log.warning("webhook event %s is not a Cloud API delivery: %s", item.id, error)
            unreadable.append(Processed(Attempt(item.id, item.attempts + 1,
                                                DeliveryFailure.BAD_PAYLOAD, str(error)), None))
    if any(delivery.messages for delivery in parsed):
        lock_routing(db.session)
    counts, failed = _apply_isolated(parsed, now)
    return unreadable + [_outcome(delivery, counts, failed) for delivery in parsed]


def _parse(claimed: Claimed, now: datetime) -> _Parsed:
    """The delivery read; messages whose own time cannot be true are refused alone."""
    delivery = parse_delivery(claimed.body)
    kept, refused = [], list(delivery.refused)
    for message in delivery.messages:
        try:
            check_sent_at(message.sent_at, now)
            kept.append(message)
        except ImplausibleTime as reason:
            refused.append(f"{message.where} (wamid {message.wamid}): {reason}")
    return _Parsed(claimed, tuple(kept), delivery.statuses, delivery.ignored, tuple(refused))


def _outcome(delivery: _Parsed, counts: Counts, failed: dict[int, list[str]]) -> Processed:
    """A delivery's row and result after the batch."""
    event_id = delivery.claimed.id
    stored, duplicates, applied = counts.get(event_id, [0, 0, 0])
    failures = tuple(failed.get(event_id, ()))
    failure = None
    if failures:
        alone = len(delivery.messages) + len(delivery.statuses) <= 1
        failure = DeliveryFailure.PROCESSING_FAILED if alone else DeliveryFailure.ITEMS_FAILED
        log.warning("webhook event %s: %d item(s) failed and will be retried", event_id,
                    len(failures))
    refused = "\n".join(delivery.refused) or None
    attempt = Attempt(event_id, delivery.claimed.attempts + 1, failure,
                      "\n".join(failures) or None, refused)
    result = ProcessingResult(stored, duplicates, applied, delivery.ignored, delivery.refused,
                              failures)
    return Processed(attempt, result)


def _items(deliveries: list[_Parsed]) -> tuple[list, list]:
    """Every message and status of these deliveries, each paired with its delivery's id."""
    messages = [(d.claimed.id, m) for d in deliveries for m in d.messages]
    statuses = [(d.claimed.id, s) for d in deliveries for s in d.statuses]
    return messages, statuses


def _apply(messages: list, statuses: list, now: datetime) -> Counts:
    """Store and route the messages, apply the statuses; counts per delivery."""
    counts: Counts = defaultdict(lambda: [0, 0, 0])
    for event_id, (stored, duplicates) in store_messages(messages, now).items():
        counts[event_id][0] += stored
        counts[event_id][1] += duplicates
    for event_id, applied in apply_statuses(statuses).items():
        counts[event_id][2] += applied
    return counts


def _in_savepoint(work: Callable[[], Counts]) -> tuple[Counts | None, BaseException | None]:
    """Run the work in a savepoint: its counts, or the exception that undid it."""
    try:
        with db.session.begin_nested():
            return work(), None
    except Exception as error:  # noqa: BLE001 - whatever broke, the caller isolates it
        return None, error


def _apply_isolated(deliveries: list[_Parsed],
                    now: datetime) -> tuple[Counts, dict[int, list[str]]]:
    """The whole batch at once; should it fail, each delivery alone, then each item of a
    failing delivery alone. Returns the counts and, per delivery, what failed."""
    if len(deliveries) > 1:
        counts, error = _in_savepoint(lambda: _apply(*_items(deliveries), now))
        if counts is not None:
            return counts, {}
        log.warning("a batch of %d deliveries failed (%s); trying each alone",
                    len(deliveries), describe_error(error) if error else "")
    total: Counts = defaultdict(lambda: [0, 0, 0])
    failed: dict[int, list[str]] = defaultdict(list)
    for delivery in deliveries:
        _add(total, _delivery_alone(delivery, now, failed))
    return total, failed


def _delivery_alone(delivery: _Parsed, now: datetime, failed: dict[int, list[str]]) -> Counts:
    """One delivery in its savepoint; should it fail, each of its items in its own."""
    messages, statuses = _items([delivery])
    counts, error = _in_savepoint(lambda: _apply(messages, statuses, now))
    if counts is not None:
        return counts
    event_id = delivery.claimed.id
    if len(messages) + len(statuses) <= 1:
        assert error is not None
        _log_failure(event_id, "delivery", error)
        failed[event_id].append(describe_error(error))
        return {}
    labelled: list[tuple[str, list, list]] = [
        (f"{m.where} (wamid {m.wamid})", [(event_id, m)], []) for _, m in messages]
    labelled += [(f"status of {s.wamid}", [], [(event_id, s)]) for _, s in statuses]
    total: Counts = defaultdict(lambda: [0, 0, 0])
    for label, one_message, one_status in labelled:
        counts, error = _in_savepoint(partial(_apply, one_message, one_status, now))
        if counts is None:
            assert error is not None
            _log_failure(event_id, label, error)
            failed[event_id].append(f"{label}: {describe_error(error)}")
        else:
            _add(total, counts)
    return total


def _add(total: Counts, counts: Counts) -> None:
    """Add one part's counts to the batch's."""
    for event_id, numbers in counts.items():
        total[event_id] = [a + b for a, b in zip(total[event_id], numbers, strict=True)]

def _log_failure(event_id: int, label: str, error: BaseException) -> None:
    """Log an isolated failure with its traceback, never the data a database error quotes."""
    log.error("webhook event %s: %s failed; it will be retried", event_id, label,
              exc_info=safe_exc_info(error))
