"""Security headers on pages, fragments, the API and the webhook; nothing but static files
stored by browsers; form tokens that expire; cookies sent over HTTPS only by default."""
import json
import re
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner

from tests.chat_helpers import make_chat
from tests.conftest import PASSWORD, _test_config
from tests.webhook_helpers import post_signed
from webapp import create_app
from webapp.errors import FORM_EXPIRED
from webapp.extensions import db

TEMPLATES = Path(__file__).resolve().parent.parent / "webapp" / "templates"
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CSP_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
                  "object-src 'none'", "base-uri 'self'", "form-action 'self'")


def assert_secured(response) -> None:
    """Every security header is there, and the CSP allows no inline script and no eval."""
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    policy = response.headers.get("Content-Security-Policy", "")
    directives = [part.strip() for part in policy.split(";")]
    for directive in CSP_DIRECTIVES:
        assert directive in directives, directive
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.fixture
def token(runner, manager):
    """An API bearer token."""
    return runner.invoke(args=["create-api-token", manager.email]).output.strip().splitlines()[-1]


def test_a_page_a_fragment_and_an_error_are_secured_and_never_stored(client, auth, pre_seller):
    make_chat(pre_seller, name="Lucia Lead")
    auth.login(pre_seller)
    page = client.get("/inbox")
    fragment = client.get("/inbox/chats", headers={"HX-Request": "true"})
    missing = client.get("/no-such-page")
    assert b"Lucia Lead" in page.data and b"Lucia Lead" in fragment.data
    for response in (page, fragment, missing):
        assert_secured(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_the_conversation_and_its_polled_parts_are_never_stored(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    for path in (f"/chats/{chat.id}", f"/chats/{chat.id}/live", f"/chats/{chat.id}/window"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_api_is_secured_and_never_stored(client, token, pre_seller):
    make_chat(pre_seller, name="Lucia Lead")
    response = client.get("/api/chats", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and b"Lucia Lead" in response.data
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_webhook_answers_are_secured(client):
    response = post_signed(client, {"object": "whatsapp_business_account", "entry": []})
    assert response.status_code == 200
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/static/app.css", "/favicon.ico"])
def test_static_files_are_secured_and_stay_cacheable(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_secured(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix()
                                            for p in TEMPLATES.rglob("*.html")))
def test_no_template_needs_inline_script_style_or_eval(template):
    """What the CSP would block: inline scripts, style attributes, on* handlers, hx-on, js:."""
    html = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script>"
    assert not re.search(r"<style|<[a-z][^>]*\sstyle\s*=", html), "inline style"
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"hx-on|[\"']js:|javascript:", html), "htmx eval"


def test_htmx_is_configured_by_a_meta_without_eval_or_injected_styles(client):
    html = client.get("/login").get_data(as_text=True)
    content = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1)
    config = json.loads(content)
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0
    assert {"code": "422", "swap": True} in config["responseHandling"]


# ---- Form tokens expire with the session's lifetime ----

def test_form_tokens_last_as_long_as_a_session(app, tmp_path, database_url):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 12 * 3600
    shorter = create_app({**_test_config(database_url, tmp_path), "SESSION_LIFETIME_HOURS": 2})
    assert shorter.config["WTF_CSRF_TIME_LIMIT"] == 2 * 3600


def _page_token(client, path: str) -> str:
    """The token a page gives htmx (hx-headers on <body>)."""
    return re.search(r'"X-CSRFToken": "([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _later(monkeypatch, hours: float) -> None:
    """Tokens are checked this many hours after they were issued."""
    issued = TimestampSigner.get_timestamp

    def later(self):
        return issued(self) + int(hours * 3600)

    monkeypatch.setattr(TimestampSigner, "get_timestamp", later)


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _sign_in(client, user) -> None:
    """Sign in through the real form, token included."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})


def test_a_token_from_a_page_open_11_hours_still_works(csrf_app, client, pre_seller,
                                                      monkeypatch):
    _sign_in(client, pre_seller)
    token = _page_token(client, "/account")
    _later(monkeypatch, 11)
    response = client.post("/presence/heartbeat",
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200


def test_an_expired_token_on_an_htmx_post_tells_the_page_to_say_reload(csrf_app, client,
                                                                        pre_seller, monkeypatch):
    chat = make_chat(pre_seller)
    _sign_in(client, pre_seller)
    token = _page_token(client, f"/chats/{chat.id}")
    _later(monkeypatch, 13)
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Still there?"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 400
    event = json.loads(response.headers["HX-Trigger"])
    assert event == {"pageExpired": {"message": FORM_EXPIRED}}
    assert "Reload the page" in FORM_EXPIRED


def test_an_expired_token_on_a_form_post_shows_the_error_page(csrf_app, client, pre_seller,
                                                             monkeypatch):
    _sign_in(client, pre_seller)
    token = _page_token(client, "/account")
    _later(monkeypatch, 13)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 400
    assert b"Reload the page" in response.data and "HX-Trigger" not in response.headers


# ---- Cookies over HTTPS only, unless debugging or testing ----

def _config(database_url, tmp_path, **overrides) -> dict:
    """The test configuration without TESTING (as in production), plus overrides."""
    config = {**_test_config(database_url, tmp_path), **overrides}
    config.pop("TESTING")
    return config


def test_cookies_are_secure_by_default_in_production(database_url, tmp_path, monkeypatch,
                                                     pre_seller):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    email = pre_seller.email
    db.session.rollback()  # SQLite: leave the database to the production app
    app = create_app(_config(database_url, tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    signed_in = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert signed_in.status_code in (302, 303)
    cookie = signed_in.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_plain_http_can_be_allowed_by_the_environment(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    app = create_app(_config(database_url, tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


def test_debugging_and_testing_use_plain_http_cookies(app, database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert app.config["SESSION_COOKIE_SECURE"] is False  # TESTING
    monkeypatch.setenv("FLASK_DEBUG", "1")
    debugging = create_app(_config(database_url, tmp_path))
    assert debugging.config["SESSION_COOKIE_SECURE"] is False
