"""The load generator: signed webhook bodies posted to loopback by a fixed number of threads,
bounded in count and in time; latencies measured per request by the client."""
import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from webapp.whatsapp.signature import SIGNATURE_HEADER, sign
from webapp.whatsapp.simulate import text_delivery

from .settings import APP_SECRET


@dataclass(frozen=True)
class Delivery:
    """One prepared request: its wamid, its body and its signature."""

    lead: str
    wamid: str
    body: bytes
    signature: str


def deliveries(count: int, *, leads: list[str], text: str) -> list[Delivery]:
    """`count` signed text messages, one per request, from the given leads in turn."""
    now = datetime.now(UTC)
    prepared = []
    for n in range(count):
        payload = text_delivery(wa_id=leads[n % len(leads)], name=f"Lead {n}", text=text, at=now)
        wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        body = json.dumps(payload).encode()
        prepared.append(Delivery(leads[n % len(leads)], wamid, body, sign(body, APP_SECRET)))
    return prepared


@dataclass
class LoadResult:
    """What one phase measured."""

    sent: int
    ok: int
    errors: dict
    seconds: float
    latencies_ms: list
    delivered: list  # the deliveries answered 200

    def plus(self, other: "LoadResult") -> "LoadResult":
        """Two rounds of one phase as one: requests, errors, time and latencies added."""
        errors = dict(self.errors)
        for status, count in other.errors.items():
            errors[status] = errors.get(status, 0) + count
        return LoadResult(self.sent + other.sent, self.ok + other.ok, errors,
                          self.seconds + other.seconds, self.latencies_ms + other.latencies_ms,
                          self.delivered + other.delivered)

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in ms."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def post_all(base_url: str, path: str, prepared: list[Delivery], *, concurrency: int,
             seconds: float) -> LoadResult:
    """Post every prepared delivery with `concurrency` threads, stopping after `seconds`."""
    url = urlsplit(base_url)
    lock, cursor = threading.Lock(), iter(prepared)
    latencies, delivered, errors = [], [], {}
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            started = time.perf_counter()
            status = _post(url.hostname, url.port, path, item)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                    delivered.append(item)
                else:
                    errors[status] = errors.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    return LoadResult(sent=len(delivered) + sum(errors.values()), ok=len(delivered),
                      errors=errors, seconds=took, latencies_ms=latencies, delivered=delivered)


def _post(host: str, port: int, path: str, item: Delivery) -> int | str:
    """One POST on a fresh loopback connection; the status, or the error's name."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("POST", path, body=item.body, headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: item.signature})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return type(error).__name__
    finally:
        conn.close()
