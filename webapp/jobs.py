"""Background jobs: APScheduler wiring, one lease-guarded run, and the commands that run them.

Exactly one runner: `flask --app wsgi run-jobs` in production (its own process), or the dev
server itself under `make run` (SCHEDULER_ENABLED, started once even under the reloader).
Should a second runner start anyway, the database lease (services.job_runs) makes it skip.
`sweep` runs every job once beside them: it waits for a run in progress (each run holds
its job's row), then runs. The delivery consumer (delivery_consumer) runs wherever the jobs
run; several consumers may run at once.
"""
import atexit
import logging
import os
import secrets
import signal
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from sqlalchemy.orm import Session

from .db import allow_statements_for, utcnow
from .delivery_consumer import DeliveryConsumer
from .extensions import db
from .logsafe import describe_error, safe_exc_info
from .services import job_runs, reassignment, sweeps, templates, waiting_line
from .services.media import fetch_pending_media

log = logging.getLogger(__name__)

# A runner's lease outlives this many intervals: long enough to be renewed by the next
# run, short enough that a crashed runner's successor takes over within a few minutes.
LEASE_INTERVALS = 3
DONE, SKIPPED, FAILED = "done", "skipped", "failed"


def _plural(count: int, noun: str) -> str:
    """'1 chat', '2 chats'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _given(given: list[waiting_line.GivenChat]) -> str:
    """'2 waiting chats given out: chat 4 → Ana Souza, chat 7 → Bruno Lima'."""
    moves = ", ".join(f"chat {item.chat_id} → {item.assignee_name}" for item in given)
    return f"{_plural(len(given), 'waiting chat')} given out" + (f": {moves}" if moves else "")


def expire_chats_job(now: datetime) -> str:
    """Expiry sweep, then the waiting line if room was made; says what it changed. Windows
    are judged by the database's clock, not by the runner's `now`."""
    expired, given = sweeps.expire_then_give_out(now)
    return f"{_plural(expired, 'chat')} expired" + (f"; {_given(given)}" if given else "")


def offline_owners_job(now: datetime) -> str:
    """Offline-owner sweep; says which chats moved to whom."""
    moved = sweeps.sweep_offline_owners(now)
    moves = ", ".join(f"chat {d.chat_id} → {d.assignee.email if d.assignee else 'nobody'}"
                      for d in moved)
    return f"{_plural(len(moved), 'chat')} moved" + (f": {moves}" if moves else "")


def reassign_unanswered_job(now: datetime) -> str:
    """Reassign-unanswered sweep; says which chats moved to whom and which stay overdue."""
    decisions = reassignment.reassign_unanswered_chats(now)
    moves = ", ".join(f"chat {decision.chat_id} → "
                      f"{decision.assignee.email if decision.assignee else 'nobody'}"
                      + (" (overdue)" if decision.from_assignee_id == decision.assignee_id
                         else "") for decision in decisions)
    return f"{_plural(len(decisions), 'chat')} reassigned or flagged" + (
        f": {moves}" if moves else "")


def waiting_line_job(now: datetime) -> str:
    """The waiting line's backstop: says which waiting chats went to whom."""
    return _given(waiting_line.give_out_waiting(now))


def fetch_media_job(now: datetime) -> str:
    """Download the inbound media files that are due; says how many were kept."""
    report = fetch_pending_media(now)
    return (f"{_plural(report.stored, 'file')} stored, {report.retrying} to retry, "
            f"{report.unavailable} unavailable")


def refresh_templates_job(now: datetime) -> str:
    """Read the account's approved templates from Meta when due; says what changed."""
    return templates.refresh_if_due(now, current_app.config)


# Run in this order by `sweep`: a chat that has just expired is not worth moving, and the
# waiting line comes last, when every move has made what room it makes.
JOBS = {"expire-chats": expire_chats_job, "offline-owners": offline_owners_job,
        "reassign-unanswered": reassign_unanswered_job, "waiting-line": waiting_line_job,
        "refresh-templates": refresh_templates_job, "fetch-media": fetch_media_job}
