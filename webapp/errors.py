"""Error pages: HTML for people, JSON for the API and the webhook."""
import json
import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from .auth.access import wants_json
from .extensions import db, login_manager
from .logsafe import describe_error, safe_exc_info

log = logging.getLogger(__name__)
FORM_EXPIRED = _l("The form was open too long or came from elsewhere. Reload the page and "
                  "try again.")
# The errors people meet, in their words (any other status keeps Werkzeug's English words).
HTTP_ERRORS = {
    400: (_l("Bad request"), _l("Relay could not read what was sent. Reload the page and try "
                                "again.")),
    403: (_l("Not allowed"), _l("Your role cannot open this page.")),
    404: (_l("Not found"), _l("This page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This address does not take that kind of request.")),
    413: (_l("Too large"), _l("What was sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Wait a minute and try again.")),
}


def _machine_client() -> bool:
    """API, webhook and health callers read JSON, never pages."""
    return wants_json() or request.path.startswith(("/webhooks/", "/healthz"))


def end_failed_transaction() -> None:
    """Roll back what the failed request left, so the error page (the signed-in user, the
    menu) reads the database afresh: a failed transaction would refuse every query."""
    try:
        db.session.rollback()
    except SQLAlchemyError as error:  # the connection may be gone; the pool replaces it
        log.warning("could not roll back before an error page: %s", describe_error(error))


def _render(status: int, title, message):
    """One error response in the form the client reads, on a clean transaction.

    The words may be lazy: they are said once the failed transaction is gone, as saying them
    reads the signed-in user (their language).
    """
    end_failed_transaction()
    title, message = str(title), str(message)
    if _machine_client():
        return jsonify(error=message), status
    return render_template("error.html", status=status, title=title, message=message), status


def database_unavailable(error: Exception):
    """503 at once when the database refuses, times out or is gone, and no data logged."""
    end_failed_transaction()
    log.error("database unavailable on %s %s: %s", request.method, request.path,
              describe_error(error))
    # The page must not ask the database who is signed in: render it as for a visitor.
    g._login_user = login_manager.anonymous_user()
    return _render(503, _l("Database unavailable"),
                   _l("Relay's database is not answering. Try again in a moment."))


def register_error_handlers(app: Flask) -> None:
    """Answer every error in a readable form; never leak a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        response = _render(400, _l("Form expired"), FORM_EXPIRED)
        if request.headers.get("HX-Request"):
            # htmx swaps no 4xx: the page itself shows the notice (js/requests.js).
            event = {"pageExpired": {"message": str(FORM_EXPIRED)}}
            return *response, {"HX-Trigger": json.dumps(event)}
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in HTTP_ERRORS and not _machine_client():
            title, message = HTTP_ERRORS[error.code]
            # A description the app gave (not Werkzeug's own) says more: keep it.
            if error.description and error.description != type(error).description:
                message = error.description
            return _render(error.code, title, message)
        return _render(error.code or 500, error.name, error.description or error.name)

    for unavailable in (OperationalError, PoolTimeout):
        app.register_error_handler(unavailable, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.error("unhandled error on %s %s", request.method, request.path,
                  exc_info=safe_exc_info(error))
        return _render(500, _l("Something went wrong"),
                       _l("Something went wrong on our side; nothing you sent was lost."))
