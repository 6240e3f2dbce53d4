"""API tokens: named, optionally expiring, last use noted, revoked by the CLI or on
Settings → API tokens, and revoked for good with their user's deactivation or demotion."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

import webapp.api.routes
from tests.conftest import PASSWORD
from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, ApiToken
from webapp.services import accounts


def make_token(runner, email, *options) -> str:
    """A token made by the CLI; returns the token."""
    result = runner.invoke(args=["create-api-token", email, *options])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def reads(client, token) -> int:
    """The status of an API read with this token."""
    return client.get("/api/chats", headers={"Authorization": f"Bearer {token}"}).status_code


def stored(token_id: int) -> ApiToken:
    """The token's row as it is now."""
    db.session.expire_all()
    return db.session.get(ApiToken, token_id)


def only_token() -> ApiToken:
    """The one token in the database."""
    db.session.expire_all()
    return db.session.scalars(select(ApiToken)).one()


def test_a_token_has_a_name_a_prefix_and_an_optional_expiry(runner, manager):
    token = make_token(runner, manager.email, "--name", "CRM sync", "--expires-days", "30")
    row = only_token()
    assert (row.name, row.prefix) == ("CRM sync", token[:8])
    assert timedelta(days=29, hours=23) < row.expires_at - utcnow() <= timedelta(days=30)
    make_token(runner, manager.email)
    unnamed = db.session.scalars(select(ApiToken).where(ApiToken.id != row.id)).one()
    assert (unnamed.name, unnamed.expires_at) == ("API token", None)


@pytest.mark.parametrize("options, message", [
    (["--expires-days", "0"], "0 is not in the range"),
    (["--expires-days", "99999"], "1 to 3650 days"),
    (["--name", "x" * 81], "at most 80 characters"),
])
def test_bad_token_options_are_refused(runner, manager, options, message):
    result = runner.invoke(args=["create-api-token", manager.email, *options])
    assert result.exit_code != 0 and message in result.output


def test_an_expired_token_stops_working(client, runner, manager, monkeypatch):
    token = make_token(runner, manager.email, "--expires-days", "1")
    assert reads(client, token) == 200
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(webapp.api.routes, "utcnow", lambda: later)
    assert reads(client, token) == 401


def test_last_use_is_noted_at_most_once_a_minute(client, runner, manager, monkeypatch):
    token = make_token(runner, manager.email)
    assert only_token().last_used_at is None
    start = utcnow()
    for seconds, expected in ((0, 0), (30, 0), (61, 61)):
        monkeypatch.setattr(webapp.api.routes, "utcnow",
                            lambda s=seconds: start + timedelta(seconds=s))
        reads(client, token)
        assert only_token().last_used_at == start + timedelta(seconds=expected)


@pytest.mark.parametrize("how", ["id", "prefix", "whole token", "user"])
def test_the_cli_revokes_a_token_for_good(client, runner, manager, how):
    token = make_token(runner, manager.email, "--name", "CRM sync")
    keep = make_token(runner, manager.email, "--name", "Reports")
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "CRM sync")).one()
    args = {"id": ["--id", str(row.id)], "prefix": ["--prefix", token[:8]],
            "whole token": ["--prefix", token], "user": ["--user", manager.email]}[how]
    result = runner.invoke(args=["revoke-api-token", *args])
    assert result.exit_code == 0, result.output
    assert reads(client, token) == 401
    assert stored(row.id).revoked_at is not None
    assert reads(client, keep) == (401 if how == "user" else 200)
    again = runner.invoke(args=["revoke-api-token", *args])
    assert {"id": "was already revoked", "user": "Revoked 0 tokens"}.get(
        how, "No unrevoked token starts with") in again.output


@pytest.mark.parametrize("args, message", [
    ([], "Name the token"),
    (["--id", "1", "--user", "a@b.c"], "Name the token"),
    (["--id", "424242"], "No API token with id 424242"),
    (["--prefix", "abc"], "at least the first 8 characters"),
    (["--prefix", "zzzzzzzz"], "No unrevoked token starts with zzzzzzzz"),
    (["--user", "nobody@example.test"], "No user"),
])
def test_the_cli_says_what_it_could_not_revoke(runner, manager, args, message):
    make_token(runner, manager.email)
    result = runner.invoke(args=["revoke-api-token", *args])
    assert result.exit_code != 0 and message in result.output


