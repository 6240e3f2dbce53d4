"""The routing rules and the response window, as pure functions with an injected clock."""
from datetime import UTC, datetime, timedelta

import pytest

from tests.words import explained
from webapp.domain import routing, window
from webapp.domain.codes import RoutingReason
from webapp.domain.routing import GROUPS_MODE, GroupRef, PreSeller, Rules

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SALES, SUPPORT, NIGHT = GroupRef(10, "Sales"), GroupRef(20, "Support"), GroupRef(30, "Night")


def person(id, name=None, *, online=True, chats=0, last=None, active=True, groups=()):
    """A pre-seller as routing sees them; `last` is minutes ago they last got a chat."""
    return PreSeller(id=id, name=name or f"P{id}", online=online, chats_in_activity=chats,
                     last_assigned_at=None if last is None else NOW - timedelta(minutes=last),
                     active=active, group_ids=frozenset(g.id for g in groups))


def new_lead(people, rules=Rules()):
    return routing.route_new_chat(owner_id=None, people=people, rules=rules)


# --- Response window -------------------------------------------------------------------

def test_the_window_closes_24_hours_after_the_leads_latest_message():
    assert window.window_end(NOW) == NOW + timedelta(hours=24)


def test_the_window_is_open_until_its_end_and_closed_from_it():
    end = NOW + timedelta(hours=1)
    assert window.is_open(end, NOW)
    assert window.is_open(end, end - timedelta(seconds=1))
    assert not window.is_open(end, end)
    assert not window.is_open(end, end + timedelta(seconds=1))
    assert not window.is_open(None, NOW)


def test_time_left_counts_down_and_stops_at_zero():
    assert window.time_left(NOW + timedelta(minutes=90), NOW) == timedelta(minutes=90)
    assert window.time_left(NOW - timedelta(minutes=5), NOW) == timedelta(0)
    assert window.time_left(None, NOW) == timedelta(0)


def test_the_latest_inbound_time_never_moves_back_for_a_late_older_message():
    assert window.latest_inbound(None, NOW) == NOW
    assert window.latest_inbound(NOW, NOW + timedelta(minutes=1)) == NOW + timedelta(minutes=1)
    assert window.latest_inbound(NOW, NOW - timedelta(minutes=1)) == NOW


# --- Continuation ----------------------------------------------------------------------

def test_a_message_continues_the_leads_open_chat_while_its_window_is_open():
    assert routing.is_continuation(True, NOW + timedelta(hours=3), NOW)


def test_an_open_chat_whose_window_passed_is_not_continued():
    assert not routing.is_continuation(True, NOW - timedelta(seconds=1), NOW)
    assert not routing.is_continuation(True, NOW, NOW)


def test_a_lead_without_an_open_chat_has_nothing_to_continue():
    assert not routing.is_continuation(False, None, NOW)


# --- Eligibility -----------------------------------------------------------------------

def test_online_mode_makes_every_online_active_pre_seller_eligible():
    people = [person(1), person(2, online=False), person(3, active=False), person(4)]
    assert [p.id for p in routing.eligible(people, Rules())] == [1, 4]


def test_group_mode_needs_membership_of_at_least_one_selected_group():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES, SUPPORT))
    people = [person(1, groups=[SALES]), person(2, groups=[NIGHT]),
              person(3, groups=[SUPPORT, SALES]), person(4),
              person(5, online=False, groups=[SALES]), person(6, active=False, groups=[SALES])]
    assert [p.id for p in routing.eligible(people, rules)] == [1, 3]


def test_group_mode_with_no_group_selected_makes_nobody_eligible():
    assert routing.eligible([person(1, groups=[SALES])], Rules(mode=GROUPS_MODE)) == []


# --- Tiebreaker ------------------------------------------------------------------------

def test_fewest_chats_in_activity_wins_whatever_the_recency():
    busy_but_never = person(1, chats=2)
    quiet_but_recent = person(2, chats=1, last=1)
    assert routing.pick([busy_but_never, quiet_but_recent]) is quiet_but_recent


def test_a_tie_on_chats_goes_to_who_was_given_a_new_chat_least_recently():
    assert routing.pick([person(1, chats=1, last=5), person(2, chats=1, last=50)]).id == 2


def test_never_given_a_chat_comes_before_any_time():
    assert routing.pick([person(1, last=10_000), person(2)]).id == 2


def test_a_tie_on_chats_and_recency_goes_to_the_lowest_id():
    assert routing.pick([person(7, chats=1, last=5), person(3, chats=1, last=5)]).id == 3


def test_a_tie_of_people_never_given_a_chat_goes_to_the_lowest_id():
    assert routing.pick([person(9), person(4), person(6)]).id == 4


def test_the_tiebreaker_of_nobody_is_nobody():
    assert routing.pick([]) is None


