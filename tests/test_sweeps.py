"""The background sweeps with an injected clock: offline owners and expiry."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.chat_helpers import make_chat
from tests.routing_helpers import configure, decisions
from tests.words import explained
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, RoutingReason
from webapp.extensions import db
from webapp.models import Chat
from webapp.services.sweeps import expire_chats, sweep_offline_owners

GRACE = timedelta(seconds=120)


@pytest.fixture
def t0():
    """The moment the owner signs out."""
    return utcnow()


@pytest.fixture
def team(make_user, make_group, t0):
    """Olga signed out at t0; Gil and Gina form the transfer group and stay online."""
    olga = make_user(name="Olga Owner", signed_in=False, last_seen_at=t0)
    later = t0 + timedelta(hours=1)  # seen all along, as far as the injected clock goes
    gil = make_user(name="Gil", signed_in=True, last_seen_at=later)
    gina = make_user(name="Gina", signed_in=True, last_seen_at=later)
    group = make_group("Backup", [gil, gina])
    configure(offline_transfer_enabled=True, offline_transfer_group_id=group.id,
              offline_grace_seconds=int(GRACE.total_seconds()))
    return olga, gil, gina


def _sweep(now):
    """One sweep, committed as the job runner does."""
    moved = sweep_offline_owners(now)
    db.session.commit()
    return moved


def test_a_chat_moves_after_the_grace_not_before(team, t0):
    olga, gil, gina = team
    chat = make_chat(olga)
    assert _sweep(t0 + GRACE - timedelta(seconds=1)) == []
    assert db.session.get(Chat, chat.id).assignee_id == olga.id

    [decision] = _sweep(t0 + GRACE + timedelta(seconds=1))
    moved = db.session.get(Chat, chat.id)
    assert moved.assignee_id in (gil.id, gina.id)
    assert moved.lead.owner_id == moved.assignee_id  # the receiver becomes the owner
    # The system moved it (no actor).
    assert (decision.reason, decision.actor_id) == (RoutingReason.OFFLINE_TRANSFER, None)
    assert "Olga Owner went offline" in explained(decision)


def test_a_second_sweep_changes_nothing_more(team, t0):
    olga, _, _ = team
    chats = [make_chat(olga) for _ in range(3)]
    later = t0 + GRACE * 2
    assert len(_sweep(later)) == 3
    assert _sweep(later) == []
    assert [len(decisions(chat.id)) for chat in chats] == [1, 1, 1]


def test_moved_chats_are_spread_by_the_tiebreaker(team, t0):
    olga, gil, gina = team
    chats = [make_chat(olga) for _ in range(4)]
    _sweep(t0 + GRACE * 2)
    owners = [db.session.get(Chat, chat.id).assignee_id for chat in chats]
    assert sorted(owners.count(person.id) for person in (gil, gina)) == [2, 2]


def test_only_chats_whose_lead_spoke_last_move(team, t0):
    olga, _, _ = team
    answered = make_chat(olga, awaiting_reply=False)
    closed = make_chat(olga, status=ChatStatus.CLOSED)
    assert _sweep(t0 + GRACE * 2) == []
    assert db.session.get(Chat, answered.id).assignee_id == olga.id
    assert db.session.get(Chat, closed.id).assignee_id == olga.id


def test_nothing_moves_while_the_option_is_off(team, t0):
    olga, _, _ = team
    chat = make_chat(olga)
    configure(offline_transfer_enabled=False)
    assert _sweep(t0 + GRACE * 2) == []
    assert db.session.get(Chat, chat.id).assignee_id == olga.id


def test_with_nobody_online_in_the_group_the_chat_stays(team, t0):
    olga, gil, gina = team
    chat = make_chat(olga)
    for person in (gil, gina):
        person.signed_in = False
    db.session.commit()
    assert _sweep(t0 + GRACE * 2) == []
    assert db.session.get(Chat, chat.id).assignee_id == olga.id
    assert decisions(chat.id) == []


def test_an_owner_still_signed_in_counts_offline_only_after_presence_timeout_and_grace(
        team, t0):
    olga, _, _ = team
    olga.signed_in = True  # the browser closed without signing out: last seen at t0
    db.session.commit()
    chat = make_chat(olga)
    presence_timeout = timedelta(seconds=90)
    assert _sweep(t0 + presence_timeout + GRACE - timedelta(seconds=1)) == []
    assert len(_sweep(t0 + presence_timeout + GRACE + timedelta(seconds=1))) == 1
    assert db.session.get(Chat, chat.id).assignee_id != olga.id


def test_expiry_is_one_statement_and_idempotent(app, make_user, count_queries):
    ana = make_user()
    due = [make_chat(ana, window_left=timedelta(minutes=-1)) for _ in range(3)]
    fresh = make_chat(ana, window_left=timedelta(hours=1))
    with count_queries() as queries:
        assert expire_chats() == 3
    sql = [s for s in queries.statements if not s.startswith("BEGIN")]  # SQLite's BEGIN
    # One UPDATE of the chats (on PostgreSQL inside the statement that groups the
    # unanswered ones by hour; SQLite reads its clock once and groups them just before),
    # then one upsert of their report counts, whatever the number of chats.
    assert sum("UPDATE chats" in s for s in sql) == 1, sql
    assert sql[-1].startswith("INSERT INTO report_counts"), sql
    assert len(sql) == (2 if db.engine.dialect.name == "postgresql" else 4), sql
    db.session.commit()
    assert expire_chats() == 0
    db.session.commit()
    statuses = dict(db.session.execute(select(Chat.id, Chat.status)).all())
    assert [statuses[chat.id] for chat in due] == [ChatStatus.EXPIRED] * 3
    assert statuses[fresh.id] == ChatStatus.OPEN
    # The version moved, so a transfer dialog opened before the expiry refuses itself.
    assert db.session.scalar(select(func.min(Chat.version))
                             .where(Chat.status == ChatStatus.EXPIRED)) > 1


def test_an_expired_chat_leaves_the_inbox_and_the_active_list_and_is_read_only(
        app, client, auth, make_user, manager):
    ana = make_user(name="Ana Seller", email="ana@sweep.test")
    chat = make_chat(ana, name="Late Lead", window_left=timedelta(minutes=-1))
    expire_chats()
    db.session.commit()

    auth.login(ana)
    assert b"Late Lead" not in client.get("/inbox").data
    refused = client.post(f"/chats/{chat.id}/reply", data={"text": "Still there?"})
    assert refused.status_code in (200, 409, 422)
    assert b"expired" in refused.data.lower() or b"closed" in refused.data.lower()
    auth.logout()

    auth.login(manager)
    assert b"Late Lead" not in client.get("/telephony/chats").data
    assert b"Late Lead" in client.get("/telephony/chats?view=expired").data
