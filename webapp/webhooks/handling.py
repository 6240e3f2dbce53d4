"""A delivery's routing in transactions: claimed by a consumer in a batch, one transaction
per batch (the webhook stores it: receipt).

Shared by the delivery consumer, `reprocess-events` and a manager's retry; like a view,
this module owns the transactions (the services it calls only flush).
"""
import logging
from datetime import datetime, timedelta

from ..db import allow_statements_for, utcnow
from ..extensions import db
from ..logsafe import safe_exc_info
from ..services import deliveries, inbound

log = logging.getLogger(__name__)
# A batch may take longer than a web request's statement limit (a big backlog on a slow
# disk), never this long.
BATCH_STATEMENT_LIMIT = timedelta(minutes=2)


def consume_batch(limit: int, ids: list[int] | None = None,
                  now: datetime | None = None) -> list[inbound.Processed]:
    """Claim up to `limit` due deliveries (or these `ids`), route them in one transaction
    and commit; what each did. Nothing claimed: an empty list.

    Should anything escape the batch's own isolation (the database went away, the process
    is stopped), the whole batch is rolled back: nothing is half-applied, and the
    deliveries are claimed again by the next batch.
    """
    now = now or utcnow()
    try:
        claimed = deliveries.claim(limit, now, ids)
        if not claimed:
            db.session.rollback()
            return []
        allow_statements_for(db.session, BATCH_STATEMENT_LIMIT)
        processed = inbound.process_batch(claimed, now)
        deliveries.record([item.attempt for item in processed], now)
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        log.error("a batch of deliveries was rolled back; it will be taken again",
                  exc_info=safe_exc_info(error))
        raise
    return processed


def drain(limit: int, now: datetime | None = None) -> list[inbound.Processed]:
    """Route batches until no delivery is due (at `now`, by default the clock's); what each
    delivery did."""
    done: list[inbound.Processed] = []
    while batch := consume_batch(limit, now=now):
        done.extend(batch)
    return done
