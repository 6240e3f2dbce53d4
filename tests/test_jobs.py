"""The job runner: one lease per job, failures logged and survived, the scheduler started
once, and two real processes on one database doing the work once."""
import json
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from tests.chat_helpers import make_chat
from webapp import jobs
from webapp.db import database_clock, utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import Chat, JobRun
from webapp.services import job_runs

TTL = timedelta(minutes=3)
ROOT = Path(__file__).resolve().parent.parent


def test_a_run_records_its_success_and_what_it_changed(app, make_user):
    chat = make_chat(make_user(), window_left=timedelta(minutes=-5))
    outcome = jobs.run_job("expire-chats", utcnow(), "runner-a", ttl=TTL, keep_lease=False)
    assert (outcome.status, outcome.message) == (jobs.DONE, "1 chat expired")
    assert db.session.get(Chat, chat.id).status == ChatStatus.EXPIRED
    run = db.session.get(JobRun, "expire-chats")
    assert run.last_result == "1 chat expired" and run.last_success_at is not None
    assert run.locked_by is None  # a one-off run hands its lease back


def test_a_second_runner_skips_while_the_first_holds_the_lease(app):
    now = utcnow()
    first = jobs.run_job("expire-chats", now, "runner-a", ttl=TTL, keep_lease=True)
    second = jobs.run_job("expire-chats", now + timedelta(seconds=60), "runner-b", ttl=TTL,
                          keep_lease=True)
    assert (first.status, second.status) == (jobs.DONE, jobs.SKIPPED)
    assert "runner-a" in second.message
    # The holder renews; once its lease runs out (it died), the other takes over. Leases
    # run on the database's clock, so the lease is made to have run out there.
    assert jobs.run_job("expire-chats", now + timedelta(seconds=60), "runner-a", ttl=TTL,
                        keep_lease=True).status == jobs.DONE
    db.session.execute(update(JobRun).values(
        locked_until=database_clock(db.session, -timedelta(seconds=1))))
    db.session.commit()
    later = now + timedelta(seconds=60) + TTL + timedelta(seconds=1)
    assert jobs.run_job("expire-chats", later, "runner-b", ttl=TTL,
                        keep_lease=True).status == jobs.DONE


def test_a_failed_run_is_logged_rolled_back_and_the_next_run_proceeds(app, make_user,
                                                                      monkeypatch, caplog):
    chat_id = make_chat(make_user(), window_left=timedelta(minutes=-5)).id
    real = jobs.JOBS["expire-chats"]

    def expire_then_fail(now):
        real(now)
        raise RuntimeError("disk full\nwith details nobody should see in /healthz")

    monkeypatch.setitem(jobs.JOBS, "expire-chats", expire_then_fail)
    failed = jobs.run_job("expire-chats", utcnow(), "runner-a", ttl=TTL, keep_lease=True)
    assert failed.status == jobs.FAILED
    assert "job expire-chats failed" in caplog.text and "disk full" in caplog.text
    assert db.session.get(Chat, chat_id).status != ChatStatus.EXPIRED  # its work was rolled back
    assert db.session.get(JobRun, "expire-chats").last_error == "RuntimeError: disk full"

    monkeypatch.setitem(jobs.JOBS, "expire-chats", real)
    again = jobs.run_job("expire-chats", utcnow(), "runner-a", ttl=TTL, keep_lease=True)
    assert again.status == jobs.DONE
    assert db.session.get(Chat, chat_id).status == ChatStatus.EXPIRED


def test_the_sweep_command_runs_every_job_once_and_says_what_changed(runner, make_user):
    make_chat(make_user(), window_left=timedelta(minutes=-5))
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "expire-chats: 1 chat expired" in result.output
    assert "offline-owners: 0 chats moved" in result.output


def test_sweep_waits_for_a_run_in_progress_then_runs_every_job(app, runner, make_user,
                                                               monkeypatch):
    make_chat(make_user(), window_left=timedelta(minutes=-5))
    db.session.commit()
    db.session.remove()  # the test's session holds nothing (SQLite's write lock)
    in_run, finished = threading.Event(), []

    def scheduler_mid_run():
        """A scheduler holding every lease, in the middle of an expiry run."""
        with app.app_context():
            for name in jobs.JOBS:
                job_runs.acquire_lease(name, "scheduler-a", utcnow(), TTL)
            db.session.commit()
            job_runs.hold_run("expire-chats")
            in_run.set()
            time.sleep(1)  # the run's work; the sweep must wait for it
            finished.append(utcnow())
            db.session.commit()
            db.session.remove()

    started = []
    real = jobs.JOBS["expire-chats"]
    monkeypatch.setitem(jobs.JOBS, "expire-chats",
                        lambda now: started.append(utcnow()) or real(now))
    thread = threading.Thread(target=scheduler_mid_run)
    thread.start()
    assert in_run.wait(10)
    result = runner.invoke(args=["sweep"])
    thread.join(10)
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output and "expire-chats: 1 chat expired" in result.output
    assert started[0] >= finished[0]  # it waited for the run in progress
    assert db.session.get(JobRun, "expire-chats").locked_by == "scheduler-a"  # lease kept


def _command(name, reload=None):
    """A stand-in for click's context of `flask <name>`."""
    return SimpleNamespace(info_name=name, params={"reload": reload})


@pytest.mark.parametrize("command, environ, debug, expected", [
    (_command("run"), {}, True, False),  # the reloader's watcher process
    (_command("run"), {"WERKZEUG_RUN_MAIN": "true"}, True, True),  # the child that serves
    (_command("run"), {}, False, True),  # no reloader: one process
    (_command("run", reload=False), {}, True, True),
    (_command("db"), {}, False, False),
    (_command("seed-demo"), {}, False, False),
    (_command("run-jobs"), {}, False, False),  # runs its own blocking scheduler instead
    (None, {}, False, True),  # under gunicorn: the lease picks one worker
])
def test_the_in_process_scheduler_starts_once_and_only_where_it_serves(app, command, environ,
                                                                     debug, expected):
    app.config["SCHEDULER_ENABLED"], app.debug = True, debug
    assert jobs.starts_in_process(app, command, environ) is expected
    app.config["SCHEDULER_ENABLED"] = False
    assert jobs.starts_in_process(app, command, environ) is False


RUN_ONCE = textwrap.dedent("""
    import json, sys
    from datetime import timedelta
    from webapp import create_app, jobs
    from webapp.db import utcnow
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x",
                      "WHATSAPP_APP_SECRET": "x", "WHATSAPP_VERIFY_TOKEN": "x",
                      "SCHEDULER_ENABLED": False})
    with app.app_context():
        outcome = jobs.run_job("expire-chats", utcnow(), jobs.runner_id(),
                               ttl=timedelta(minutes=5), keep_lease=True)
    print(json.dumps([outcome.status, outcome.message]))
""")


def test_two_processes_on_one_database_run_a_job_once(app, database_url, make_user):
    """Two runners started at once: one does the work, the other skips on the lease."""
    chat_ids = [make_chat(make_user(), window_left=timedelta(minutes=-5)).id for _ in range(3)]
    db.session.remove()  # hold no transaction while the processes write
    processes = [subprocess.Popen([sys.executable, "-c", RUN_ONCE, database_url], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(status for status, _ in outcomes) == [jobs.DONE, jobs.SKIPPED]
    assert [message for status, message in outcomes if status == jobs.DONE] == \
        ["3 chats expired"]
    assert all(db.session.get(Chat, chat_id).status == ChatStatus.EXPIRED for chat_id in chat_ids)
