"""Start and stop gunicorn on a free loopback port, with the same settings for every app."""
import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .settings import WORKERS

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A port nobody listens on, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen, deadline: float) -> None:
    """Block until the port accepts connections, or fail with gunicorn's output."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening in time")


def _warm_up(port: int) -> None:
    """Wait until every worker answers: the master listens before its workers have imported
    the app, and a loaded machine takes seconds to boot Relay's. Many requests at once, in
    rounds, until a round is answered quickly."""
    def ask() -> float:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", "/webhooks/whatsapp")
            conn.getresponse().read()
        finally:
            conn.close()
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=WORKERS * 4) as pool:
        for _ in range(30):
            if max(pool.map(lambda _: ask(), range(WORKERS * 8))) < 0.25:
                return


@contextmanager
def gunicorn(target: str, env: dict):
    """Serve `target` (module:app) with WORKERS sync workers; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        # Sync workers, as the figures in README were measured: said explicitly, since
        # gunicorn would otherwise read the repository's gunicorn.conf.py (threaded).
        [str(GUNICORN), "--workers", str(WORKERS), "--worker-class", "sync", "--threads", "1",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60", target],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        _wait_until_listening(port, process, time.monotonic() + 60)
        _warm_up(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
