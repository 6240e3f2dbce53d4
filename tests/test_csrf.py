"""CSRF through Flask-WTF: forms and htmx posts without the token are refused; the signed
webhook is exempt because Meta cannot hold our token."""
import re

import pytest

from tests.conftest import PASSWORD
from tests.webhook_helpers import post_signed


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _token(page: bytes) -> str:
    """The token a rendered page carries for its forms and its htmx requests."""
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(rb'"X-CSRFToken": "([^"]+)"', page)
    assert match, "the page carries no CSRF token"
    return match.group(1).decode()


def test_a_form_post_without_the_token_is_refused_and_signs_nobody_in(csrf_app, client,
                                                                      pre_seller):
    """The sign-in form needs its token; the refusal explains itself."""
    response = client.post("/login", data={"email": pre_seller.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    assert client.get("/inbox").status_code == 302  # still signed out


def test_a_form_post_with_the_pages_token_goes_through(csrf_app, client, pre_seller):
    """The token from the rendered form is accepted."""
    token = _token(client.get("/login").data)
    response = client.post("/login", data={"email": pre_seller.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code in (302, 303)
    assert client.get("/inbox").status_code == 200


def _signed_in(client, user) -> str:
    """Sign in through the real form; returns the token htmx sends from <body>."""
    token = _token(client.get("/login").data)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return _token(client.get("/account").data)


def test_an_htmx_post_needs_the_header_token(csrf_app, client, pre_seller):
    """htmx requests carry X-CSRFToken from hx-headers; without it they are refused."""
    token = _signed_in(client, pre_seller)
    refused = client.post("/presence/heartbeat", headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post("/presence/heartbeat",
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 200


def test_a_forged_token_is_refused(csrf_app, client, pre_seller):
    """A token that was not issued by us does not pass."""
    _signed_in(client, pre_seller)
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/inbox").status_code == 200  # still signed in


def test_the_signed_webhook_is_exempt(csrf_app, client):
    """Meta posts without our token; the signature is its proof instead."""
    response = post_signed(client, {"object": "whatsapp_business_account", "entry": []})
    assert response.status_code == 200
