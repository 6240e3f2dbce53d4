"""Job runs: the database lease that keeps each background job to one runner, and its record.

A runner (one scheduler process, or one `sweep` by hand) takes a job's lease before each
run with a single conditional UPDATE, which succeeds only when the lease is free, expired
or already its own. The scheduler keeps renewing its lease run after run, so a second
runner started anyway skips every run until the first one stops (it releases its leases
on the way out) or dies (its lease expires). Works the same on SQLite and PostgreSQL: the
UPDATE's WHERE is re-checked under the row's write lock on both. Leases are timed by the
database's clock, never a runner's: a runner whose clock runs ahead cannot take a live lease.
"""
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..db import database_clock
from ..extensions import db
from ..logsafe import describe_error
from ..models import JobRun

ERROR_LENGTH = 300
RESULT_LENGTH = 2000


def ensure_row(name: str) -> None:
    """Create the job's row once; concurrent runners racing here are both fine."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(JobRun).values(name=name).on_conflict_do_nothing())


def acquire_lease(name: str, runner: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the job's lease for ttl (by the database's clock); False when another
    runner holds it. `now` is the runner's own time of the run, recorded as its start."""
    ensure_row(name)
    free = or_(JobRun.locked_until.is_(None), JobRun.locked_until <= database_clock(db.session))
    # An UPDATE's result is a CursorResult (it has a rowcount); execute() is typed for any.
    result = cast(CursorResult[Any], db.session.execute(
        update(JobRun)
        .where(JobRun.name == name, or_(free, JobRun.locked_by == runner))
        .values(locked_by=runner, locked_until=database_clock(db.session, ttl),
                last_started_at=now)
        .execution_options(synchronize_session=False)))
    return result.rowcount == 1


def hold_run(name: str) -> None:
    """Lock the job's row until this transaction ends: one run of a job at a time, whoever
    runs it. A `sweep` run beside a scheduler waits here for the run in progress; the
    scheduler's next run waits for the sweep. SQLite: the transaction's write lock does it.
    """
    db.session.execute(select(JobRun.name).where(JobRun.name == name).with_for_update())


def lease_holder(name: str) -> tuple[str | None, datetime | None]:
    """Who holds the job's lease, and until when."""
    row = db.session.execute(select(JobRun.locked_by, JobRun.locked_until)
                             .where(JobRun.name == name)).first()
    return (row.locked_by, row.locked_until) if row else (None, None)


def _lease_values(runner: str | None, keep_for: timedelta | None) -> dict:
    """Keep the lease for keep_for more (a scheduler between runs), hand it back (a one-off
    run that held it), or leave it alone (runner None: a run beside the lease's holder)."""
    if runner is None:
        return {}
    if keep_for is None:
        return {"locked_by": None, "locked_until": None}
    return {"locked_by": runner, "locked_until": database_clock(db.session, keep_for)}


def _of(name: str, runner: str | None):
    """SQL: the job's row, held by this runner (any holder for runner None)."""
    if runner is None:
        return JobRun.name == name
    return (JobRun.name == name) & (JobRun.locked_by == runner)


def record_success(name: str, runner: str | None, now: datetime, result: str,
                   keep_for: timedelta | None) -> None:
    """Note a successful run (in the run's own transaction, so it commits with the work);
    runner None for a run that did not take the lease."""
    db.session.execute(
        update(JobRun).where(_of(name, runner))
        .values(last_success_at=now, last_result=result[:RESULT_LENGTH],
                **_lease_values(runner, keep_for))
        .execution_options(synchronize_session=False))


def record_failure(name: str, runner: str | None, now: datetime, error: BaseException,
                   keep_for: timedelta | None) -> None:
    """Note a failed run, described without the data a database error quotes; call it
    after rolling the run's work back."""
    db.session.execute(
        update(JobRun).where(_of(name, runner))
        .values(last_error_at=now, last_error=describe_error(error)[:ERROR_LENGTH],
                **_lease_values(runner, keep_for))
        .execution_options(synchronize_session=False))


def release_leases(runner: str) -> int:
    """Hand back every lease this runner holds (a scheduler shutting down)."""
    result = cast(CursorResult[Any], db.session.execute(
        update(JobRun).where(JobRun.locked_by == runner)
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)))
    return result.rowcount


def job_statuses(names: list[str], now: datetime, overdue_after: timedelta,
                 session: Session) -> dict:
    """Each job's last runs for /healthz, with a one-word state an operator can alert on
    (read through the health check's own session)."""
    rows = {run.name: run for run in session.scalars(
        select(JobRun).where(JobRun.name.in_(names)))}
    return {name: _status(rows.get(name), now, overdue_after) for name in names}


def _status(run: JobRun | None, now: datetime, overdue_after: timedelta) -> dict:
    """One job's status: never-run, ok, failing (last run failed) or overdue (no runner?)."""
    fields = ("last_started_at", "last_success_at", "last_result", "last_error_at",
              "last_error")
    status: dict[str, Any] = {field: getattr(run, field, None) for field in fields}
    success, error_at = status["last_success_at"], status["last_error_at"]
    if run is None or (success is None and error_at is None):
        state = "never-run"
    elif error_at is not None and (success is None or error_at > success):
        state = "failing"
    elif success is not None and now - success > overdue_after:
        state = "overdue"
    else:
        state = "ok"
    for field in ("last_started_at", "last_success_at", "last_error_at"):
        status[field] = status[field].isoformat() if status[field] else None
    return {"state": state, **status}