# --- New lead: distribution ------------------------------------------------------------

def test_distribution_picks_by_the_tiebreaker_and_says_why():
    people = [person(1, "Ana", chats=1), person(2, "Bruno", chats=2), person(3, "Carla", chats=3)]
    decision = new_lead(people)
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.DISTRIBUTION, 1, None)
    assert explained(decision) == ("3 online pre-sellers eligible; Ana had the fewest chats in "
                                   "activity (1).")


def test_distribution_detail_for_a_single_candidate():
    assert explained(new_lead([person(1, "Ana")])) == "1 online pre-seller eligible: Ana."


def test_distribution_detail_for_a_tie_broken_by_recency():
    decision = new_lead([person(1, "Ana", chats=1, last=5), person(2, "Bruno", chats=1)])
    assert decision.assignee_id == 2
    assert explained(decision) == ("2 online pre-sellers eligible; Bruno and Ana tied at 1 chat "
                                   "in activity; Bruno was never given a new chat.")
    decision = new_lead([person(1, "Ana", chats=0, last=5), person(2, "Bruno", last=30)])
    assert "Bruno was given a new chat least recently (Nov 24, 2026, 11:30\u202fAM)" \
        in explained(decision)


def test_distribution_detail_for_a_tie_broken_by_id_names_at_most_three():
    people = [person(i, n) for i, n in enumerate(["Ana", "Bruno", "Carla", "Davi", "Eva"], 1)]
    decision = new_lead(people)
    assert decision.assignee_id == 1
    assert explained(decision) == ("5 online pre-sellers eligible; Ana, Bruno and 3 others tied "
                                   "at 0 chats in activity and were never given a new chat; Ana "
                                   "has the lowest user id.")
    decision = new_lead([person(2, "Bruno", last=5), person(1, "Ana", last=5)])
    assert "were last given a new chat at Nov 24, 2026, 11:55\u202fAM; Ana has the lowest" \
        in explained(decision)


def test_offline_and_deactivated_pre_sellers_never_get_a_distributed_chat():
    people = [person(1, online=False), person(2, active=False), person(3, chats=9)]
    assert new_lead(people).assignee_id == 3


def test_group_mode_records_the_group_the_chat_was_delivered_through():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES, SUPPORT))
    people = [person(1, "Ana", chats=2, groups=[SALES]),
              person(2, "Bruno", chats=1, groups=[SUPPORT, SALES]),
              person(3, "Carla", groups=[NIGHT])]
    decision = new_lead(people, rules)
    # Bruno belongs to both: the first selected group (settings order) is the one recorded.
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.GROUP, 2, SALES.id)
    assert explained(decision) == ("2 online pre-sellers in Sales, Support eligible; Bruno had "
                                   "the fewest chats in activity (1); delivered through Sales.")


# --- New lead: alternates and unassigned -----------------------------------------------

ALTERNATES = Rules(alternate_ids=frozenset({1, 2, 3}))


def test_with_nobody_eligible_an_online_alternate_comes_before_an_offline_one():
    # Group mode, so an online alternate outside the group is not simply eligible.
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({1, 2}))
    people = [person(1, online=False), person(2, chats=5, last=1)]
    decision = new_lead(people, rules)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.ALTERNATE, 2)


def test_an_offline_alternate_still_gets_the_chat():
    people = [person(1, "Ana", online=False, chats=2), person(2, "Bruno", online=False)]
    decision = new_lead(people, ALTERNATES)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.ALTERNATE, 2)
    assert explained(decision) == ("No online pre-seller is available; 2 alternate recipients, "
                                   "none online; Bruno gets it while offline; Bruno had the "
                                   "fewest chats in activity (0).")


def test_the_tiebreaker_decides_among_online_alternates():
    people = [person(1, online=False), person(2, chats=1, last=5), person(3, chats=1, last=9)]
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({1, 2, 3}))
    assert new_lead(people, rules).assignee_id == 3


def test_the_tiebreaker_decides_among_offline_alternates_down_to_the_id():
    people = [person(3, online=False), person(2, online=False)]
    assert new_lead(people, ALTERNATES).assignee_id == 2


def test_a_deactivated_alternate_is_skipped():
    decision = new_lead([person(1, active=False), person(9)],
                        Rules(mode=GROUPS_MODE, groups=(SALES,),
                              alternate_ids=frozenset({1})))
    assert decision.reason == RoutingReason.UNASSIGNED


def test_group_mode_falls_back_to_alternates_outside_the_groups():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,), alternate_ids=frozenset({2}))
    people = [person(1, groups=[SALES], online=False), person(2, "Bruno")]
    decision = new_lead(people, rules)
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.ALTERNATE, 2, None)
    assert explained(decision).startswith("No online pre-seller in Sales is available; 1 "
                                          "alternate recipient, 1 online: Bruno")


