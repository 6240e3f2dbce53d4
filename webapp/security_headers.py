"""Security headers on every response; nothing but static files may be stored by a browser.

The one home of these rules: Flask's responses get them after each request, and the
webhook's fast path (webhooks.fast_path, outside Flask's request handling) NOT_STORABLE.
"""
from flask import Flask, Response, request

# No inline script, style or handler and no eval anywhere: every behaviour lives in
# /static, and htmx is told not to eval (the htmx-config meta in base.html).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # a data: image (an icon) carries no script
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# Endpoints that serve our own files, never lead data: the browser may keep them, and
# asking for one is not a sign of a person (presence ignores them).
FILE_ENDPOINTS = frozenset({"static", "favicon"})
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# The headers of an answer no browser may store, as WSGI header pairs, for answers made
# outside Flask (the webhook's fast path): the same rules, written once.
NOT_STORABLE = (*HEADERS.items(), ("Cache-Control", "no-store"))


def _secure(response: Response) -> Response:
    """Add the headers; pages, fragments and JSON carry lead data, so none may be stored.

    no-store also keeps Back from showing a chat that has since moved on: the browser asks
    again, and the server answers as things are now.
    """
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in FILE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Set the security headers on every response the app sends."""
    app.after_request(_secure)
