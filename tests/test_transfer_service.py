"""Manual transfer, offline parent chat transfer and closing, on the real database."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.routing_helpers import at_once, configure, decisions, message
from tests.words import explained
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, RoutingReason
from webapp.extensions import db
from webapp.models import MANAGER, Chat, User
from webapp.services.routing import move_offline_chat
from webapp.services.transfers import TransferError, close_chat, transfer_chat


@pytest.fixture
def team(make_user):
    """Ana (online, gets the first chat), Bruno and Carla, and two managers."""
    return {"ana": make_user(name="Ana Alves", online=True),
            "bruno": make_user(name="Bruno Lima"),
            "carla": make_user(name="Carla Dias"),
            "maria": make_user(role=MANAGER, name="Maria Manager"),
            "marta": make_user(role=MANAGER, name="Marta Second")}


def transfer(chat, to, actor, *, version=1, note="", now=None):
    """Transfer and commit; the chat as it is afterwards."""
    moved = transfer_chat(chat_id=chat.id, to_user_id=to.id, actor=actor,
                          expected_version=version, note=note, now=now or utcnow())
    db.session.commit()
    return moved


def test_a_manager_transfers_a_chat_and_the_target_becomes_the_owner(team):
    chat = message("5511800000001")
    now = utcnow()
    moved = transfer(chat, team["bruno"], team["maria"], note="speaks Spanish", now=now)
    assert (moved.assignee_id, moved.version, moved.lead.owner_id) == \
        (team["bruno"].id, 2, team["bruno"].id)
    assert moved.assignee.name == "Bruno Lima"
    assert db.session.get(User, team["bruno"].id).last_assigned_at == now
    decision = decisions(chat.id)[-1]
    assert (decision.reason, decision.from_assignee_id, decision.assignee_id,
            decision.actor_id, decision.note) == \
        (RoutingReason.MANUAL_TRANSFER, team["ana"].id, team["bruno"].id, team["maria"].id,
         "speaks Spanish")
    assert explained(decision) == \
        "Maria Manager transferred the chat from Ana Alves to Bruno Lima."
    # The lead's next chat goes to its new owner.
    chat.status = ChatStatus.CLOSED
    db.session.commit()
    assert message("5511800000001").assignee_id == team["bruno"].id


def test_an_unassigned_chat_can_be_transferred(make_user):
    maria = make_user(role=MANAGER, name="Maria Manager")
    chat = message("5511800000002")
    bruno = make_user(name="Bruno Lima")
    assert chat.assignee_id is None
    assert transfer(chat, bruno, maria).assignee_id == bruno.id
    assert explained(decisions(chat.id)[-1]) == ("Maria Manager transferred the chat from the "
                                                 "unassigned chats to Bruno Lima.")


def test_only_managers_transfer(team):
    chat = message("5511800000003")
    with pytest.raises(TransferError, match="Only managers"):
        transfer(chat, team["bruno"], team["ana"])


@pytest.mark.parametrize("who", ["manager", "deactivated", "nobody"])
def test_the_target_must_be_an_active_pre_seller(team, make_user, who):
    chat = message("5511800000004")
    target = {"manager": team["marta"], "deactivated": make_user(active=False),
              "nobody": User(id=999_999)}[who]
    with pytest.raises(TransferError, match="Pick an active pre-seller"):
        transfer(chat, target, team["maria"])


def test_a_transfer_to_the_current_assignee_is_refused(team):
    chat = message("5511800000005")
    with pytest.raises(TransferError, match="already with Ana Alves"):
        transfer(chat, team["ana"], team["maria"])


def test_a_chat_whose_window_passed_cannot_be_transferred(team):
    written = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    chat = message("5511800000006", at=written, now=written)
    with pytest.raises(TransferError) as refusal:
        transfer(chat, team["bruno"], team["maria"], now=written + timedelta(hours=40))
    # Times are in the reader's zone and language (here the suite's: English, UTC).
    assert str(refusal.value) == ("This chat's response window closed at Nov 21, 9:30\u202fAM; "
                                  "it can no longer be transferred.")


@pytest.mark.parametrize("status, words", [(ChatStatus.EXPIRED, "response window closed"),
                                           (ChatStatus.CLOSED, "was closed")])
def test_a_chat_no_longer_open_cannot_be_transferred(team, status, words):
    chat = message("5511800000007")
    chat.status = status
    db.session.commit()
    with pytest.raises(TransferError, match=words):
        transfer(chat, team["bruno"], team["maria"], version=None)


def test_a_stale_dialog_is_told_who_got_the_chat(team):
    start = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    chat = message("5511800000008", now=start)
    transfer(chat, team["bruno"], team["maria"], now=start + timedelta(minutes=5))
    with pytest.raises(TransferError) as refusal:
        transfer(chat, team["carla"], team["marta"], version=1,
                 now=start + timedelta(minutes=6))
    assert str(refusal.value) == ("Maria Manager transferred this chat to Bruno Lima at "
                                  "2:05\u202fPM while your dialog was open.")
    assert db.session.get(Chat, chat.id).assignee_id == team["bruno"].id


def test_no_expected_version_skips_the_version_check(team):
    chat = message("5511800000009")
    transfer(chat, team["bruno"], team["maria"])
    assert transfer(chat, team["carla"], team["marta"], version=None).version == 3


def test_two_managers_racing_one_wins_the_other_is_told_who_got_it(app, team):
    chat_id = message("5511800000010").id
    ids = {name: user.id for name, user in team.items()}

    def attempt(manager, target):
        return lambda: transfer_chat(chat_id=chat_id, to_user_id=ids[target],
                                     actor=db.session.get(User, ids[manager]),
                                     expected_version=1, note="", now=utcnow())

    results = at_once(app, [attempt("maria", "bruno"), attempt("marta", "carla")])
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert won == [chat_id] and len(lost) == 1 and isinstance(lost[0], TransferError)
    chat = db.session.get(Chat, chat_id)
    winner = "Bruno Lima" if chat.assignee_id == ids["bruno"] else "Carla Dias"
    assert f"transferred this chat to {winner} at" in str(lost[0])
    assert chat.version == 2 and len(decisions(chat_id)) == 2


# --- Offline parent chat transfer (the sweep's move) -----------------------------------

@pytest.fixture
def offline_owner(team, make_user, make_group):
    """Ana's chat awaits a reply; Ana went offline; Support has two online members."""
    chat = message("5511800000020")
    team["ana"].signed_in = False
    busy_member = make_user(name="Busy Bea", online=True)
    idle_member = make_user(name="Idle Ivo", online=True)
    support = make_group("Support", [team["ana"], busy_member, idle_member, team["carla"]])
    configure(offline_transfer_enabled=True, offline_transfer_group=support)
    db.session.commit()
    message("5511800000099")  # Bea's: Ana is offline now, Bea has the lowest id of the rest
    return chat, busy_member, idle_member, support


