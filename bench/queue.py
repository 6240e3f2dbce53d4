"""The delivery queue's measures: status deliveries to acknowledge, how fast a backlog is
routed (drain rate), receipt-to-routed latency at a steady pace, and two consumers at once.

The consumer measured is Relay's own (webhooks.handling.drain, delivery_consumer), against
the same throwaway database the gunicorn-served webhook writes to: for the drain rates and
the two consumers at once, threads of this process; for the steady latency, its own
process (bench.consumer), as `run-jobs` runs it in production.
"""
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, insert, select

from webapp import create_app
from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import WebhookEvent
from webapp.webhooks import handling
from webapp.whatsapp.signature import sign

from .databases import app_config
from .load import Delivery, _post, deliveries
from .servers import ROOT
from .settings import APP_SECRET

BATCH = 500


def status_deliveries(count: int) -> list[Delivery]:
    """`count` signed status deliveries (sent, delivered, read in turn) of our replies."""
    at = str(int(datetime.now(UTC).timestamp()))
    prepared = []
    for n in range(count):
        state = ("sent", "delivered", "read")[n % 3]
        wamid = f"wamid.bench-out-{n // 3}"
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
            {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [
                {"id": wamid, "status": state, "timestamp": at,
                 "recipient_id": "5511900000001"}]}}]}]}
        body = json.dumps(payload).encode()
        prepared.append(Delivery("", wamid, body, sign(body, APP_SECRET)))
    return prepared


def drain_with_consumers(url: str, consumers: int) -> tuple[int, float]:
    """Route everything due with `consumers` consumers at once (threads, each with its own
    connection); how many deliveries, and the seconds it took."""
    app = create_app(app_config(url))
    done: list[int] = []
    lock = threading.Lock()

    def consume():
        with app.app_context():
            count = len(handling.drain(BATCH))
            db.session.remove()
        with lock:
            done.append(count)

    threads = [threading.Thread(target=consume) for _ in range(consumers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    with app.app_context():
        db.engine.dispose()
    return sum(done), took


def backlog_drain_rates(url: str, count: int) -> dict:
    """A backlog of `count` new-lead deliveries stored at once, routed by one consumer; then
    `count` continuations of those leads. Messages per second of each."""
    app = create_app(app_config(url))
    leads = [f"57{n:011d}" for n in range(count)]
    rates = {}
    for label, text in (("new lead", "Hi, a quote?"), ("continuation", "Any news?")):
        prepared = deliveries(count, leads=leads, text=text)
        with app.app_context():
            now = utcnow()
            for start in range(0, count, 5000):
                db.session.execute(insert(WebhookEvent), [
                    {"body": item.body, "received_at": now, "attempts": 0}
                    for item in prepared[start:start + 5000]])
            db.session.commit()
            db.session.remove()
        routed, took = drain_with_consumers(url, 1)
        rates[label] = routed / took if took else 0.0
    with app.app_context():
        db.engine.dispose()
    return rates


def steady_latency(url: str, base_url: str, path: str, *, rate: int, seconds: float) -> dict:
    """Post new-lead deliveries at `rate` per second while a consumer runs in its own
    process, as in production (woken by the webhook's commit: NOTIFY on PostgreSQL; on
    SQLite, from another process, its short poll); the time from each delivery's receipt
    to its batch's commit, in ms."""
    app = create_app(app_config(url))
    with app.app_context():
        first = (db.session.scalar(select(func.max(WebhookEvent.id))) or 0) + 1
        db.session.remove()
    count = int(rate * seconds)
    prepared = deliveries(count, leads=[f"58{n:011d}" for n in range(count)], text="Hi")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "latencies.json"
        consumer = subprocess.Popen([sys.executable, "-m", "bench.consumer", url, str(out)],
                                    cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            if consumer.stdout is None or consumer.stdout.readline().strip() != "ready":
                raise RuntimeError("the bench's consumer did not start")
            _post_steadily(base_url, path, prepared, rate)
            _wait_until_routed(app, first, count, deadline=time.monotonic() + 60)
        finally:
            consumer.send_signal(signal.SIGTERM)
            consumer.wait(60)
        latencies = json.loads(out.read_text()) if out.exists() else []
    with app.app_context():
        db.engine.dispose()
    ordered = sorted(latencies)
    return {"count": len(ordered), "expected": count,
            "p50": statistics.median(ordered) if ordered else 0.0,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0}


def _post_steadily(base_url: str, path: str, prepared: list[Delivery], rate: int) -> None:
    """Each delivery posted at its time, `rate` a second, from a pool of client threads."""
    target = urlsplit(base_url)
    with ThreadPoolExecutor(max_workers=16) as pool:
        started = time.perf_counter()
        for n, item in enumerate(prepared):
            time.sleep(max(0.0, started + n / rate - time.perf_counter()))
            pool.submit(_post, target.hostname, target.port, path, item)


def _wait_until_routed(app, first: int, count: int, deadline: float) -> None:
    """Until the deliveries from id `first` on are all processed (or the deadline)."""
    while time.monotonic() < deadline:
        with app.app_context():
            done = db.session.scalar(select(func.count()).where(
                WebhookEvent.id >= first, WebhookEvent.processed_at.is_not(None)))
            db.session.remove()
        if done >= count:
            return
        time.sleep(0.1)
