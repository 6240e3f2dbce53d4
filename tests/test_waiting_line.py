"""The waiting line on the real database: the moments that give waiting chats out at once,
the minute job behind them, set-based writes, and races (real threads; PostgreSQL too)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.conftest import PASSWORD
from tests.routing_helpers import at_once, busy, configure, decisions, message
from tests.words import explained
from webapp import jobs
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, RoutingReason
from webapp.extensions import db
from webapp.models import MANAGER, Chat, RoutingDecision, User
from webapp.services import availability
from webapp.services.transfers import close_chat, transfer_chat
from webapp.services.waiting_line import give_out_waiting


def waiting_chat(minutes_ago: float, **fields) -> Chat:
    """An unassigned open chat that opened (and whose lead wrote) `minutes_ago`."""
    return make_chat(None, last_message_at=utcnow() - timedelta(minutes=minutes_ago), **fields)


def reload(chat: Chat) -> Chat:
    """The chat as committed now."""
    db.session.expire_all()
    return db.session.get(Chat, chat.id)


@pytest.fixture
def maria(make_user):
    """A manager."""
    return make_user(role=MANAGER, name="Maria Manager")


def test_signing_in_gives_the_oldest_waiting_chat_at_once(client, auth, make_user):
    newer, older = waiting_chat(5), waiting_chat(30)
    ana = make_user(name="Ana Souza")
    assert auth.login(ana).status_code == 303
    for chat in (older, newer):
        assert reload(chat).assignee_id == ana.id
        assert reload(chat).lead.owner_id == ana.id
    given = decisions(older.id)[-1]
    assert (given.reason, given.assignee_id, given.actor_id) == \
        (RoutingReason.WAITING_LINE, ana.id, None)
    assert explained(given).startswith("Waited 30 min for someone with room; 1 online pre-seller "
                                   "eligible: Ana Souza.")
    # Oldest first: the older chat was given first (Ana's last assignment is the same now).
    assert decisions(older.id)[-1].id < decisions(newer.id)[-1].id
    assert reload(older).version == 2 and reload(older).assigned_at is not None


def test_switching_back_to_available_gives_waiting_chats_and_away_gets_none(client, auth,
                                                                             make_user):
    ana = make_user(name="Ana Souza")
    auth.login(ana)
    assert client.post("/presence/switch", data={"state": "away"}).status_code == 200
    assert db.session.get(User, ana.id).away_since is not None
    chat = message("5511970000001")  # a new lead while Ana is Away: nobody else is online
    assert chat.assignee_id is None
    page = client.post("/presence/switch", data={"state": "available"}).get_data(as_text=True)
    assert reload(chat).assignee_id == ana.id
    assert 'aria-checked="true"' in page and "Available" in page


def test_coming_back_online_by_the_heartbeat_gives_waiting_chats(client, auth, make_user):
    ana = make_user(name="Ana Souza")
    auth.login(ana)
    db.session.execute(db.update(User).where(User.id == ana.id)
                       .values(last_seen_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()  # her laptop slept: she is offline, still signed in
    chat = waiting_chat(3)
    assert reload(chat).assignee_id is None
    client.post("/presence/heartbeat")
    assert reload(chat).assignee_id == ana.id


def test_closing_a_chat_at_the_limit_gives_the_room_to_a_waiting_chat(make_user):
    configure(max_open_chats=1)
    ana = make_user(name="Ana Souza", online=True)
    own = make_chat(ana)
    waiting = waiting_chat(10)
    assert give_out_waiting(utcnow()) == []  # Ana is at her limit
    close_chat(own, db.session.get(User, ana.id), utcnow())
    db.session.commit()
    assert reload(waiting).assignee_id == ana.id


def test_a_chat_transferred_away_makes_room_for_a_waiting_chat(make_user, maria):
    configure(max_open_chats=1)
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima")  # offline: a manual transfer may go to him anyway
    own, waiting = make_chat(ana), waiting_chat(10)
    transfer_chat(chat_id=own.id, to_user_id=bruno.id, actor=maria, expected_version=1,
                  note="", now=utcnow())
    db.session.commit()
    assert reload(waiting).assignee_id == ana.id


def test_an_expired_chat_makes_room_in_the_same_run_of_the_expiry_job(make_user):
    configure(max_open_chats=1)
    ana = make_user(name="Ana Souza", online=True)
    make_chat(ana, window_left=timedelta(seconds=-1))
    waiting = waiting_chat(10)
    result = jobs.expire_chats_job(utcnow())
    db.session.commit()
    assert result == (f"1 chat expired; 1 waiting chat given out: chat {waiting.id} → "
                      "Ana Souza")
    assert reload(waiting).assignee_id == ana.id


def test_the_minute_job_is_the_backstop(make_user):
    waiting = waiting_chat(10)
    ana = make_user(name="Ana Souza", online=True)  # online without a moment that told us
    assert jobs.waiting_line_job(utcnow()) == (f"1 waiting chat given out: chat {waiting.id} "
                                               "→ Ana Souza")
    db.session.commit()
    assert reload(waiting).assignee_id == ana.id
    assert jobs.waiting_line_job(utcnow()) == "0 waiting chats given out"


def test_with_the_setting_off_chats_wait_for_a_manager(client, auth, make_user):
    configure(give_waiting_chats=False)
    waiting = waiting_chat(10)
    auth.login(make_user(name="Ana Souza"))
    assert jobs.waiting_line_job(utcnow()) == "0 waiting chats given out"
    assert reload(waiting).assignee_id is None


def test_a_chat_past_its_window_never_goes_out(make_user):
    past = waiting_chat(10, window_left=timedelta(seconds=-5))
    make_user(name="Ana Souza", online=True)
    give_out_waiting(utcnow())
    db.session.commit()
    assert reload(past).assignee_id is None


def test_chats_go_out_one_by_one_by_the_tiebreaker_up_to_each_limit(make_user):
    configure(max_open_chats=2)
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima", online=True)
    busy(bruno, 1, minutes_ago=5)  # Bruno has one chat in activity already
    line = [waiting_chat(50 - n) for n in range(5)]
    give_out_waiting(utcnow())
    db.session.commit()
    # Ana (0 in activity), then a tie at 1 that Bruno wins (never given a chat, Ana just
    # was), then Ana; then both are at their limit of 2 and the rest keep waiting.
    assert [reload(chat).assignee_id for chat in line] == [ana.id, bruno.id, ana.id, None, None]


def test_giving_out_is_set_based(make_user, count_queries):
    """The same few statements for 3 waiting chats as for 30."""
    make_user(name="Ana Souza", online=True)
    make_user(name="Bruno Lima", online=True)

    def statements(chats: int) -> int:
        for n in range(chats):
            waiting_chat(40 - n % 30)
        with count_queries() as counted:
            given = give_out_waiting(utcnow())
        db.session.commit()
        assert len(given) == chats
        return counted.count

    assert statements(3) == statements(30)


def test_two_pre_sellers_signing_in_at_once_get_one_waiting_chat_once(app, make_user):
    chat_id = waiting_chat(10).id
    emails = [make_user(name="Ana Souza").email, make_user(name="Bruno Lima").email]
    results = at_once(app, [lambda email=email: availability.sign_in(email, PASSWORD, utcnow())
                            for email in emails])
    assert not [r for r in results if isinstance(r, Exception)], results
    given = db.session.scalars(select(RoutingDecision).where(
        RoutingDecision.chat_id == chat_id)).all()
    assert len(given) == 1 and given[0].reason == RoutingReason.WAITING_LINE
    chat = db.session.get(Chat, chat_id)
    assert chat.assignee_id == given[0].assignee_id and chat.version == 2


def test_a_chat_closed_while_the_line_gives_out_is_never_given_after_it_closed(app, make_user,
                                                                               maria):
    ana_id, manager_id = make_user(name="Ana Souza", online=True).id, maria.id
    closing, other = waiting_chat(20).id, waiting_chat(10).id

    def close():
        return close_chat(db.session.get(Chat, closing), db.session.get(User, manager_id),
                          utcnow())

    results = at_once(app, [close, lambda: give_out_waiting(utcnow())])
    assert not [r for r in results if isinstance(r, Exception)], results
    closed = db.session.get(Chat, closing)
    assert closed.status == ChatStatus.CLOSED
    given = decisions(closing)
    # Either it closed first (never given), or it was given and then closed: never both ways.
    assert len(given) <= 1 and (closed.assignee_id == ana_id) == (len(given) == 1)
    assert closed.version == 1 + 1 + len(given)
    assert db.session.get(Chat, other).assignee_id == ana_id
