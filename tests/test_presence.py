"""Presence: the one online rule (injected clock), last-seen writes and the heartbeat."""
from datetime import datetime, timedelta, timezone

from webapp.db import utcnow
from webapp.domain.presence import (is_online, needs_last_seen_write, offline_since,
                                    online_cutoff)
from webapp.extensions import db
from webapp.models import User
from webapp.services.accounts import online_clause

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
TIMEOUT = timedelta(seconds=90)


def test_online_when_signed_in_and_seen_within_timeout():
    assert is_online(True, NOW - timedelta(seconds=89), NOW, TIMEOUT)
    assert is_online(True, NOW - timedelta(seconds=90), NOW, TIMEOUT)


def test_offline_when_not_seen_within_timeout():
    assert not is_online(True, NOW - timedelta(seconds=91), NOW, TIMEOUT)


def test_offline_when_signed_out_even_if_just_seen():
    assert not is_online(False, NOW, NOW, TIMEOUT)


def test_offline_when_never_seen():
    assert not is_online(True, None, NOW, TIMEOUT)


def test_timeout_is_a_parameter():
    seen = NOW - timedelta(seconds=100)
    assert not is_online(True, seen, NOW, TIMEOUT)
    assert is_online(True, seen, NOW, timedelta(seconds=120))


def test_last_seen_is_written_at_most_every_15_seconds():
    assert needs_last_seen_write(None, NOW)
    assert not needs_last_seen_write(NOW - timedelta(seconds=14), NOW)
    assert needs_last_seen_write(NOW - timedelta(seconds=15), NOW)


def test_offline_since():
    seen = NOW - timedelta(minutes=5)
    assert offline_since(False, seen, TIMEOUT) == seen
    assert offline_since(True, seen, TIMEOUT) == seen + TIMEOUT
    assert offline_since(True, None, TIMEOUT) is None


def test_sql_rule_matches_python_rule(app, make_user):
    now = utcnow()
    cases = {
        make_user(signed_in=True, last_seen_at=now - timedelta(seconds=30)).id: True,
        make_user(signed_in=True, last_seen_at=now - timedelta(seconds=300)).id: False,
        make_user(signed_in=False, last_seen_at=now).id: False,
        make_user(signed_in=True, last_seen_at=None).id: False,
    }
    online_ids = set(db.session.scalars(db.select(User.id).where(online_clause(now, TIMEOUT))))
    assert online_ids == {i for i, online in cases.items() if online}
    assert cases == {u.id: is_online(u.signed_in, u.last_seen_at, now, TIMEOUT)
                     for u in db.session.scalars(db.select(User))}


def test_signed_in_request_updates_last_seen_once_per_interval(client, auth, pre_seller):
    auth.login(pre_seller)
    stale = utcnow() - timedelta(minutes=5)
    pre_seller.last_seen_at = stale
    db.session.commit()
    client.get("/account")
    db.session.refresh(pre_seller)
    first = pre_seller.last_seen_at
    assert first > stale
    client.get("/account")
    db.session.refresh(pre_seller)
    assert pre_seller.last_seen_at == first  # within 15 s: no second write


def test_heartbeat_renders_own_status(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.post("/presence/heartbeat", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="presence-badge"' in response.data and b"Online" in response.data
    assert b'hx-trigger="every 30s"' in response.data


def test_every_page_keeps_a_heartbeat(client, auth, pre_seller):
    auth.login(pre_seller)
    page = client.get("/account")
    assert b'hx-post="/presence/heartbeat"' in page.data


def test_sign_out_makes_offline_at_once(client, auth, pre_seller):
    auth.login(pre_seller)
    db.session.refresh(pre_seller)
    assert is_online(pre_seller.signed_in, pre_seller.last_seen_at, utcnow(), TIMEOUT)
    auth.logout()
    db.session.refresh(pre_seller)
    assert not is_online(pre_seller.signed_in, pre_seller.last_seen_at, utcnow(), TIMEOUT)


def test_cutoff():
    assert online_cutoff(NOW, TIMEOUT) == NOW - TIMEOUT
