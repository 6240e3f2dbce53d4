"""Reassign unanswered chats on the real database: the minute job moves them, never back to
someone who let them lapse, flags the ones nobody else can take, and clears the flag."""
from datetime import timedelta

import pytest

from tests.chat_helpers import add_message, make_chat
from tests.routing_helpers import configure, decisions
from tests.words import explained
from webapp import jobs
from webapp.db import utcnow
from webapp.domain.codes import Direction, MessageStatus, RoutingReason
from webapp.extensions import db
from webapp.models import Chat
from webapp.services.reassignment import reassign_unanswered_chats


@pytest.fixture
def team(make_user):
    """Ana (who has the chat), Bruno and Carla, all online."""
    return {name: make_user(name=name, online=True) for name in ("Ana", "Bruno", "Carla")}


def unanswered_chat(assignee, minutes=20, **fields):
    """A chat given to `assignee` `minutes` ago whose lead has waited since."""
    since = utcnow() - timedelta(minutes=minutes)
    return make_chat(assignee, last_message_at=since, **({"assigned_at": since,
                                                           "awaiting_since": since} | fields))


def run():
    """One run of the job's body, committed."""
    moved = reassign_unanswered_chats(utcnow())
    db.session.commit()
    db.session.expire_all()
    return moved


def test_a_chat_left_unanswered_moves_to_another_pre_seller_who_becomes_the_owner(team):
    configure(reassign_unanswered_minutes=15)
    chat = unanswered_chat(team["Ana"])
    make_chat(team["Bruno"])  # Bruno has one chat in activity, Carla none
    [decision] = run()
    chat = db.session.get(Chat, chat.id)
    assert (chat.assignee_id, chat.lead.owner_id, chat.version) == \
        (team["Carla"].id, team["Carla"].id, 2)
    assert (decision.reason, decision.from_assignee_id, decision.actor_id) == \
        (RoutingReason.REASSIGNED, team["Ana"].id, None)
    assert explained(decision).startswith("Ana did not answer within 15 min; 2 other online "
                                      "pre-sellers eligible; Carla had the fewest")
    assert run() == []  # Carla was just given it: her N minutes start now


def test_nothing_moves_before_n_minutes_or_once_answered_or_with_the_rule_off(team):
    configure(reassign_unanswered_minutes=15)
    fresh = unanswered_chat(team["Ana"], minutes=10)
    answered = unanswered_chat(team["Ana"])
    add_message(answered, "On it", direction=Direction.OUTBOUND, sender=team["Ana"])
    lead_just_wrote = unanswered_chat(team["Ana"], awaiting_since=utcnow())
    assert run() == []
    configure(reassign_unanswered_minutes=None)
    late = unanswered_chat(team["Ana"], minutes=60)
    assert run() == [] and db.session.get(Chat, late.id).assignee_id == team["Ana"].id
    assert {db.session.get(Chat, c.id).assignee_id for c in (fresh, answered, lead_just_wrote)} \
        == {team["Ana"].id}


def test_a_failed_reply_is_no_answer(team):
    configure(reassign_unanswered_minutes=15)
    chat = unanswered_chat(team["Ana"])
    add_message(chat, "On it", direction=Direction.OUTBOUND, sender=team["Ana"],
                status=MessageStatus.FAILED)
    assert [decision.chat_id for decision in run()] == [chat.id]


def test_never_back_to_someone_who_let_it_lapse_and_with_nobody_else_it_is_flagged(team):
    configure(reassign_unanswered_minutes=15)
    team["Carla"].signed_in = False
    db.session.commit()
    chat = unanswered_chat(team["Ana"])
    assert run()[0].assignee_id == team["Bruno"].id
    # Bruno lets it lapse too: Ana is online and idle, but she let it lapse first.
    since = utcnow() - timedelta(minutes=20)
    db.session.execute(db.update(Chat).where(Chat.id == chat.id)
                       .values(assigned_at=since))
    db.session.commit()
    [flagged] = run()
    chat = db.session.get(Chat, chat.id)
    assert (flagged.reason, flagged.assignee_id, chat.assignee_id) == \
        (RoutingReason.OVERDUE, team["Bruno"].id, team["Bruno"].id)
    assert chat.overdue_since is not None
    assert "(2 pre-sellers have let this chat lapse)" in explained(flagged)
    assert run() == []  # flagged once, not every minute
    assert [d.reason for d in decisions(chat.id)] == [RoutingReason.REASSIGNED,
                                                      RoutingReason.OVERDUE]


def test_an_overdue_chat_moves_once_someone_else_can_take_it_and_the_flag_goes(team):
    configure(reassign_unanswered_minutes=15)
    for name in ("Bruno", "Carla"):
        team[name].signed_in = False
    db.session.commit()
    chat = unanswered_chat(team["Ana"])
    run()
    assert db.session.get(Chat, chat.id).overdue_since is not None
    team_carla = db.session.merge(team["Carla"])
    team_carla.signed_in, team_carla.last_seen_at = True, utcnow()
    db.session.commit()
    [moved] = run()
    chat = db.session.get(Chat, chat.id)
    assert (moved.reason, chat.assignee_id, chat.overdue_since) == \
        (RoutingReason.REASSIGNED, team["Carla"].id, None)


def test_the_flag_goes_when_the_pre_seller_answers(team, client, auth, manager):
    configure(reassign_unanswered_minutes=15)
    for name in ("Bruno", "Carla"):
        team[name].signed_in = False
    db.session.commit()
    chat = unanswered_chat(team["Ana"])
    run()
    auth.login(manager)
    assert ">Overdue<" in client.get("/telephony/chats").get_data(as_text=True)
    add_message(chat, "Sorry for the wait", direction=Direction.OUTBOUND, sender=team["Ana"])
    db.session.get(Chat, chat.id).awaiting_reply = False
    db.session.commit()
    assert run() == []
    assert db.session.get(Chat, chat.id).overdue_since is None


def test_the_job_says_what_it_did(team):
    configure(reassign_unanswered_minutes=15)
    chat = unanswered_chat(team["Ana"])
    assert jobs.reassign_unanswered_job(utcnow()).startswith(
        f"1 chat reassigned or flagged: chat {chat.id} → ")
