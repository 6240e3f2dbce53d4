"""Settings → Users through the test client."""
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from tests.conftest import PASSWORD
from webapp.db import utcnow
from webapp.domain.limits import PASSWORD_MAX_LENGTH
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, User


def user(email) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_the_list_shows_role_status_groups_and_who_is_online_now(client, auth, manager,
                                                                 make_user, make_group):
    ana = make_user(name="Ana Online", online=True)
    make_user(name="Olga Offline", signed_in=True,
              last_seen_at=utcnow() - timedelta(minutes=10))
    make_user(name="Dora Deactivated", active=False)
    make_group("North", [ana])
    auth.login(manager)
    page = client.get("/settings/users").get_data(as_text=True)
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0]
            for name in ("Ana Online", "Olga Offline", "Dora Deactivated")}
    assert "Online now" in rows["Ana Online"] and "North" in rows["Ana Online"]
    assert "Offline" in rows["Olga Offline"]
    assert "Deactivated" in rows["Dora Deactivated"] and "Reactivate" in rows["Dora Deactivated"]
    assert "4 users, 2 online now" in page  # Ana and the manager reading the page


def test_create_a_user_who_can_sign_in(client, auth, manager):
    auth.login(manager)
    response = client.post("/settings/users", data={
        "name": "Nina New", "email": "Nina@Example.test", "role": PRE_SELLER,
        "password": "long enough"})
    assert response.status_code == 303
    created = user("nina@example.test")
    assert (created.name, created.role, created.active) == ("Nina New", PRE_SELLER, True)
    assert created.password_hash != "long enough" and created.check_password("long enough")


@pytest.mark.parametrize("changes, error", [
    ({"email": "MANAGER@example.test"}, "A user with this e-mail already exists."),
    ({"email": "not-an-address"}, "Enter a valid e-mail address."),
    ({"password": "short"}, "Use at least 8 characters."),
    ({"name": ""}, "Enter their name."),
    ({"name": "   "}, "Enter their name."),
    ({"name": "\u200b \u3000"}, "Enter their name."),  # zero-width and ideographic spaces
    ({"password": " " * 12}, "Choose a password that is not only spaces."),
    ({"password": "x" * (PASSWORD_MAX_LENGTH + 1)}, f"Use at most {PASSWORD_MAX_LENGTH} "),
    ({"role": "owner"}, "Not a valid choice"),
])
def test_bad_input_is_a_field_error_and_keeps_what_was_typed(client, auth, manager, changes,
                                                             error):
    auth.login(manager)
    data = {"name": "Nina New", "email": "nina@example.test", "role": PRE_SELLER,
            "password": "long enough", **changes}
    response = client.post("/settings/users", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page
    if data["name"] == "Nina New":
        assert 'value="Nina New"' in page
    assert db.session.scalar(select(User).where(User.name == "Nina New")) is None


def test_change_role_deactivate_and_reactivate(client, auth, manager, make_user):
    ana = make_user(name="Ana", online=True)
    auth.login(manager)
    assert client.post(f"/settings/users/{ana.id}/role",
                       data={"role": MANAGER}).status_code == 303
    assert user(ana.email).role == MANAGER
    client.post(f"/settings/users/{ana.id}/role", data={"role": PRE_SELLER})
    assert client.post(f"/settings/users/{ana.id}/deactivate").status_code == 303
    gone = user(ana.email)
    assert (gone.active, gone.signed_in) == (False, False)  # offline at once
    assert client.post(f"/settings/users/{ana.id}/reactivate").status_code == 303
    assert user(ana.email).active is True


def test_a_deactivated_user_cannot_sign_in_and_is_signed_out(app, auth, manager, make_user):
    ana = make_user(name="Ana")
    other = app.test_client()
    other.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert other.get("/inbox").status_code == 200
    auth.login(manager)
    auth._client.post(f"/settings/users/{ana.id}/deactivate")
    assert other.get("/inbox").status_code == 302  # signed out on the next request
    response = other.post("/login", data={"email": ana.email, "password": PASSWORD})
    assert "deactivated" in response.get_data(as_text=True)


def test_a_manager_cannot_demote_or_deactivate_themselves(client, auth, manager):
    auth.login(manager)
    response = client.post(f"/settings/users/{manager.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate yourself" in response.get_data(as_text=True)
    response = client.post(f"/settings/users/{manager.id}/role", data={"role": PRE_SELLER},
                           follow_redirects=True)
    assert "You cannot change the role of yourself" in response.get_data(as_text=True)
    assert (user(manager.email).role, user(manager.email).active) == (MANAGER, True)


def test_users_are_for_managers(client, auth, pre_seller, make_user):
    ana = make_user()
    auth.login(pre_seller)
    assert client.get("/settings/users").status_code == 403
    assert client.post(f"/settings/users/{ana.id}/deactivate").status_code == 403
    assert user(ana.email).active is True


@pytest.mark.parametrize("count", [5, 200])
def test_the_users_page_issues_a_constant_number_of_queries(client, auth, manager, make_user,
                                                            make_group, count_queries, count):
    seen = utcnow()  # inserted in one go: hashing 200 passwords would only slow the test
    db.session.execute(insert(User), [
        {"email": f"p{n}@bulk.test", "name": f"Person {n}", "role": PRE_SELLER,
         "password_hash": "x", "active": n % 7 != 0, "signed_in": n % 2 == 0,
         "last_seen_at": seen} for n in range(count)])
    people = list(db.session.scalars(select(User).where(User.email.like("%@bulk.test"))))
    make_group("North", people[::2])
    make_group("South", people[1::3])
    auth.login(manager)
    client.get("/settings/users")  # warm: the first request may write last-seen
    with count_queries() as queries:
        page = client.get("/settings/users")
    assert page.status_code == 200
    assert queries.count <= 6, queries.statements


def test_the_longest_password_a_user_can_get_is_one_they_can_sign_in_with(client, auth,
                                                                          manager):
    longest = "p" * PASSWORD_MAX_LENGTH
    auth.login(manager)
    assert client.post("/settings/users", data={
        "name": "Lena Long", "email": "lena@example.test", "role": PRE_SELLER,
        "password": longest}).status_code == 303
    auth.logout()
    assert auth.login("lena@example.test", longest).status_code == 303


def test_names_are_stored_normalized(client, auth, manager):
    auth.login(manager)
    client.post("/settings/users", data={"name": "  Ｎina\u200b  Ｎew ", "role": PRE_SELLER,
                                         "email": "nina@example.test", "password": PASSWORD})
    assert user("nina@example.test").name == "Nina New"
