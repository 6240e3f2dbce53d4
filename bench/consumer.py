"""The delivery consumer in its own process, as production runs it (`run-jobs`), for the
receipt-to-routed latency: `python -m bench.consumer DATABASE_URL OUT.json`.

It prints "ready" once it waits for wake-ups (on PostgreSQL: listens), routes deliveries
until SIGTERM, then writes to OUT.json each routed delivery's time from its receipt
(`received_at`) to its batch's commit, in ms. The receipt times are read after it stops,
so the measure adds no statement to the consumer's path.
"""
import json
import signal
import sys
import threading
from datetime import datetime

from sqlalchemy import select

from webapp import create_app
from webapp.db import utcnow
from webapp.delivery_consumer import DeliveryConsumer
from webapp.extensions import db
from webapp.models import WebhookEvent
from webapp.webhooks import handling

from .databases import app_config


def main(url: str, out: str) -> None:
    """Consume until SIGTERM, then write the latencies."""
    app = create_app(app_config(url))
    committed: dict[int, datetime] = {}
    real = handling.consume_batch

    def timed(limit, ids=None, now=None):
        processed = real(limit, ids, now)
        at = utcnow()
        committed.update((item.attempt.id, at) for item in processed)
        return processed

    handling.consume_batch = timed  # type: ignore[assignment]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    consumer = DeliveryConsumer(app).start()
    consumer.waiting.wait(30)
    print("ready", flush=True)
    stop.wait()
    consumer.stop()
    with app.app_context():
        received = dict(db.session.execute(select(WebhookEvent.id, WebhookEvent.received_at)
                                           .where(WebhookEvent.id.in_(list(committed)))).all())
        db.engine.dispose()
    latencies = [(at - received[event_id]).total_seconds() * 1000
                 for event_id, at in committed.items()]
    with open(out, "w") as file:
        json.dump(latencies, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
