"""Server-side sessions: a cookie stops working when its session ends (sign-out,
deactivation, a role or password change) and after SESSION_LIFETIME_HOURS, copies included."""
from datetime import timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import func, select

import webapp.auth.access
from tests.conftest import PASSWORD
from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, User, UserSession
from webapp.services import accounts


def copy_of(app, client):
    """A second browser holding a copy of client's cookies (an attacker's, or a backup)."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie:
            thief.set_cookie(name, cookie.value)
    return thief


def signed_in(client) -> bool:
    """Does this browser reach a signed-in page?"""
    return client.get("/account").status_code == 200


def fresh(user: User) -> User:
    """The user as stored now."""
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.fixture
def manager_client(app, manager):
    """A manager signed in in a browser of their own."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": manager.email,
                                        "password": PASSWORD}).status_code == 303
    return browser


def test_a_copied_cookie_stops_working_at_sign_out_and_does_not_bring_the_user_online(
        app, client, auth, pre_seller):
    auth.login(pre_seller)
    copy = copy_of(app, client)
    assert signed_in(copy)
    auth.logout()
    assert not signed_in(copy)
    assert copy.post("/presence/heartbeat").status_code == 302
    assert fresh(pre_seller).signed_in is False  # so no chats are routed to them


def test_signing_out_one_browser_keeps_the_others(app, client, auth, pre_seller):
    auth.login(pre_seller)
    laptop = app.test_client()
    laptop.post("/login", data={"email": pre_seller.email, "password": PASSWORD})
    auth.logout()
    assert not signed_in(client)
    assert signed_in(laptop)


def test_old_cookies_stay_dead_after_deactivate_then_reactivate(app, client, auth, pre_seller,
                                                                manager_client):
    auth.login(pre_seller)
    copy = copy_of(app, client)
    manager_client.post(f"/settings/users/{pre_seller.id}/deactivate")
    manager_client.post(f"/settings/users/{pre_seller.id}/reactivate")
    assert fresh(pre_seller).active
    assert not signed_in(client) and not signed_in(copy)
    assert auth.login(pre_seller).status_code == 303 and signed_in(client)  # afresh


@pytest.mark.parametrize("role", [MANAGER, PRE_SELLER])
def test_a_role_change_ends_every_session_of_that_user(app, make_user, manager,
                                                       manager_client, role):
    other_role = PRE_SELLER if role == MANAGER else MANAGER
    person = make_user(role=other_role)
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/login", data={"email": person.email, "password": PASSWORD})
    manager_client.post(f"/settings/users/{person.id}/role", data={"role": role})
    assert fresh(person).role == role
    assert not any(signed_in(browser) for browser in browsers)
    assert signed_in(manager_client)  # the manager who did it is untouched


def test_a_password_change_ends_every_session(app, client, auth, pre_seller, make_user):
    colleague = make_user()
    other = app.test_client()
    other.post("/login", data={"email": colleague.email, "password": PASSWORD})
    auth.login(pre_seller)
    copy = copy_of(app, client)
    accounts.change_password(fresh(pre_seller), "a brand new password")
    db.session.commit()
    assert not signed_in(client) and not signed_in(copy)
    assert signed_in(other)
    assert auth.login(pre_seller, "a brand new password").status_code == 303


def test_a_too_short_new_password_is_refused(pre_seller):
    with pytest.raises(accounts.AccountError, match="at least 8"):
        accounts.change_password(pre_seller, "short")


@pytest.mark.parametrize("hours, lifetime, alive", [
    (11.9, 12, True), (12.1, 12, False), (0.9, 1, True), (1.1, 1, False)])
def test_a_session_ends_after_its_absolute_lifetime(app, client, auth, pre_seller, monkeypatch,
                                                    hours, lifetime, alive):
    app.config["SESSION_LIFETIME_HOURS"] = lifetime
    auth.login(pre_seller)
    later = utcnow() + timedelta(hours=hours)
    monkeypatch.setattr(webapp.auth.access, "utcnow", lambda: later)  # time travel
    assert signed_in(client) is alive


def test_the_default_lifetime_is_twelve_hours(app):
    assert app.config["SESSION_LIFETIME_HOURS"] == 12


def test_expired_sessions_are_deleted_when_someone_signs_in(app, auth, pre_seller, make_user):
    db.session.add(UserSession(user_id=pre_seller.id, token_hash="0" * 64,
                               created_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    auth.login(make_user())
    assert db.session.scalar(select(func.count(UserSession.id))) == 1  # the new one only


def test_sessions_are_stored_hashed(client, auth, pre_seller):
    auth.login(pre_seller)
    with client.session_transaction() as cookie_session:
        token = cookie_session[webapp.auth.access.SESSION_TOKEN_KEY]
    stored = db.session.scalars(select(UserSession.token_hash)).one()
    assert token not in stored and len(stored) == 64


def test_a_remember_me_cookie_signs_nobody_in(app, pre_seller):
    """Relay never sets one; a forged or old one cannot stand in for a live session."""
    browser = app.test_client()
    with app.test_request_context():
        browser.set_cookie("remember_token", encode_cookie(str(pre_seller.id)))
    assert not signed_in(browser)