# Jobs that run more often than every JOBS_INTERVAL_SECONDS: a lead's photo should show
# within seconds. (Their leases and /healthz's "overdue" still count in JOBS_INTERVAL_SECONDS.)
OWN_INTERVALS = {"fetch-media": "MEDIA_FETCH_INTERVAL_SECONDS"}


@dataclass(frozen=True)
class RunOutcome:
    """What one run of one job did: done, skipped (lease held elsewhere) or failed."""

    name: str
    status: str
    message: str


def runner_id() -> str:
    """This runner's name in the lease: host, process, and a nonce against pid reuse."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[-120:]


def lease_ttl(app: Flask) -> timedelta:
    """How long a lease lasts without renewal."""
    return timedelta(seconds=LEASE_INTERVALS * app.config["JOBS_INTERVAL_SECONDS"])


def run_job(name: str, now: datetime, runner: str, *, ttl: timedelta,
            keep_lease: bool) -> RunOutcome:
    """One run under the job's lease; commits. A failure is rolled back, logged, recorded."""
    if not job_runs.acquire_lease(name, runner, now, ttl):
        holder, until = job_runs.lease_holder(name)
        db.session.rollback()
        log.info("job %s skipped: runner %s holds the lease until %s", name, holder, until)
        return RunOutcome(name, SKIPPED, f"skipped: another runner ({holder}) holds the "
                                         f"lease until {until:%Y-%m-%d %H:%M:%S} UTC")
    db.session.commit()  # other runners must see the lease before the work starts
    return _run(name, now, runner, ttl, ttl if keep_lease else None)


def run_now(name: str, now: datetime, *, ttl: timedelta) -> RunOutcome:
    """One run now, whoever holds the lease (`sweep`): waits for a run in progress, then
    runs; the lease stays with its holder, so a scheduler keeps its turn."""
    job_runs.ensure_row(name)
    db.session.commit()
    return _run(name, now, None, ttl, None)


def _run(name: str, now: datetime, runner: str | None, ttl: timedelta,
         keep_for: timedelta | None) -> RunOutcome:
    """The run itself, holding the job's row (one run at a time); commits."""
    try:
        allow_statements_for(db.session, ttl)  # a run may outlast a web request, not its lease
        job_runs.hold_run(name)
        result = JOBS[name](now)
        job_runs.record_success(name, runner, now, result, keep_for)
        db.session.commit()
    except Exception as error:  # any failure: undo this run, keep the runner alive
        db.session.rollback()
        log.error("job %s failed; its work was rolled back", name,
                  exc_info=safe_exc_info(error))
        job_runs.record_failure(name, runner, now, error, keep_for)
        db.session.commit()
        return RunOutcome(name, FAILED, describe_error(error)[:job_runs.ERROR_LENGTH])
    log.info("job %s: %s", name, result)
    return RunOutcome(name, DONE, result)


def _scheduled_run(app: Flask, name: str, runner: str) -> None:
    """The scheduler's job: app context, the run at utcnow(), committed by run_job."""
    with app.app_context():
        run_job(name, utcnow(), runner, ttl=lease_ttl(app), keep_lease=True)


def schedule_jobs(app: Flask, scheduler: BaseScheduler, runner: str) -> BaseScheduler:
    """Every job every JOBS_INTERVAL_SECONDS (or its own interval), first run at once, one at a
    time, coalescing."""
    for name in JOBS:
        interval = app.config[OWN_INTERVALS.get(name, "JOBS_INTERVAL_SECONDS")]
        scheduler.add_job(_scheduled_run, "interval", seconds=interval, args=(app, name, runner),
                          id=name, name=name, coalesce=True, max_instances=1,
                          misfire_grace_time=interval, next_run_time=datetime.now(UTC))
    return scheduler


