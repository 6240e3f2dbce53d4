"""GET /healthz: is the database answering, when did each background job last succeed, and
how far behind the delivery consumer is."""
import logging

from flask import Flask, current_app, jsonify
from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..db import engine_options, utcnow
from ..jobs import job_statuses
from ..logsafe import describe_error
from ..services import deliveries
from . import bp

log = logging.getLogger(__name__)
# Seconds. A load balancer must hear "unavailable" in about two seconds, not when a hung
# database lets go: the check has its own connection with its own, shorter limits.
PROBE_TIMEOUT = 2
PROBE_LOCK_TIMEOUT = 1
PROBE_ENGINE = "relay_health_probe"


def init_app(app: Flask) -> None:
    """Give the app the check's engine: a fresh connection per check (no pooled connection
    to a server that stopped answering), bounded by the probe's timeouts."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(uri, connect_timeout=PROBE_TIMEOUT, statement_timeout=PROBE_TIMEOUT,
                             lock_timeout=PROBE_LOCK_TIMEOUT)
    if uri.startswith("sqlite"):
        options["connect_args"] = {"timeout": PROBE_TIMEOUT}  # SQLite's busy timeout
    app.extensions[PROBE_ENGINE] = create_engine(uri, poolclass=NullPool, **options)


@bp.get("/healthz")
def healthz():
    """200 while the database answers (with each job's state, and the deliveries' backlog:
    how many wait, the oldest's age in seconds, how many are dead); 503 with a reason otherwise,
    within about PROBE_TIMEOUT seconds.

    Job states are reported, not judged: a stalled jobs process does not take the web
    workers out of a load balancer. The body carries no configuration and no secrets.
    """
    try:
        with Session(current_app.extensions[PROBE_ENGINE]) as session:
            now = utcnow()
            jobs = job_statuses(now, session)
            queue = deliveries.queue_health(now, session)
    except SQLAlchemyError as error:
        log.error("health check: the database does not answer: %s", describe_error(error))
        response = jsonify(status="unavailable", database="unreachable",
                           reason="The database does not answer.")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok", jobs=jobs, deliveries=queue)
    response.headers["Cache-Control"] = "no-store"
    return response
