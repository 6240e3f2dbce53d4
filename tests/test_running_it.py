"""Running Relay from a clone: `make run` on any HOST and PORT, found by `simulate-inbound`
with no settings; `make reset`; and the Makefile stopping on an unsuitable Python."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import _test_config
from webapp import create_app
from webapp.webhooks.cli import DEFAULT_RELAY_URL, SERVER_URL_FILE, relay_url

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".venv/.installed"  # `make -o` it: these tests use the environment running them
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def own_environment() -> dict:
    """This environment without database, Relay, Flask or make settings: a newcomer's shell."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "RELAY_", "FLASK_", "WERKZEUG_", "MAKE"))}


def make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run make in a newcomer's shell."""
    return subprocess.run([MAKE, "--no-print-directory", *args], cwd=cwd, text=True,
                          env=own_environment(), capture_output=True, timeout=60)


def clone(into: Path) -> Path:
    """What `make run` needs of a checkout, with the environment running the tests as .venv."""
    for path in [ROOT / "Makefile", ROOT / "wsgi.py", *ROOT.glob("requirements*.txt")]:
        shutil.copy(path, into / path.name)
    for name in ("webapp", "migrations"):
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))
    (into / ".venv").symlink_to(sys.prefix)
    return into


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@needs_make
@pytest.mark.parametrize("host, port, listen, url", [
    (None, None, "--host 127.0.0.1 --port 5000", "http://127.0.0.1:5000"),
    ("127.0.0.1", "5050", "--host 127.0.0.1 --port 5050", "http://127.0.0.1:5050"),
    ("0.0.0.0", "5050", "--no-debugger --host 0.0.0.0 --port 5050", "http://127.0.0.1:5050"),
    ("::1", "8080", "--host ::1 --port 8080", "http://[::1]:8080"),
])
def test_make_run_serves_on_host_and_port_and_notes_where(host, port, listen, url):
    given = [f"{key}={value}" for key, value in (("HOST", host), ("PORT", port)) if value]
    result = make("-n", "-o", STAMP, "run", *given)
    assert result.returncode == 0, result.stderr
    assert f'echo "{url}" > instance/server-url' in result.stdout
    [serve] = [line for line in result.stdout.splitlines() if " run --debug" in line]
    assert serve.split("--debug", 1)[1].split() == listen.split()


@needs_make
@pytest.mark.e2e  # the real `make run`, seeding included: seconds, like the browser journeys
def test_make_run_on_another_port_is_found_by_simulate_inbound_without_settings(tmp_path):
    checkout = clone(tmp_path)
    port = free_port()
    env = own_environment()
    server = subprocess.Popen([MAKE, "-o", STAMP, "run", f"PORT={port}"], cwd=checkout,
                              env={**env, "SCHEDULER_ENABLED": "0"}, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}", server)
        sent = subprocess.run(
            [str(checkout / ".venv/bin/flask"), "--app", "wsgi", "simulate-inbound", "--wa-id",
             "5511987654321", "--name", "Lucia Lead", "--text", "Hi"],
            cwd=checkout, env=env, text=True, capture_output=True, timeout=60)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert sent.stdout.startswith("200 OK")
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as the README says
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
    assert (checkout / "instance" / SERVER_URL_FILE).read_text().strip() == \
        f"http://127.0.0.1:{port}"

    reset = make("-o", STAMP, "reset", cwd=checkout)
    assert reset.returncode == 0, reset.stdout + reset.stderr
    instance = {path.name for path in (checkout / "instance").iterdir()}
    assert "relay.sqlite3" not in instance and "demo-credentials.txt" not in instance
    assert "secrets.json" in instance


def _wait_until_serving(url: str, server: subprocess.Popen) -> None:
    """Until /healthz answers; fails with the server's output if it died or never did."""
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    pytest.fail(f"make run did not serve on {url}:\n{server.communicate(timeout=5)[0]}")


def test_simulate_inbound_finds_the_server_where_make_run_noted_it(app):
    app.instance_path = app.config["TEST_INSTANCE"]
    app.config.pop("RELAY_URL", None)
    assert relay_url() == DEFAULT_RELAY_URL
    (Path(app.instance_path) / SERVER_URL_FILE).write_text("http://127.0.0.1:5050\n")
    assert relay_url() == "http://127.0.0.1:5050"
    app.config["RELAY_URL"] = "http://relay.internal:8000"  # said outright, it wins
    assert relay_url() == "http://relay.internal:8000"


@pytest.fixture
def demo_instance(tmp_path):
    """An app on a SQLite file in its own instance folder, with the demo data's files."""
    config = _test_config(f"sqlite:///{tmp_path / 'relay.sqlite3'}", tmp_path)
    app = create_app(config)
    app.instance_path = str(tmp_path)
    for name in ("relay.sqlite3", "relay.sqlite3-wal", "demo-credentials.txt", "secrets.json"):
        (tmp_path / name).write_text("x")
    with app.app_context():
        yield app


def test_reset_demo_removes_the_database_and_sign_ins_and_keeps_secrets(demo_instance):
    result = demo_instance.test_cli_runner().invoke(args=["reset-demo"])
    assert result.exit_code == 0, result.output
    left = {path.name for path in Path(demo_instance.instance_path).iterdir()}
    assert left == {"secrets.json"}
    assert "Removing" in result.output and "relay.sqlite3-wal" in result.output
    assert "Kept" in result.output and "secrets.json" in result.output


def test_reset_demo_refuses_another_database(demo_instance):
    demo_instance.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://db.internal/relay"
    result = demo_instance.test_cli_runner().invoke(args=["reset-demo"])
    assert result.exit_code == 1 and "nothing was removed" in result.output
    assert (Path(demo_instance.instance_path) / "relay.sqlite3").exists()


@needs_make
@pytest.mark.parametrize("python", ["missing", "3.9"])
def test_make_stops_with_a_message_without_python_3_11(tmp_path, python):
    for path in [ROOT / "Makefile", *ROOT.glob("requirements*.txt")]:
        shutil.copy(path, tmp_path / path.name)
    if python == "3.9":  # a Python that says it is 3.9 to the version check
        fake = tmp_path / "python3.9"
        fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c '
                        '"import sys; sys.version_info = (3, 9, 18); exec(sys.argv[1])" "$2"\n')
        fake.chmod(0o755)
        given = str(fake)
    else:
        given = str(tmp_path / "no-such-python")
    result = make("test", f"PYTHON={given}", cwd=tmp_path)
    assert result.returncode != 0
    assert f"Relay needs Python 3.11 or newer, and '{given}' is missing or older." \
        in result.stderr
    assert not (tmp_path / ".venv").exists()