def _executors() -> dict:
    """One worker thread: the jobs run one after another, never side by side."""
    return {"default": ThreadPoolExecutor(max_workers=1)}


def stop_runner(app: Flask, scheduler: BaseScheduler, runner: str,
                consumer: DeliveryConsumer | None = None) -> None:
    """Stop the delivery consumer and the scheduler (letting a running batch and job
    finish) and hand the scheduler's leases back."""
    if consumer is not None:
        consumer.stop()
    if scheduler.running:
        scheduler.shutdown(wait=True)
    try:
        with app.app_context():
            released = job_runs.release_leases(runner)
            db.session.commit()
        log.info("job runner %s stopped; released %d lease(s)", runner, released)
    except Exception as error:  # the database may be gone at exit: the leases then expire
        log.error("job runner %s could not release its leases", runner,
                  exc_info=safe_exc_info(error))


def starts_in_process(app: Flask, command: click.Context | None, environ) -> bool:
    """Should this process run the scheduler? Only when enabled, and only where it serves.

    Other CLI commands (db upgrade, sweep, run-jobs) never start it. Under the dev server's
    reloader the app is loaded twice: only the child that serves (WERKZEUG_RUN_MAIN) runs it.
    """
    if not app.config.get("SCHEDULER_ENABLED"):
        return False
    if command is None:  # a WSGI server: every worker may start one; the lease picks one
        return True
    if command.info_name != "run":
        return False
    reload = command.params.get("reload")
    reloading = app.debug if reload is None else reload
    return not reloading or environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_jobs(app: Flask) -> None:
    """Start the in-process scheduler when this process should run it (see above)."""
    if not starts_in_process(app, click.get_current_context(silent=True), os.environ):
        return
    runner = runner_id()
    scheduler = schedule_jobs(app, BackgroundScheduler(
        timezone=UTC, executors=_executors(), daemon=True), runner)
    scheduler.start()
    consumer = DeliveryConsumer(app).start()
    app.extensions["relay_scheduler"] = scheduler
    app.extensions["relay_delivery_consumer"] = consumer
    atexit.register(stop_runner, app, scheduler, runner, consumer)
    log.info("background jobs and the delivery consumer started in this process as %s",
             runner)


def job_statuses(now: datetime, session: Session) -> dict:
    """Each job's last runs (for /healthz); overdue after LEASE_INTERVALS missed intervals."""
    return job_runs.job_statuses(list(JOBS), now, lease_ttl(current_app), session)


@click.command("run-jobs")
def run_jobs_command():
    """Run the background jobs in this process, every JOBS_INTERVAL_SECONDS, until stopped."""
    # current_app is a werkzeug LocalProxy that Flask annotates as Flask itself.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Our own lines say what each run did; APScheduler's per-run chatter only repeats it.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    runner = runner_id()
    scheduler = schedule_jobs(app, BlockingScheduler(
        timezone=UTC, executors=_executors()), runner)
    # A service manager stops us with SIGTERM: finish the current run, release the leases.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown())
    consumer = DeliveryConsumer(app).start()
    click.echo(f"Running {', '.join(JOBS)} every {app.config['JOBS_INTERVAL_SECONDS']} s "
               f"and the delivery consumer as {runner}. Stop with Ctrl-C.")
    try:
        scheduler.start()
    except KeyboardInterrupt:
        pass
    finally:
        stop_runner(app, scheduler, runner, consumer)


@click.command("sweep")
def sweep_command():
    """Run every background job once, now, and print what each changed; a job that another
    runner is running now is waited for, then run."""
    now = utcnow()
    outcomes = [run_now(name, now, ttl=lease_ttl(current_app)) for name in JOBS]
    for outcome in outcomes:
        click.echo(f"{outcome.name}: {outcome.message}")
    if any(outcome.status == FAILED for outcome in outcomes):
        raise click.ClickException("a job failed; its work was rolled back (details in the log)")