@pytest.mark.parametrize("away, back", [
    (lambda user, actor: accounts.set_active(user, False, actor),
     lambda user, actor: accounts.set_active(user, True, actor)),
    (lambda user, actor: accounts.change_role(user, PRE_SELLER, actor),
     lambda user, actor: accounts.change_role(user, MANAGER, actor)),
], ids=["deactivated then reactivated", "demoted then promoted"])
def test_a_token_dies_with_its_users_access_and_stays_dead(client, runner, manager, make_user,
                                                           away, back):
    marta = make_user(role=MANAGER, name="Marta")
    token = make_token(runner, marta.email)
    away(marta, manager)
    db.session.commit()
    assert only_token().revoked_at is not None  # revoked, not merely ignored
    back(marta, manager)
    db.session.commit()
    assert reads(client, token) == 401


def test_the_page_lists_every_token_with_owner_and_dates(client, auth, runner, manager,
                                                         make_user):
    marta = make_user(role=MANAGER, name="Marta Second")
    token = make_token(runner, marta.email, "--name", "CRM sync", "--expires-days", "7")
    make_token(runner, manager.email, "--name", "Old export")
    runner.invoke(args=["revoke-api-token", "--user", manager.email])
    reads(client, token)
    auth.login(manager)
    page = client.get("/settings/api-tokens").get_data(as_text=True)
    crm = page.split("CRM sync", 1)[1].split("</tr>", 1)[0]
    assert "Marta Second" in crm and token[:8] in crm and "Active" in crm
    assert crm.count("<time") == 3  # created, last used, expires
    old = page.split("Old export", 1)[1].split("</tr>", 1)[0]
    assert "Revoked" in old and "Never" in old and "Revoke…" not in old
    assert 'href="/settings/api-tokens"' in page  # in the settings navigation


def test_a_manager_revokes_a_token_after_confirming(client, auth, runner, manager):
    token = make_token(runner, manager.email, "--name", "CRM sync")
    row = only_token()
    auth.login(manager)
    page = client.get("/settings/api-tokens").get_data(as_text=True)
    dialog = re.search(rf'<dialog id="revoke-{row.id}".*?</dialog>', page, re.S).group(0)
    assert f'data-open-dialog="revoke-{row.id}"' in page  # the button only opens the dialog
    assert f'action="/settings/api-tokens/{row.id}/revoke"' in dialog
    response = client.post(f"/settings/api-tokens/{row.id}/revoke", follow_redirects=True)
    assert "The token “CRM sync” of Maria Manager is revoked" in response.get_data(as_text=True)
    assert reads(client, token) == 401
    again = client.post(f"/settings/api-tokens/{row.id}/revoke", follow_redirects=True)
    assert "was already revoked" in again.get_data(as_text=True)
    assert client.post("/settings/api-tokens/424242/revoke").status_code == 404


def test_pre_sellers_cannot_see_or_revoke_tokens(client, auth, runner, manager, pre_seller):
    token = make_token(runner, manager.email)
    auth.login(pre_seller)
    assert client.get("/settings/api-tokens").status_code == 403
    assert client.post(f"/settings/api-tokens/{only_token().id}/revoke").status_code == 403
    assert reads(client, token) == 200 and only_token().revoked_at is None


def test_revoking_needs_the_pages_csrf_token(app, client, auth, runner, manager):
    make_token(runner, manager.email)
    app.config["WTF_CSRF_ENABLED"] = True
    client.post("/login", data={"email": manager.email, "password": PASSWORD,
                                "csrf_token": _csrf(client.get("/login").data)})
    assert client.post(f"/settings/api-tokens/{only_token().id}/revoke").status_code == 400
    assert only_token().revoked_at is None


def _csrf(page: bytes) -> str:
    """The CSRF token a rendered page carries."""
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
