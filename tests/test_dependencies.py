"""Production installs only what it runs; the tests, the benchmark and the linters add theirs."""
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = {"pytest", "playwright", "matplotlib", "ruff", "mypy"}


def requirement_names(file: str) -> set[str]:
    """The package names a requirements file pins (its -r includes left out)."""
    lines = (line.split("#")[0].strip() for line in (ROOT / file).read_text().splitlines())
    return {re.split(r"[\[=<>~ ]", line)[0].lower() for line in lines
            if line and not line.startswith("-")}


def installs(target: str) -> list[str]:
    """The requirements files `make <target>` installs, as a fresh checkout would."""
    plan = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=30).stdout
    return re.findall(r"pip install -q -r (\S+)", plan)


def test_production_requirements_hold_no_development_tool():
    assert requirement_names("requirements.txt") & TOOLS == set()
    assert {"flask", "gunicorn", "psycopg", "requests", "apscheduler"} <= \
        requirement_names("requirements.txt")
    assert TOOLS <= requirement_names("requirements-dev.txt")
    assert (ROOT / "requirements-dev.txt").read_text().count("-r requirements.txt\n") == 1


@pytest.mark.parametrize("target", ["run", "serve", "jobs"])
def test_running_installs_only_the_runtime_set(target):
    assert installs(target) == ["requirements.txt"]


@pytest.mark.parametrize("target", ["test", "test-fast", "bench"])
def test_testing_and_benchmarking_install_both(target):
    assert installs(target) == ["requirements.txt", "requirements-dev.txt"]