def test_with_nobody_eligible_and_no_alternate_the_chat_is_unassigned():
    decision = new_lead([person(1, online=False)])
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.UNASSIGNED, None, None)
    assert explained(decision) == ("No online pre-seller is available and there is no active "
                                   "alternate recipient; the chat waits for a manager.")
    assert explained(new_lead([], Rules(mode=GROUPS_MODE))).startswith(
        "No group is selected for distribution")


# --- Returning lead and its owner ------------------------------------------------------

def returning(owner_id, people, rules=Rules()):
    return routing.route_new_chat(owner_id=owner_id, people=people, rules=rules)


TRANSFER_ON = Rules(offline_transfer=True, transfer_group=SUPPORT)


def test_a_returning_lead_goes_back_to_its_online_owner_even_if_busiest():
    people = [person(1, "Ana", chats=9), person(2, "Bruno")]
    decision = returning(1, people, TRANSFER_ON)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.OWNER, 1)
    assert explained(decision) == "Returning lead: back to its owner Ana (online)."


def test_a_returning_lead_goes_to_its_owner_even_outside_the_selected_groups():
    rules = Rules(mode=GROUPS_MODE, groups=(SALES,))
    assert returning(1, [person(1), person(2, groups=[SALES])], rules).assignee_id == 1


def test_an_offline_owner_keeps_the_lead_while_offline_transfer_is_off():
    decision = returning(1, [person(1, "Ana", online=False), person(2, groups=[SUPPORT])])
    assert (decision.reason, decision.assignee_id) == (RoutingReason.OWNER, 1)
    assert explained(decision) == "Returning lead: back to its owner Ana (offline)."


def test_an_offline_owner_with_offline_transfer_on_sends_it_to_the_transfer_group():
    people = [person(1, "Ana", online=False, groups=[SUPPORT]),
              person(2, "Bruno", chats=2, groups=[SUPPORT]),
              person(3, "Carla", chats=1, groups=[SUPPORT]),
              person(4, "Davi", groups=[SALES]),  # online, idle, but not in the group
              person(5, "Eva", online=False, groups=[SUPPORT]),
              person(6, "Fabio", active=False, groups=[SUPPORT])]
    decision = returning(1, people, TRANSFER_ON)
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.OFFLINE_TRANSFER, 3, SUPPORT.id)
    assert explained(decision) == ("Returning lead; its owner Ana is offline; offline parent chat "
                                   "transfer to Support: 2 online members of Support eligible; "
                                   "Carla had the fewest chats in activity (1).")


def test_offline_transfer_breaks_ties_like_distribution():
    people = [person(1, online=False), person(5, last=3, groups=[SUPPORT]),
              person(4, last=3, groups=[SUPPORT]), person(2, last=2, groups=[SUPPORT])]
    assert returning(1, people, TRANSFER_ON).assignee_id == 4


def test_with_nobody_online_in_the_transfer_group_the_owner_keeps_it():
    people = [person(1, "Ana", online=False), person(2, online=False, groups=[SUPPORT]),
              person(3, groups=[SALES])]
    decision = returning(1, people, TRANSFER_ON)
    assert (decision.reason, decision.assignee_id, decision.group_id) == \
        (RoutingReason.OWNER, 1, None)
    assert explained(decision) == ("Returning lead; its owner Ana is offline and nobody in "
                                   "Support is online, so Ana keeps it.")


def test_a_deactivated_owner_means_new_lead_rules():
    people = [person(1, "Ana", active=False, chats=0), person(2, "Bruno", chats=3)]
    decision = returning(1, people, TRANSFER_ON)
    assert (decision.reason, decision.assignee_id) == (RoutingReason.DISTRIBUTION, 2)
    assert explained(decision).startswith("Owner Ana can no longer receive chats, so new-lead "
                                          "rules apply. 1 online pre-seller eligible: Bruno")


def test_an_owner_routing_no_longer_knows_means_new_lead_rules():
    decision = returning(99, [person(2)])
    assert (decision.reason, decision.assignee_id) == (RoutingReason.DISTRIBUTION, 2)
    assert explained(decision).startswith("The lead's owner can no longer receive chats, so "
                                          "new-lead rules apply.")


@pytest.mark.parametrize("rules", [Rules(), Rules(offline_transfer=True),
                                   Rules(transfer_group=SUPPORT)])
def test_offline_transfer_needs_the_option_and_a_group(rules):
    people = [person(1, online=False), person(2, groups=[SUPPORT])]
    assert routing.offline_transfer(owner_id=1, people=people, rules=rules, trigger={}) is None


def test_offline_transfer_never_picks_the_owner_itself():
    people = [person(1, groups=[SUPPORT])]
    assert routing.offline_transfer(owner_id=1, people=people, rules=TRANSFER_ON,
                                    trigger={}) is None
