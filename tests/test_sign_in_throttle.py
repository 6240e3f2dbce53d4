"""Signing in: the same work for unknown e-mails and wrong passwords, and a throttle per
account and per client address that every worker and host shares through the database."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

import webapp.auth.routes
import webapp.models.users
from tests.conftest import PASSWORD, _test_config
from webapp import create_app
from webapp.db import utcnow
from webapp.extensions import db
from webapp.models import SignInFailure


@pytest.fixture
def hash_checks(monkeypatch):
    """Counts every password-hash check made while signing in."""
    calls = []
    real = webapp.models.users.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(webapp.models.users, "check_password_hash", counting)
    return calls


def sign_in(client, email, password="wrong password", address=None, forwarded=None):
    """One sign-in POST, from a given socket address and with a forwarded header if any."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    environ = {"REMOTE_ADDR": address} if address else {}
    return client.post("/login", data={"email": email, "password": password},
                       headers=headers, environ_base=environ)


@pytest.mark.parametrize("who", ["unknown e-mail", "wrong password", "deactivated",
                                 "right password"])
def test_every_sign_in_checks_exactly_one_password_hash(client, make_user, hash_checks, who):
    user = make_user(active=who != "deactivated")
    email = "nobody@example.test" if who == "unknown e-mail" else user.email
    sign_in(client, email, PASSWORD if who in ("deactivated", "right password") else "wrong!!")
    assert len(hash_checks) == 1


def test_an_unknown_email_is_checked_against_a_hash_made_like_real_ones(client, hash_checks):
    sign_in(client, "nobody@example.test")
    method = hash_checks[0].split("$", 1)[0]  # e.g. scrypt:32768:8:1: the same cost
    assert method == generate_password_hash("anything").split("$", 1)[0]


def test_five_failures_lock_the_account_and_say_when_to_try_again(client, pre_seller):
    for _ in range(5):
        assert sign_in(client, pre_seller.email).status_code == 200
    refused = sign_in(client, pre_seller.email, PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in refused.get_data(as_text=True)
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert client.get("/account").status_code == 302


def test_the_lock_lifts_when_the_failures_leave_the_window(client, pre_seller, monkeypatch):
    start = utcnow()
    for minute in range(5):
        monkeypatch.setattr(webapp.auth.routes, "utcnow",
                            lambda m=minute: start + timedelta(minutes=m))
        sign_in(client, pre_seller.email)
    monkeypatch.setattr(webapp.auth.routes, "utcnow", lambda: start + timedelta(minutes=10))
    refused = sign_in(client, pre_seller.email, PASSWORD)
    assert "Try again in 5 minutes." in refused.get_data(as_text=True)  # the first failure's turn
    monkeypatch.setattr(webapp.auth.routes, "utcnow",
                        lambda: start + timedelta(minutes=15, seconds=1))
    assert sign_in(client, pre_seller.email, PASSWORD).status_code == 303


def test_two_workers_on_one_database_share_the_count(app, client, database_url, tmp_path,
                                                     pre_seller):
    email = pre_seller.email
    db.session.commit()  # the test holds no transaction while the other app writes (SQLite)
    other_worker = create_app(_test_config(database_url, tmp_path / "other")).test_client()
    for worker in (client, other_worker, client, other_worker, client):
        assert sign_in(worker, email).status_code == 200
    assert sign_in(other_worker, email, PASSWORD).status_code == 429
    assert sign_in(client, email, PASSWORD).status_code == 429


def test_the_account_is_locked_whatever_address_the_attempts_come_from(client, pre_seller,
                                                                       make_user):
    for n in range(5):
        sign_in(client, pre_seller.email, address=f"198.51.100.{n}")
    assert sign_in(client, pre_seller.email, PASSWORD, address="203.0.113.9").status_code == 429
    someone_else = make_user()  # the address itself is not locked
    assert sign_in(client, someone_else.email, PASSWORD,
                   address="203.0.113.9").status_code == 303


def test_an_address_is_limited_across_accounts(app, client, make_user):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = 3
    for n in range(3):
        assert sign_in(client, f"guess{n}@example.test", address="198.51.100.7").status_code == 200
    user = make_user()
    assert sign_in(client, user.email, PASSWORD, address="198.51.100.7").status_code == 429
    assert sign_in(client, user.email, PASSWORD, address="198.51.100.8").status_code == 303


def test_a_forwarded_address_is_ignored_without_trusted_proxies(app, client, make_user):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = 3
    for n in range(3):  # anyone can send X-Forwarded-For: it must not pick the address
        sign_in(client, f"guess{n}@example.test", forwarded=f"198.51.100.{n}")
    user = make_user()
    assert sign_in(client, user.email, PASSWORD, forwarded="203.0.113.1").status_code == 429


def test_a_forwarded_address_counts_behind_one_trusted_proxy(database_url, tmp_path, app,
                                                             make_user):
    email = make_user().email
    db.session.commit()  # the test holds no transaction while the other app writes (SQLite)
    behind_proxy = create_app({**_test_config(database_url, tmp_path), "TRUSTED_PROXIES": 1,
                               "SIGN_IN_ADDRESS_LIMIT": 3})
    balancer = behind_proxy.test_client()  # every request comes from the balancer's socket
    for n in range(3):
        sign_in(balancer, f"guess{n}@example.test", forwarded="198.51.100.66")
    assert sign_in(balancer, email, PASSWORD, forwarded="198.51.100.66").status_code == 429
    # The rest of the team, behind the same balancer, is not locked out.
    assert sign_in(balancer, email, PASSWORD, forwarded="203.0.113.5").status_code == 303


def test_a_success_clears_its_accounts_failures(client, pre_seller):
    for _ in range(4):
        sign_in(client, pre_seller.email)
    assert sign_in(client, pre_seller.email, PASSWORD).status_code == 303
    client.post("/logout")
    for _ in range(5):  # a fresh count of five
        assert sign_in(client, pre_seller.email).status_code == 200


def test_a_success_leaves_its_addresss_failures_on_other_accounts(app, client, pre_seller):
    app.config["SIGN_IN_ADDRESS_LIMIT"] = 3
    sign_in(client, "guess1@example.test")
    sign_in(client, "guess2@example.test")
    assert sign_in(client, pre_seller.email, PASSWORD).status_code == 303
    client.post("/logout")
    assert sign_in(client, "guess3@example.test").status_code == 200
    assert sign_in(client, "guess4@example.test").status_code == 429


def test_failures_are_stored_as_keyed_hashes_and_old_ones_are_deleted(client, pre_seller,
                                                                      monkeypatch):
    start = utcnow()
    monkeypatch.setattr(webapp.auth.routes, "utcnow", lambda: start - timedelta(hours=1))
    sign_in(client, "typed-a-password-here@example.test")
    monkeypatch.setattr(webapp.auth.routes, "utcnow", lambda: start)
    sign_in(client, pre_seller.email)
    rows = db.session.scalars(select(SignInFailure)).all()
    assert len(rows) == 1  # the hour-old failure was cleaned up
    assert pre_seller.email not in rows[0].account_key and len(rows[0].account_key) == 64
    assert "127.0.0.1" not in rows[0].address_key