def test_an_offline_owners_chat_moves_to_the_least_busy_online_member(team, offline_owner):
    chat, _, idle, support = offline_owner
    now = utcnow()
    decision = move_offline_chat(db.session.get(Chat, chat.id), now)
    db.session.commit()
    chat = db.session.get(Chat, chat.id)
    assert (chat.assignee_id, chat.group_id, chat.version, chat.lead.owner_id) == \
        (idle.id, support.id, 2, idle.id)
    assert (decision.reason, decision.actor_id, decision.from_assignee_id, decision.group_id) \
        == (RoutingReason.OFFLINE_TRANSFER, None, team["ana"].id, support.id)
    assert explained(decision).startswith("Ana Alves went offline while the lead awaited a reply; "
                                          "offline parent chat transfer to Support: 2 online "
                                          "members of Support eligible; Idle Ivo had the fewest "
                                          "chats")
    assert db.session.get(User, idle.id).last_assigned_at == now


def test_with_nobody_online_in_the_group_nothing_changes(team, offline_owner):
    chat, busy_member, idle, _ = offline_owner
    busy_member.signed_in = idle.signed_in = False
    db.session.commit()
    assert move_offline_chat(db.session.get(Chat, chat.id), utcnow()) is None
    chat = db.session.get(Chat, chat.id)
    assert (chat.assignee_id, chat.version, len(decisions(chat.id))) == (team["ana"].id, 1, 1)


