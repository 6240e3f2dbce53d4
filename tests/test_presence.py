"""Presence: the one online rule (injected clock), its SQL twins, last-seen writes, the
heartbeat and the beacon of a closing last tab."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from webapp.db import utcnow
from webapp.domain.presence import (
    LEAVING_GRACE,
    is_online,
    last_seen_on_leaving,
    needs_last_seen_write,
    offline_cutoffs,
    online_cutoff,
)
from webapp.extensions import db
from webapp.models import User
from webapp.services.accounts import user_is_online

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TIMEOUT = timedelta(seconds=90)
GRACE = timedelta(minutes=2)


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


def test_a_deactivated_user_is_never_online():
    assert not is_online(True, NOW, NOW, TIMEOUT, active=False)


def test_offline_cutoffs_are_the_grace_and_the_timeout_before_now():
    signed_out_before, signed_in_before = offline_cutoffs(NOW, GRACE, TIMEOUT)
    assert signed_out_before == NOW - GRACE
    # Still signed in, someone went offline when the timeout ran out after they were seen:
    # offline for longer than the grace means not online `grace` ago.
    assert signed_in_before == online_cutoff(NOW - GRACE, TIMEOUT) == NOW - GRACE - TIMEOUT


def test_sql_rule_matches_python_rule(app, make_user):
    now = utcnow()
    cases = {
        make_user(signed_in=True, last_seen_at=now - timedelta(seconds=30)).id: True,
        make_user(signed_in=True, last_seen_at=now - timedelta(seconds=300)).id: False,
        make_user(signed_in=False, last_seen_at=now).id: False,
        make_user(signed_in=True, last_seen_at=None).id: False,
    }
    online = User.online_clause(now, TIMEOUT)
    online_ids = set(db.session.scalars(db.select(User.id).where(online)))
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


def test_a_deactivated_user_is_offline_in_sql_and_on_pages(app, make_user):
    now = utcnow()
    gone = make_user(active=False, signed_in=True, last_seen_at=now)
    assert not user_is_online(gone, now)
    online = User.online_clause(now, TIMEOUT)
    assert db.session.scalars(db.select(User.id).where(online)).all() == []


# (signed in, seconds since last seen or None, active) → offline for longer than the grace
OFFLINE_CASES = [
    ((False, 121, True), True),   # signed out just over the grace ago
    ((False, 120, True), False),  # signed out exactly the grace ago: not longer than it
    ((False, 30, True), False),
    ((True, 211, True), True),    # last seen + timeout is just over the grace ago
    ((True, 210, True), False),
    ((True, 30, True), False),    # online
    ((True, None, True), True),   # never seen
    ((False, 0, False), True),    # deactivated: offline all along
]


@pytest.mark.parametrize("user, offline", OFFLINE_CASES)
def test_the_offline_owner_rule_as_the_sweep_runs_it(app, make_user, user, offline):
    signed_in, seconds, active = user
    seen = None if seconds is None else NOW - timedelta(seconds=seconds)
    who = make_user(signed_in=signed_in, last_seen_at=seen, active=active)
    found = db.session.scalars(db.select(User.id).where(
        User.offline_clause(NOW, GRACE, TIMEOUT))).all()
    assert (found == [who.id]) is offline


def test_offline_past_the_grace_means_not_online_grace_ago(app, make_user):
    """The sweep's rule and the pages' rule agree: a signed-in user the sweep finds offline
    was not online `grace` before now, and one it leaves alone was."""
    people = [make_user(signed_in=True, last_seen_at=NOW - timedelta(seconds=s))
              for s in (150, 209, 210, 211, 300)]
    found = set(db.session.scalars(db.select(User.id).where(
        User.offline_clause(NOW, GRACE, TIMEOUT))))
    assert found == {p.id for p in people
                     if not is_online(True, p.last_seen_at, NOW - GRACE, TIMEOUT)}


def test_leaving_sets_last_seen_so_the_timeout_ends_after_the_grace():
    leaving = NOW - TIMEOUT + LEAVING_GRACE
    assert last_seen_on_leaving(NOW, NOW, TIMEOUT) == leaving
    assert last_seen_on_leaving(None, NOW, TIMEOUT) == leaving
    assert last_seen_on_leaving(NOW - timedelta(minutes=5), NOW, TIMEOUT) == \
        NOW - timedelta(minutes=5)  # never seen later than they were
    assert is_online(True, leaving, NOW + LEAVING_GRACE, TIMEOUT)
    assert not is_online(True, leaving, NOW + LEAVING_GRACE + timedelta(seconds=1), TIMEOUT)


def test_closing_the_last_tab_makes_offline_within_seconds_unless_seen_again(client, auth,
                                                                             pre_seller):
    auth.login(pre_seller)
    assert client.post("/presence/leave").status_code == 204
    left = utcnow()
    db.session.refresh(pre_seller)
    assert pre_seller.signed_in  # never signed out: another tab or page may follow
    assert user_is_online(pre_seller, now=left)
    assert not user_is_online(pre_seller, now=left + LEAVING_GRACE + timedelta(seconds=1))

    client.get("/account")  # the page they went to: seen again, so online as before
    db.session.refresh(pre_seller)
    assert user_is_online(pre_seller, now=left + LEAVING_GRACE + timedelta(seconds=1))


@pytest.mark.parametrize("path", ["/static/favicon.svg", "/favicon.ico"])
def test_a_file_fetched_after_the_last_tab_closed_does_not_bring_them_back(
        client, auth, pre_seller, path):
    # A closing tab's late favicon or script request is no sign of a person: only pages and
    # the app's own requests count as being seen. Chromium asks for /favicon.ico after the
    # beacon (the browser journey failed so in CI).
    auth.login(pre_seller)
    assert client.post("/presence/leave").status_code == 204
    left = utcnow()
    assert client.get(path).status_code == 200
    db.session.refresh(pre_seller)
    assert not user_is_online(pre_seller, now=left + LEAVING_GRACE + timedelta(seconds=1))


def test_the_beacon_needs_the_pages_csrf_token(app, client, auth, pre_seller):
    auth.login(pre_seller)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/account").get_data(as_text=True)
    script = re.search(r'<script src="/static/js/presence.js"[^>]*>', page).group(0)
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', script))
    assert attributes["leave-url"] == "/presence/leave"
    assert attributes["seen-url"] == "/presence/heartbeat"
    assert attributes["grace-seconds"] == str(int(LEAVING_GRACE.total_seconds()))
    assert client.post("/presence/leave").status_code == 400
    response = client.post("/presence/leave", data={"csrf_token": attributes["csrf-token"]})
    assert response.status_code == 204


def test_pages_before_sign_in_count_no_tabs(client):
    assert b"presence.js" not in client.get("/login").data
