"""Signing in and out, throttling, CSRF and cookies."""
from webapp.extensions import db
from webapp.models import User


def test_sign_in_and_out(client, auth, pre_seller):
    response = auth.login(pre_seller)
    assert response.status_code == 303
    db.session.refresh(pre_seller)
    assert pre_seller.signed_in
    assert client.get("/account").status_code == 200
    assert auth.logout().status_code == 303
    db.session.refresh(pre_seller)
    assert not pre_seller.signed_in
    assert client.get("/account").status_code == 302


def test_wrong_password_does_not_say_which(client, auth, pre_seller):
    wrong_password = auth.login(pre_seller, "nope nope")
    unknown_user = auth.login("nobody@example.test", "nope nope")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert b"Wrong e-mail or password." in response.data


def test_deactivated_user_cannot_sign_in(client, auth, make_user):
    user = make_user(active=False)
    response = auth.login(user)
    assert b"deactivated" in response.data
    assert client.get("/account").status_code == 302


def test_deactivated_while_signed_in_is_signed_out(client, auth, pre_seller):
    auth.login(pre_seller)
    pre_seller.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_repeated_failures_are_throttled(client, auth, pre_seller):
    statuses = [auth.login(pre_seller, "wrong pass").status_code for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    assert auth.login(pre_seller).status_code == 429  # even the right password waits


def test_successful_sign_ins_are_not_counted(client, auth, pre_seller):
    for _ in range(7):
        assert auth.login(pre_seller).status_code == 303
        auth.logout()


def test_next_is_followed_only_when_local(client, pre_seller):
    ok = client.post("/login?next=/account", data={"email": pre_seller.email,
                                                   "password": "correct horse battery"})
    assert ok.headers["Location"] == "/account"
    client.post("/logout")
    evil = client.post("/login?next=https://evil.example/", data={
        "email": pre_seller.email, "password": "correct horse battery"})
    assert "evil" not in evil.headers["Location"]


def test_session_cookie_flags(app, auth, pre_seller):
    app.config["SESSION_COOKIE_SECURE"] = True
    cookie = auth.login(pre_seller).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_passwords_are_hashed(pre_seller):
    stored = db.session.get(User, pre_seller.id).password_hash
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_anonymous_json_gets_401(client):
    response = client.get("/account", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "sign in required"}


def test_anonymous_htmx_gets_401_and_a_session_ended_event(client):
    response = client.post("/presence/heartbeat", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "sessionEnded" in response.headers["HX-Trigger"]
