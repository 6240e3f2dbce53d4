"""Away, capacity, the waiting line, reassigning unanswered chats and transfers to a group, as
pure rules with an injected clock: every rule and its ties."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from tests.words import english, explained
from webapp.domain import capacity, routing
from webapp.domain.codes import Presence, RoutingReason
from webapp.domain.group_transfer import transfer_to_group
from webapp.domain.presence import is_online, presence
from webapp.domain.reassignment import is_unanswered, reassign_unanswered, unanswered_cutoff
from webapp.domain.routing import GROUPS_MODE, GroupRef, PreSeller, Rules
from webapp.domain.settings_rules import (
    DEFAULT_TUNABLES,
    OPTIONAL_LIMITS,
    SWITCHES,
    DistributionSettings,
    bounds_problem,
    kept_choices,
    settings_problems,
)
from webapp.domain.waiting_line import WaitingChat, give_out
from webapp.formatting import duration
from webapp.wording import problem_text

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TIMEOUT = timedelta(seconds=90)
SALES, SUPPORT = GroupRef(10, "Sales"), GroupRef(20, "Support")


def person(id, name=None, *, online=True, chats=0, last=None, groups=(), open_chats=0,
           limit=None, active=True):
    """A pre-seller as routing sees them; `last` is minutes ago they last got a chat."""
    return PreSeller(id=id, name=name or f"P{id}", online=online, chats_in_activity=chats,
                     last_assigned_at=None if last is None else NOW - timedelta(minutes=last),
                     active=active, group_ids=frozenset(g.id for g in groups),
                     open_chats=open_chats, limit=limit)


def waiting(id, minutes_ago, *, wrote=None, window_left=timedelta(hours=20)):
    """A waiting chat opened `minutes_ago`; its lead last wrote `wrote` minutes ago."""
    wrote = minutes_ago if wrote is None else wrote
    return WaitingChat(id, NOW - timedelta(minutes=minutes_ago),
                       NOW - timedelta(minutes=wrote), NOW + window_left)


def new_lead(people, rules=Rules()):
    return routing.route_new_chat(owner_id=None, people=people, rules=rules)


# --- Presence: Available, Away, offline -------------------------------------------------

def test_presence_has_three_states_and_away_is_not_online():
    seen = NOW - timedelta(seconds=10)
    assert presence(True, seen, NOW, TIMEOUT) == Presence.AVAILABLE
    assert presence(True, seen, NOW, TIMEOUT, away_since=NOW) == Presence.AWAY
    assert presence(False, seen, NOW, TIMEOUT, away_since=NOW) == Presence.OFFLINE
    assert presence(True, NOW - timedelta(seconds=91), NOW, TIMEOUT) == Presence.OFFLINE
    assert is_online(True, seen, NOW, TIMEOUT)
    assert not is_online(True, seen, NOW, TIMEOUT, away_since=NOW - timedelta(hours=1))


# --- Capacity ----------------------------------------------------------------------------

def test_a_pre_sellers_own_maximum_wins_over_the_teams_and_none_is_no_limit():
    assert capacity.effective_limit(3, 8) == 3
    assert capacity.effective_limit(None, 8) == 8
    assert capacity.effective_limit(None, None) is None


def test_room_is_below_the_limit_and_always_without_one():
    assert capacity.has_room(7, 8) and not capacity.has_room(8, 8)
    assert not capacity.has_room(9, 8) and capacity.has_room(500, None)


def test_a_chat_is_in_activity_when_its_lead_wrote_within_the_window():
    assert capacity.in_activity(NOW - timedelta(minutes=120), NOW, 120)
    assert not capacity.in_activity(NOW - timedelta(minutes=121), NOW, 120)
    assert not capacity.in_activity(None, NOW, 120)


def test_at_their_limit_a_pre_seller_gets_no_new_lead_and_the_next_one_does():
    people = [person(1, "Ana", open_chats=8, limit=8), person(2, "Bruno", chats=5)]
    decision = new_lead(people)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.DISTRIBUTION, 2)
    assert explained(decision) == "1 online pre-seller eligible: Bruno."


def test_with_everyone_at_their_limit_the_chat_waits_and_the_history_says_why():
    decision = new_lead([person(1, open_chats=2, limit=2), person(2, open_chats=3, limit=3)])
    assert (decision.reason, decision.assignee_id) == (RoutingReason.UNASSIGNED, None)
    assert explained(decision) == ("Every online pre-seller is at their limit of open chats "
                               "(2 pre-sellers) and there is no active alternate recipient; "
                               "the chat waits for a manager.")


def test_an_alternate_at_their_limit_is_passed_over_even_online():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({1, 2}))
    people = [person(1, open_chats=4, limit=4), person(2, online=False, chats=3)]
    assert new_lead(people, rules).assignee_id == 2  # the online one is full
    full = [person(1, open_chats=4, limit=4), person(2, online=False, open_chats=1, limit=1)]
    decision = new_lead(full, rules)
    assert decision.reason == RoutingReason.UNASSIGNED
    assert "every alternate recipient is at their limit of open chats" in explained(decision)


def test_a_returning_lead_goes_to_its_online_owner_above_the_limit():
    people = [person(1, "Ana", open_chats=9, limit=8), person(2, "Bruno")]
    decision = routing.route_new_chat(owner_id=1, people=people, rules=Rules())
    assert (decision.reason, decision.assignee_id) == (RoutingReason.OWNER, 1)


def test_the_transfer_group_skips_members_at_their_limit():
    rules = Rules(offline_transfer=True, transfer_group=SUPPORT)
    people = [person(1, online=False), person(2, groups=[SUPPORT], open_chats=2, limit=2),
              person(3, groups=[SUPPORT], chats=6)]
    decision = routing.route_new_chat(owner_id=1, people=people, rules=rules)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.OFFLINE_TRANSFER, 3)
    only_full = people[:2]
    assert routing.route_new_chat(owner_id=1, people=only_full,
                                  rules=rules).assignee_id == 1  # the owner keeps it


def test_without_limits_the_rules_decide_as_before():
    people = [person(1, chats=3, open_chats=40), person(2, chats=1, open_chats=90)]
    assert new_lead(people).assignee_id == 2


def test_a_decision_applied_in_memory_counts_the_chat_given():
    ana = person(1, chats=1, open_chats=2, limit=3)
    given = ana.given_chat(NOW, in_activity=True)
    assert (given.open_chats, given.chats_in_activity, given.last_assigned_at) == (3, 2, NOW)
    assert not given.has_room
    assert ana.given_chat(NOW, in_activity=False).chats_in_activity == 1
    lost = given.lost_chat(in_activity=True)
    assert (lost.open_chats, lost.chats_in_activity) == (2, 1) and lost.has_room


# --- Away ------------------------------------------------------------------------------
# Routing sees an Away pre-seller as not online (PreSeller.online is the one presence rule).

def test_away_pre_sellers_count_as_offline_for_every_rule():
    away = person(1, "Ana", online=False, groups=[SALES, SUPPORT])
    assert new_lead([away, person(2, chats=9)]).assignee_id == 2
    alternates = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({1, 3}))
    assert new_lead([away, person(3, chats=9)], alternates).assignee_id == 3  # online first
    transfer = Rules(offline_transfer=True, transfer_group=SUPPORT)
    assert routing.offline_transfer(owner_id=5, people=[away], rules=transfer, trigger={}) is None


# --- Waiting line ----------------------------------------------------------------------

def test_waiting_chats_go_out_oldest_first_one_by_one_by_the_tiebreaker():
    people = [person(1, "Ana", chats=1, last=30), person(2, "Bruno", chats=0, last=60)]
    line = [waiting(7, 5), waiting(8, 50), waiting(6, 1), waiting(9, 20)]
    given = give_out(line, people, Rules(), NOW)
    # Oldest first. Bruno (0) gets one; both have 1 in activity: Bruno was just given one, so
    # Ana; Bruno has fewer (1 to 2); both at 2 and both given one now: the lowest id.
    assert [(chat.id, decision.assignee_id) for chat, decision in given] == \
        [(8, 2), (9, 1), (7, 2), (6, 1)]
    assert {decision.reason for _, decision in given} == {RoutingReason.WAITING_LINE}
    assert explained(given[0][1]) == ("Waited 50 min for someone with room; 2 online pre-sellers "
                                  "eligible; Bruno had the fewest chats in activity (0).")


def test_waiting_chats_that_opened_together_go_out_by_id():
    given = give_out([waiting(5, 10), waiting(3, 10)], [person(1)], Rules(), NOW)
    assert [chat.id for chat, _ in given] == [3, 5]


def test_the_waiting_line_stops_when_nobody_has_room():
    people = [person(1, open_chats=1, limit=2), person(2, open_chats=3, limit=3)]
    given = give_out([waiting(1, 30), waiting(2, 20), waiting(3, 10)], people, Rules(), NOW)
    assert [(chat.id, decision.assignee_id) for chat, decision in given] == [(1, 1)]


def test_a_waiting_chat_past_its_window_is_left_for_the_expiry():
    line = [waiting(1, 30, window_left=timedelta(0)), waiting(2, 20)]
    assert [chat.id for chat, _ in give_out(line, [person(1)], Rules(), NOW)] == [2]


def test_only_a_chat_in_activity_counts_in_activity_for_the_next_pick():
    # Ana's first chat's lead wrote 3 h ago (outside the 2 h window): she stays at 0.
    people = [person(1, "Ana"), person(2, "Bruno", last=1)]
    line = [waiting(1, 200, wrote=180), waiting(2, 100, wrote=5)]
    given = give_out(line, people, Rules(), NOW)
    assert [decision.assignee_id for _, decision in given] == [1, 2]
    line = [waiting(1, 200, wrote=10), waiting(2, 100, wrote=5)]
    assert [d.assignee_id for _, d in give_out(line, people, Rules(), NOW)] == [1, 2]


def test_in_group_mode_waiting_chats_record_their_group_and_fall_back_to_alternates():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({3}))
    people = [person(1, groups=[SALES], open_chats=0, limit=1), person(2, chats=0),
              person(3, chats=5)]
    given = give_out([waiting(1, 30), waiting(2, 20)], people, rules, NOW)
    assert [(d.assignee_id, d.group_id) for _, d in given] == [(1, SALES.id), (3, None)]
    assert "1 alternate recipient, 1 online" in explained(given[1][1])


def test_nothing_goes_out_while_the_waiting_line_is_off():
    rules = Rules(give_waiting_chats=False)
    assert give_out([waiting(1, 30)], [person(1)], rules, NOW) == []


def test_nobody_available_means_nothing_goes_out():
    assert give_out([waiting(1, 30)], [person(1, online=False)], Rules(), NOW) == []


def test_a_wait_is_said_in_seconds_minutes_or_hours():
    # Waits are facts (seconds); the one formatter says them in the reader's words.
    span = partial(english, duration)
    assert (span(timedelta(seconds=40)), span(timedelta(minutes=12)),
            span(timedelta(hours=2, minutes=5))) == ("40 s", "12 min", "2 h 5 min")


# --- Reassign unanswered -----------------------------------------------------------------

REASSIGN = Rules(reassign_unanswered_minutes=15)


def unanswered(**facts):
    given = {"awaiting_reply": True, "assigned_at": NOW - timedelta(minutes=15),
             "awaiting_since": NOW - timedelta(minutes=20), "replied_since_assigned": False}
    return is_unanswered(now=NOW, minutes=15, **(given | facts))


def test_a_chat_is_unanswered_once_its_lead_waited_n_minutes_on_its_pre_seller():
    assert unanswered_cutoff(NOW, 15) == NOW - timedelta(minutes=15)
    assert unanswered()
    assert not unanswered(assigned_at=NOW - timedelta(minutes=14))  # given to them just now
    assert not unanswered(awaiting_since=NOW - timedelta(minutes=1))  # the lead just wrote
    assert not unanswered(replied_since_assigned=True)
    assert not unanswered(awaiting_reply=False)


def test_an_unanswered_chat_goes_to_another_eligible_pre_seller_by_the_tiebreaker():
    people = [person(1, "Ana"), person(2, "Bruno", chats=2), person(3, "Carla", chats=1),
              person(4, "Davi", chats=0, open_chats=5, limit=5)]
    decision = reassign_unanswered(assignee_id=1, assignee_name="Ana", lapsed_ids=set(),
                                   people=people, rules=REASSIGN)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.REASSIGNED, 3)
    assert explained(decision) == ("Ana did not answer within 15 min; 2 other online pre-sellers "
                               "eligible; Carla had the fewest chats in activity (1).")


def test_an_unanswered_chat_never_goes_back_to_someone_who_let_it_lapse():
    people = [person(1, "Ana"), person(2, "Bruno"), person(3, "Carla", chats=4)]
    decision = reassign_unanswered(assignee_id=1, assignee_name="Ana", lapsed_ids={2},
                                   people=people, rules=REASSIGN)
    assert decision.assignee_id == 3
    assert "(2 pre-sellers have let this chat lapse)" in explained(decision)


def test_with_nobody_else_the_chat_stays_and_is_flagged_overdue():
    people = [person(1, "Ana"), person(2, "Bruno", online=False)]
    decision = reassign_unanswered(assignee_id=1, assignee_name="Ana", lapsed_ids=set(),
                                   people=people, rules=REASSIGN)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.OVERDUE, 1)
    assert explained(decision).endswith("it stays with Ana, flagged overdue.")


def test_in_group_mode_a_reassigned_chat_goes_through_a_selected_group():
    rules = replace(REASSIGN, mode=GROUPS_MODE, groups=(SALES, SUPPORT))
    people = [person(1, groups=[SALES]), person(2, groups=[SUPPORT]), person(3)]
    decision = reassign_unanswered(assignee_id=1, assignee_name="P1", lapsed_ids=set(),
                                   people=people, rules=rules)
    assert (decision.assignee_id, decision.group_id) == (2, SUPPORT.id)


# --- Transfer to a group -----------------------------------------------------------------

def test_a_transfer_to_a_group_picks_an_available_member_with_room_by_the_tiebreaker():
    people = [person(1, "Ana", groups=[SALES]), person(2, "Bruno", groups=[SALES], chats=2),
              person(3, "Carla", groups=[SALES], chats=1, last=5),
              person(4, "Davi", groups=[SALES], chats=1, last=9),
              person(5, "Eva", groups=[SALES], open_chats=3, limit=3),
              person(6, "Fabio", groups=[SUPPORT]), person(7, groups=[SALES], online=False)]
    decision = transfer_to_group(group=SALES, people=people, assignee_id=1, actor_name="Maria",
                                 source_name="Ana")
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.MANUAL_TRANSFER, 4, SALES.id)
    assert explained(decision).startswith("Maria transferred the chat from Ana to Sales: 3 online "
                                      "members of Sales eligible; Davi and Carla tied")


def test_a_transfer_to_a_group_with_nobody_able_to_take_it_is_refused():
    people = [person(1, groups=[SALES]), person(2, groups=[SALES], open_chats=1, limit=1)]
    assert transfer_to_group(group=SALES, people=people, assignee_id=1, actor_name="M",
                             source_name="A") is None


# --- The settings that switch these rules ----------------------------------------------

VALID = DistributionSettings(mode="online", group_ids=frozenset(), alternate_ids=frozenset(),
                             offline_transfer_enabled=False, offline_transfer_group_id=None)


def test_the_new_rules_are_neutral_by_default():
    assert DEFAULT_TUNABLES.max_open_chats is None
    assert DEFAULT_TUNABLES.reassign_unanswered_minutes is None
    assert DEFAULT_TUNABLES.give_waiting_chats is True
    assert SWITCHES == ("give_waiting_chats",)


@pytest.mark.parametrize("name, lowest, highest", [("max_open_chats", 1, 500),
                                                   ("reassign_unanswered_minutes", 1, 240)])
def test_optional_numbers_may_be_empty_or_within_their_bounds(name, lowest, highest):
    assert OPTIONAL_LIMITS[name] == (lowest, highest)
    assert bounds_problem(name, None) is None
    assert bounds_problem(name, lowest) is None and bounds_problem(name, highest) is None
    assert bounds_problem(name, lowest - 1) == bounds_problem(name, highest + 1)
    # The page says the rule with the bounds filled in, in the reader's language.
    assert english(problem_text, name, bounds_problem(name, lowest - 1)) == \
        f"Enter a whole number from {lowest} to {highest}."
    assert set(settings_problems(replace(VALID, **{name: highest + 1}), existing_group_ids=set(),
                                 active_pre_seller_ids=set())) == {name}


def test_choices_a_mode_does_not_use_are_not_kept():
    wanted = replace(VALID, group_ids=frozenset({1}), offline_transfer_group_id=2)
    assert kept_choices(wanted) == VALID
    grouped = replace(wanted, mode=GROUPS_MODE, offline_transfer_enabled=True)
    assert kept_choices(grouped) == grouped
