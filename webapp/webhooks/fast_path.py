"""`POST /webhooks/whatsapp` served in front of Flask's request handling.

Meta's deliveries are most of Relay's requests, and the webhook must answer at the bare
stack's pace (issue 13). A Flask request costs about a millisecond of Python here (request
and app contexts, the session interface, Flask-Login, Babel, the hooks) that the webhook
never uses: it reads no cookie, signs nobody in and says nothing in a person's language. So
this small WSGI callable, wrapping `app.wsgi_app` (gunicorn, `make run` and the test
client all go through it), answers that one method and path itself with exactly what the
view answers (receipt.receive: the same checks, storage, wake-up, JSON and logs) and the
same security headers (security_headers.NOT_STORABLE). Every other request, and the rare
webhook request Flask would answer otherwise (no Content-Length, too large, a query string
to check), falls through to Flask untouched.
"""
import json
import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import ClientDisconnected, HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..logsafe import safe_exc_info
from ..security_headers import NOT_STORABLE
from ..whatsapp.signature import SIGNATURE_HEADER
from . import receipt

log = logging.getLogger(__name__)
PATH = "/webhooks/whatsapp"
# The header as WSGI names it.
SIGNATURE_KEY = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
UNEXPECTED = "Something went wrong on our side; please retry the delivery."


def init_app(app: Flask) -> None:
    """Serve the webhook's POSTs in front of the app (call last in create_app)."""
    receipt.init_app(app)
    # Flask documents wrapping wsgi_app in middleware; its annotations call it a method.
    app.wsgi_app = WebhookFastPath(app, app.wsgi_app)  # type: ignore[method-assign]


class WebhookFastPath:
    """WSGI middleware: a signed delivery is answered here; anything else goes to Flask."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        """In front of `wsgi_app`, the Flask app's own (possibly wrapped by ProxyFix)."""
        self.app = app
        self.wsgi_app = wsgi_app
        # jsonify's compact JSON with the app's settings, its encoder made once (the app's
        # json.dumps makes one per call).
        provider = app.json
        self.encode = json.JSONEncoder(
            ensure_ascii=getattr(provider, "ensure_ascii", True),
            sort_keys=getattr(provider, "sort_keys", True), separators=(",", ":"),
            default=getattr(provider, "default", None)).encode

    def __call__(self, environ: dict, start_response: Any) -> Iterable[bytes]:
        """Answer a delivery, or hand the request to Flask."""
        if not self.takes(environ):
            return self.wsgi_app(environ, start_response)
        length = int(environ["CONTENT_LENGTH"])
        try:
            body = environ["wsgi.input"].read(length)
            if len(body) < length:  # the client went away mid-body, as Werkzeug says it
                raise ClientDisconnected()
            answer = receipt.receive(self.app, body, environ.get(SIGNATURE_KEY))
        except HTTPException as error:
            answer = receipt.Answer(error.code or 400, {"error": error.description})
        except Exception as error:  # noqa: BLE001 - answer JSON, never a bare 500 page
            log.error("unhandled error on POST %s", PATH, exc_info=safe_exc_info(error))
            answer = receipt.Answer(500, {"error": UNEXPECTED})
        # jsonify's bytes and headers, without building a Response: per request, Werkzeug's
        # header bookkeeping cost more than the JSON.
        data = (self.encode(answer.body) + "\n").encode()
        start_response(f"{answer.status} {HTTP_STATUS_CODES[answer.status]}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(data))),
            *NOT_STORABLE])
        return [data]

    @staticmethod
    def takes(environ: dict) -> bool:
        """A POST to the webhook with a body of a stated size within the limit and no query
        string: what Meta sends. Flask answers the rest (413, a chunked body, a query string
        its guard checks), as it always has."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH:
            return False
        length = environ.get("CONTENT_LENGTH", "")
        return (length.isascii() and length.isdigit() and int(length) <= receipt.MAX_BODY_BYTES
                and not environ.get("HTTP_TRANSFER_ENCODING")
                and not environ.get("QUERY_STRING"))
