"""One delivery's life: stored and committed, then processed in its own transaction.

Shared by the webhook view and `reprocess-events`; like a view, this module owns the
transactions (the services it calls only flush).
"""
import logging
from dataclasses import dataclass

from ..db import utcnow
from ..extensions import db
from ..logsafe import describe_error, safe_exc_info
from ..models import WebhookEvent
from ..services import inbound
from ..whatsapp.payload import PayloadError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """How processing a stored delivery went."""

    event_id: int
    result: inbound.ProcessingResult | None = None
    bad_payload: str = ""  # why the body is not a Cloud API delivery (answered 400)
    failure: str = ""  # why processing failed (kept on the event for reprocess-events)

    @property
    def ok(self) -> bool:
        """True when the whole delivery was processed (refused items included)."""
        return self.result is not None and not self.failure


def store(body: bytes) -> int:
    """Keep the raw body, committed, before anything can go wrong; returns the event id."""
    event_id = inbound.store_event(body, utcnow())
    db.session.commit()
    return event_id


def handle(event_id: int, body: bytes | None = None) -> Outcome:
    """Process a stored delivery and commit; on failure, keep the reason on the event.

    The view passes the body it just stored; reprocessing reads it back. Items that failed
    alone are committed with the rest and named on the event, which stays to be retried.
    """
    if body is None:
        body = db.session.get_one(WebhookEvent, event_id).body
    try:
        result = inbound.process_event(event_id, body, utcnow())
        db.session.commit()
    except PayloadError as error:
        outcome = Outcome(event_id, bad_payload=str(error))
        log.warning("webhook event %s is not a Cloud API delivery: %s", event_id, error)
    except Exception as error:  # noqa: BLE001 - whatever broke, the event keeps the reason
        outcome = Outcome(event_id, failure=describe_error(error))
        log.error("processing webhook event %s failed", event_id,
                  exc_info=safe_exc_info(error))
    else:
        if result.failed:
            log.warning("webhook event %s: %d item(s) failed and wait for reprocess-events",
                        event_id, len(result.failed))
        return Outcome(event_id, result=result, failure="; ".join(result.failed))
    db.session.rollback()
    inbound.record_failure(event_id, outcome.bad_payload or outcome.failure, utcnow())
    db.session.commit()
    return outcome
