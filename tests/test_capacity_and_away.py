"""Capacity and Away on the real database: new leads, returning leads, the transfer group,
the offline-owner sweep, the per-user maximum and the presence rule in SQL."""
from datetime import timedelta

from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.routing_helpers import busy, configure, decisions, message
from tests.words import explained
from webapp.db import utcnow
from webapp.domain.codes import Presence, RoutingReason
from webapp.domain.presence import is_online
from webapp.extensions import db
from webapp.models import MANAGER, Chat, User
from webapp.services import sweeps
from webapp.services.accounts import presence_timeout, user_presence
from webapp.services.transfers import transfer_chat


def away(user, minutes=0):
    """Switch the user to Away, `minutes` ago; commit."""
    user.away_since = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def test_a_new_lead_skips_a_pre_seller_at_the_teams_limit(make_user):
    configure(max_open_chats=2)
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima", online=True)
    busy(ana, 2, minutes_ago=300)  # two open chats, none in activity: Ana would win a tie
    busy(bruno, 1, minutes_ago=5)
    assert message("5511960000001").assignee_id == bruno.id
    chat = message("5511960000002")  # now both are full
    assert chat.assignee_id is None
    assert explained(decisions(chat.id)[0]).startswith(
        "Every online pre-seller is at their limit of open chats (2 pre-sellers)")


def test_a_pre_sellers_own_maximum_wins_over_the_teams(make_user):
    configure(max_open_chats=1)
    ana = make_user(name="Ana Souza", online=True, max_open_chats=3)
    busy(ana, 2, minutes_ago=300)
    assert message("5511960000003").assignee_id == ana.id
    assert message("5511960000004").assignee_id is None


def test_a_returning_lead_goes_to_its_owner_above_the_limit(make_user):
    configure(max_open_chats=1)
    ana = make_user(name="Ana Souza", online=True)
    first = message("5511960000005")
    busy(ana, 3)
    db.session.get(Chat, first.id).status = "closed"
    db.session.commit()
    again = message("5511960000005")
    assert again.assignee_id == ana.id
    assert decisions(again.id)[0].reason == RoutingReason.OWNER


def test_a_manual_transfer_beyond_the_limit_is_allowed(make_user):
    configure(max_open_chats=1)
    maria = make_user(role=MANAGER, name="Maria Manager")
    bruno = make_user(name="Bruno Lima", online=True)
    busy(bruno, 1)
    chat = make_chat(None)
    moved = transfer_chat(chat_id=chat.id, to_user_id=bruno.id, actor=maria,
                          expected_version=1, note="", now=utcnow())
    assert moved.assignee_id == bruno.id


def test_away_pre_sellers_get_no_new_lead_but_keep_their_chats(make_user):
    ana = make_user(name="Ana Souza", online=True)
    own = message("5511960000006")
    away(ana)
    bruno = make_user(name="Bruno Lima", online=True)
    busy(bruno, 5, minutes_ago=5)
    assert message("5511960000007").assignee_id == bruno.id
    assert message("5511960000006", preview="still there?").id == own.id  # continuation


def test_an_away_owners_returning_lead_goes_to_the_transfer_group(make_user, make_group):
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima", online=True)
    first = message("5511960000008")
    assert first.assignee_id == ana.id
    configure(offline_transfer_enabled=True,
              offline_transfer_group=make_group("Support", [bruno]))
    first.status = "closed"
    away(db.session.get(User, ana.id))
    again = message("5511960000008")
    assert (again.assignee_id, decisions(again.id)[0].reason) == \
        (bruno.id, RoutingReason.OFFLINE_TRANSFER)


def test_an_away_owners_waiting_chats_move_after_the_grace(make_user, make_group):
    ana = make_user(name="Ana Souza", online=True)
    chat = message("5511960000009")
    bruno = make_user(name="Bruno Lima", online=True)
    configure(offline_transfer_enabled=True, offline_grace_seconds=120,
              offline_transfer_group=make_group("Support", [bruno]))
    away(db.session.get(User, ana.id), minutes=1)
    assert sweeps.sweep_offline_owners(utcnow()) == []  # within the grace
    away(db.session.get(User, ana.id), minutes=3)
    moved = sweeps.sweep_offline_owners(utcnow())
    db.session.commit()
    assert [decision.chat_id for decision in moved] == [chat.id]
    assert db.session.get(Chat, chat.id).assignee_id == bruno.id


def test_presence_in_sql_and_in_python_agree_on_away(make_user):
    now = utcnow()
    people = [make_user(name="Available", online=True),
              make_user(name="Away", online=True, away_since=now - timedelta(minutes=1)),
              make_user(name="Long away", online=True, away_since=now - timedelta(hours=1)),
              make_user(name="Gone")]
    timeout = presence_timeout()
    online = set(db.session.scalars(select(User.id).where(User.online_clause(now, timeout))))
    assert online == {user.id for user in people
                      if is_online(user.signed_in, user.last_seen_at, now, timeout,
                                   away_since=user.away_since)} == {people[0].id}
    offline_long = set(db.session.scalars(select(User.id).where(
        User.offline_clause(now, timedelta(minutes=2), timeout))))
    assert offline_long == {people[2].id, people[3].id}
    assert [user_presence(user, now) for user in people] == \
        [Presence.AVAILABLE, Presence.AWAY, Presence.AWAY, Presence.OFFLINE]


def test_signing_in_starts_available(client, auth, make_user):
    ana = make_user(name="Ana Souza", away_since=utcnow() - timedelta(days=1))
    auth.login(ana)
    assert db.session.get(User, ana.id).away_since is None


def test_the_top_bar_switch_is_a_pre_sellers_own(client, auth, make_user, manager):
    ana = make_user(name="Ana Souza")
    auth.login(ana)
    page = client.get("/inbox").get_data(as_text=True)
    assert 'role="switch" aria-checked="true"' in page and ">Available<" in page
    badge = client.post("/presence/switch", data={"state": "away"}).get_data(as_text=True)
    assert 'aria-checked="false"' in badge and ">Away<" in badge
    assert client.post("/presence/switch", data={"state": "asleep"}).status_code == 400
    auth.logout()
    auth.login(manager)
    assert 'role="switch"' not in client.get("/telephony/chats").get_data(as_text=True)
    assert client.post("/presence/switch", data={"state": "away"}).status_code == 403
