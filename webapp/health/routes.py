"""GET /healthz: is the database answering, and when did each background job last succeed."""
import logging

from flask import jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import utcnow
from ..extensions import db
from ..jobs import job_statuses
from . import bp

log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """200 while the database answers (with each job's state); 503 with a reason otherwise.

    Job states are reported, not judged: a stalled jobs process does not take the web
    workers out of a load balancer. The body carries no configuration and no secrets.
    """
    try:
        db.session.execute(text("SELECT 1"))
        jobs = job_statuses(utcnow())
        db.session.rollback()  # read-only: end the transaction at once
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("health check: the database is unreachable: %s", error)
        response = jsonify(status="unavailable", database="unreachable",
                           reason="The database does not answer.")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok", jobs=jobs)
    response.headers["Cache-Control"] = "no-store"
    return response
