"""The shipped gunicorn configuration keeps the site up while slow clients hold connections.

Starts the real gunicorn with gunicorn.conf.py (a few seconds), as `make serve` does."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from webapp import create_app
from webapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
SLOW_CLIENTS = 8
pytestmark = pytest.mark.serving


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """gunicorn -c gunicorn.conf.py wsgi:app on a free port, on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path / 'serving.sqlite3'}"
    secrets = {"SECRET_KEY": "serving-test", "WHATSAPP_APP_SECRET": "serving-test",
               "WHATSAPP_VERIFY_TOKEN": "serving-test"}
    app = create_app({"DATABASE_URL": url, **secrets})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    port = _free_port()
    # Two workers rather than the default four: half the start-up time, and sync workers
    # would still be two slow clients away from silence.
    env = {**os.environ, **secrets, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2"}
    env.pop("SCHEDULER_ENABLED", None)
    server = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_health(base: str, server: subprocess.Popen) -> None:
    """Until /healthz answers, then warm every worker (a worker's first request is slow)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        pytest.fail("gunicorn did not answer /healthz within 60 s")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: requests.get(base + "/healthz", timeout=10), range(24)))


def _trickle(port: int, path: str, stop: threading.Event, connected: threading.Barrier) -> None:
    """Send a request's headers with a large Content-Length, then a byte now and then."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: relay\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: 100000\r\n\r\nemail=".encode())
        connected.wait()
        while not stop.wait(0.5):
            sock.sendall(b"a")


def test_health_answers_while_eight_slow_clients_trickle_their_bodies(served):
    port = int(served.rsplit(":", 1)[1])
    stop, connected = threading.Event(), threading.Barrier(SLOW_CLIENTS + 1)
    paths = ["/login", "/webhooks/whatsapp"] * (SLOW_CLIENTS // 2)
    clients = [threading.Thread(target=_trickle, args=(port, path, stop, connected), daemon=True)
               for path in paths]
    for client in clients:
        client.start()
    try:
        connected.wait(timeout=10)
        time.sleep(1.0)  # every slow request is now inside the app, reading its body
        for _ in range(3):
            answer = requests.get(served + "/healthz", timeout=2)
            assert answer.status_code == 200 and answer.json()["status"] == "ok"
    finally:
        stop.set()
        for client in clients:
            client.join(5)