def test_offline_transfer_switched_off_moves_nothing(offline_owner):
    chat = offline_owner[0]
    configure(offline_transfer_enabled=False)
    assert move_offline_chat(db.session.get(Chat, chat.id), utcnow()) is None


def test_a_chat_changed_since_the_sweep_loaded_it_is_left_alone(team, offline_owner):
    chat = db.session.get(Chat, offline_owner[0].id)
    db.session.execute(Chat.__table__.update().where(Chat.id == chat.id)
                       .values(version=Chat.version + 1))  # a transfer the sweep did not see
    assert move_offline_chat(chat, utcnow()) is None
    assert chat.assignee_id == team["ana"].id


# --- Closing ---------------------------------------------------------------------------

def test_the_assignee_closes_and_the_leads_next_message_opens_a_chat_with_the_owner(team):
    chat = message("5511800000030")
    now = utcnow()
    closed = close_chat(chat, team["ana"], now)
    db.session.commit()
    assert (closed.status, closed.closed_at, closed.version, closed.awaiting_reply) == \
        (ChatStatus.CLOSED, now, 2, False)
    again = message("5511800000030")
    assert again.id != chat.id and again.assignee_id == team["ana"].id
    assert decisions(again.id)[0].reason == RoutingReason.OWNER


def test_a_manager_closes_any_chat_another_pre_seller_cannot(team):
    chat = message("5511800000031")
    with pytest.raises(TransferError, match="assignee or a manager"):
        close_chat(chat, team["bruno"], utcnow())
    db.session.rollback()
    assert close_chat(db.session.get(Chat, chat.id), team["maria"], utcnow()).status \
        == ChatStatus.CLOSED


@pytest.mark.parametrize("status, words", [(ChatStatus.CLOSED, "already closed"),
                                           (ChatStatus.EXPIRED, "expired")])
def test_a_chat_no_longer_open_cannot_be_closed(team, status, words):
    chat = message("5511800000032")
    chat.status = status
    db.session.commit()
    with pytest.raises(TransferError, match=words):
        close_chat(chat, team["maria"], utcnow())
    assert db.session.scalar(select(Chat.status).where(Chat.id == chat.id)) == status


# --- A lead writing while a manager moves or closes the chat ------------------------------

def test_a_message_racing_a_transfer_lands_in_the_chat_and_both_count(app, team):
    chat_id = message("5511800000030").id
    ids = {name: user.id for name, user in team.items()}
    results = at_once(app, [
        lambda: transfer_chat(chat_id=chat_id, to_user_id=ids["bruno"],
                              actor=db.session.get(User, ids["maria"]), expected_version=1,
                              note="", now=utcnow()),
        lambda: message("5511800000030", preview="Still there?")])
    assert results == [chat_id, chat_id]
    chat = db.session.get(Chat, chat_id)
    assert chat.assignee_id == ids["bruno"] and chat.version == 2
    assert chat.unread_count == 2 and chat.last_message_preview == "Still there?"


def test_a_message_racing_a_close_continues_the_chat_or_opens_a_new_one(app, team):
    chat_id = message("5511800000031").id
    ids = {name: user.id for name, user in team.items()}
    results = at_once(app, [
        lambda: close_chat(db.session.get(Chat, chat_id), db.session.get(User, ids["maria"]),
                           utcnow()),
        lambda: message("5511800000031", preview="One more thing")])
    assert not any(isinstance(result, Exception) for result in results)
    closed = db.session.get(Chat, chat_id)
    assert closed.status == ChatStatus.CLOSED
    # Either the message came first (it is in the closed chat) or the close did (a new chat).
    landed = db.session.get(Chat, results[1])
    assert landed.last_message_preview == "One more thing"
    assert landed.id == chat_id or landed.status == "open"
