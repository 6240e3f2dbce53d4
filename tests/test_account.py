"""/account (issue 16): linked from the top bar; one's own password (ending the other
sessions); language, time zone and alerts."""
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, AuthActions
from webapp.extensions import db
from webapp.models import User

NEW = "a brand new passphrase"


def test_the_top_bar_links_the_users_name_to_their_account(client, auth, pre_seller):
    auth.login(pre_seller)
    html = client.get("/inbox").get_data(as_text=True)
    assert '<a class="me-name" href="/account"' in html


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, auth,
                                                                         pre_seller):
    other = app.test_client()
    AuthActions(other).login(pre_seller)
    auth.login(pre_seller)
    assert other.get("/account").status_code == 200

    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW})

    assert response.status_code == 303
    assert "signed you out everywhere else" in client.get("/account").get_data(as_text=True)
    assert other.get("/account").status_code == 302  # the other browser is signed out
    stored = db.session.get(User, pre_seller.id)
    db.session.refresh(stored)
    assert stored.check_password(NEW) and NEW not in stored.password_hash
    fresh = FlaskClient(app, app.response_class, use_cookies=True)
    assert AuthActions(fresh).login(pre_seller, NEW).status_code == 303


def test_a_wrong_current_password_or_a_mismatch_is_refused_on_the_field(client, auth,
                                                                       pre_seller):
    auth.login(pre_seller)
    wrong = client.post("/account/password", data={
        "current_password": "not it", "new_password": NEW, "confirm_password": NEW})
    assert wrong.status_code == 422
    assert 'id="current_password-error">That is not your current password.' in \
        wrong.get_data(as_text=True)
    mismatch = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW + "x"})
    assert mismatch.status_code == 422 and "The two new passwords differ." in \
        mismatch.get_data(as_text=True)
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "short"})
    assert short.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, pre_seller.id).check_password(PASSWORD)


def test_language_time_zone_and_alerts_are_saved_together(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.post("/account", data={"locale": "en", "timezone": "America/Manaus",
                                             "alerts_on": "y"})
    assert response.status_code == 303
    user = db.session.get(User, pre_seller.id)
    db.session.refresh(user)
    assert (user.locale, user.timezone, user.alerts_on) == ("en", "America/Manaus", True)
    client.post("/account", data={"locale": "en", "timezone": "America/Manaus"})
    db.session.refresh(user)
    assert user.alerts_on is False


def test_the_lists_prompt_turns_alerts_on_with_an_event(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.post("/account/alerts", data={"alerts": "on"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204 and "alertsChanged" in response.headers["HX-Trigger"]
    user = db.session.get(User, pre_seller.id)
    db.session.refresh(user)
    assert user.alerts_on is True
    assert client.post("/account/alerts", data={"alerts": "loud"}).status_code == 422


def test_the_lists_carry_the_users_alerts_preference(client, auth, pre_seller, manager):
    auth.login(pre_seller)
    assert 'data-alerts-on="false"' in client.get("/inbox").get_data(as_text=True)
    client.post("/account/alerts", data={"alerts": "on"})
    assert 'data-alerts-on="true"' in client.get("/inbox").get_data(as_text=True)
    auth.logout()
    auth.login(manager)
    assert 'data-alerts-on="false"' in client.get("/telephony/chats").get_data(as_text=True)
