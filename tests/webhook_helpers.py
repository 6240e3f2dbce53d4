"""Helpers for the webhook and outbound tests: signed posts, our payload corpus, fixture
payloads with fresh ids, and a fake Graph API on a real socket."""
import copy
import json
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from webapp.extensions import db
from webapp.services.deliveries import CHANNEL
from webapp.webhooks import handling
from webapp.whatsapp.signature import SIGNATURE_HEADER, sign
from webapp.whatsapp.simulate import fresh_wamid, text_delivery

APP_SECRET = "test-app-secret"  # conftest's WHATSAPP_APP_SECRET
URL = "/webhooks/whatsapp"
# The team's own corpus of Cloud API deliveries (see test_webhook_payloads.py).
PAYLOADS = Path(__file__).resolve().parent / "payloads"


def signed_headers(body: bytes, secret: str = APP_SECRET) -> dict:
    """The headers Meta sends with this body."""
    return {SIGNATURE_HEADER: sign(body, secret), "Content-Type": "application/json"}


def as_body(payload) -> bytes:
    """A payload (dict) as JSON bytes; bytes pass through untouched."""
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def post_signed(client, payload):
    """POST a correctly signed delivery through Flask's test client."""
    body = as_body(payload)
    return client.post(URL, data=body, headers=signed_headers(body))


def with_fresh_ids(payload: dict) -> dict:
    """A copy whose inbound messages carry new wamids (pywa reuses `wamid.xyzxyz`)."""
    payload = copy.deepcopy(payload)
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            for message in change.get("value", {}).get("messages", []):
                message["id"] = fresh_wamid()
    return payload


def text_payload(wa_id="5511900000001", name="Lead", text="Hello", at=None, **fields) -> dict:
    """A one-message text delivery from a lead."""
    return text_delivery(wa_id=wa_id, name=name, text=text,
                         at=at or datetime.now(UTC), **fields)


def message_payload(message: dict, wa_id="5511900000001", name="Lead") -> dict:
    """A delivery carrying one hand-written message (id, from, timestamp filled in)."""
    payload = text_payload(wa_id=wa_id, name=name)
    value = payload["entry"][0]["changes"][0]["value"]
    template = value["messages"][0]
    value["messages"] = [{"id": template["id"], "from": wa_id,
                          "timestamp": template["timestamp"], **message}]
    return payload


def batch(*payloads: dict) -> dict:
    """One delivery with every entry of the given deliveries."""
    merged = copy.deepcopy(payloads[0])
    for payload in payloads[1:]:
        merged["entry"].extend(copy.deepcopy(payload["entry"]))
    return merged


def status_payload(wamid: str, status: str, at: int = 1700000000, errors=None) -> dict:
    """A delivery with one status of an outbound message."""
    item = {"id": wamid, "status": status, "timestamp": str(at), "recipient_id": "5511900000001"}
    if errors:
        item["errors"] = errors
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [item]}}]}]}


class FakeGraph:
    """A stand-in for graph.facebook.com on 127.0.0.1: answers what the test queues."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = (200, {"messaging_product": "whatsapp",
                             "messages": [{"id": "wamid.fake-1"}]})
        self.delay = 0.0
        self.hang_up = False  # close the connection after reading, without an answer
        self.on_request = None  # called with each request's JSON before answering
        # GET answers by path: a list of (status, JSON or bytes[, content type]), used in
        # turn (the last one stays); an unknown path answers Graph's 404 error.
        self.get_answers: dict[str, list[tuple]] = {}
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path, _sep, query = self.path.partition("?")
                fake.requests.append({"method": "GET", "path": path, "query": parse_qs(query),
                                      "headers": dict(self.headers), "json": None})
                queued = fake.get_answers.get(path)
                answer = (queued.pop(0) if len(queued) > 1 else queued[0]) if queued else \
                    (404, {"error": {"message": "Unknown path", "code": 100}})
                status, document = answer[0], answer[1]
                body = document if isinstance(document, bytes) else json.dumps(document).encode()
                kind = answer[2] if len(answer) > 2 else "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append({"method": "POST", "path": self.path,
                                      "headers": dict(self.headers),
                                      "json": json.loads(self.rfile.read(length) or b"null")})
                if fake.on_request:
                    fake.on_request(fake.requests[-1]["json"])
                if fake.delay:
                    fake._release.wait(fake.delay)
                if fake.hang_up:
                    self.close_connection = True
                    return
                status, document = fake.answer
                body = document if isinstance(document, bytes) else json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v21.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def error(self, status: int, code: int, message: str, details: str = ""):
        """Answer the next calls with a Graph API error."""
        self.answer = (status, {"error": {"message": message, "type": "OAuthException",
                                          "code": code, "error_data": {"details": details},
                                          "fbtrace_id": "Atrace"}})

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def drain_deliveries(batch_size: int = 500, now=None) -> dict:
    """Run the delivery consumer's body here, batch after batch, until no delivery is due;
    each routed delivery's result (inbound.ProcessingResult, None when unreadable) by event
    id. Runs in the test's own session: what the test set up is committed first.
    """
    db.session.commit()
    processed = handling.drain(batch_size, now=now)
    return {item.attempt.id: item.result for item in processed}


def routed(client, payload):
    """POST a signed delivery, then drain the consumer: (the response, what the delivery
    did: inbound.ProcessingResult, or None when it was not queued)."""
    response = post_signed(client, payload)
    results = drain_deliveries()
    event_id = (response.json or {}).get("event")
    return response, results.get(event_id)


@contextmanager
def listening():
    """A PostgreSQL connection of its own that LISTENs on the consumers' channel; dropped
    afterwards."""
    raw = db.engine.raw_connection()
    try:
        listener = raw.driver_connection
        listener.autocommit = True
        listener.execute(f"LISTEN {CHANNEL}")
        yield listener
    finally:
        raw.invalidate()


def heard(listener, timeout: float = 10) -> list[str]:
    """The channels of the notifications the listener hears within `timeout` (the first)."""
    return [n.channel for n in listener.notifies(timeout=timeout, stop_after=1)]
