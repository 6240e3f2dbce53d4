"""route_inbound end to end on the real database: every rule, the chat's bookkeeping, the
number of queries, and serialization under real threads."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.routing_helpers import at_once, busy, configure, decisions, message
from tests.words import explained
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, RoutingReason
from webapp.extensions import db
from webapp.models import PRE_SELLER, Chat, Group, Lead, RoutingDecision, User
from webapp.services.routing import RoutingError, route_inbound


def test_a_new_lead_goes_to_the_online_pre_seller_with_fewest_chats_in_activity(make_user):
    ana, bruno = make_user(name="Ana", online=True), make_user(name="Bruno", online=True)
    make_user(name="Offline Olga")
    busy(ana, 2)
    busy(bruno, 1)
    now = utcnow()
    chat = message("5511900000001", name="Lia Lead", now=now)
    assert chat.assignee_id == bruno.id and chat.status == ChatStatus.OPEN and chat.group_id is None
    assert (chat.lead.name, chat.lead.owner_id) == ("Lia Lead", bruno.id)
    assert db.session.get(User, bruno.id).last_assigned_at == now
    [decision] = decisions(chat.id)
    assert (decision.reason, decision.assignee_id, decision.actor_id) == \
        (RoutingReason.DISTRIBUTION, bruno.id, None)
    assert explained(decision) == ("2 online pre-sellers eligible; Bruno had the fewest chats in "
                                   "activity (1).")


def test_only_recent_open_chats_count_as_in_activity(make_user):
    ana, bruno = make_user(name="Ana", online=True), make_user(name="Bruno", online=True)
    busy(ana, 3, minutes_ago=121)  # the lead went quiet longer than the 2 h activity window
    busy(ana, 2, status=ChatStatus.EXPIRED)
    busy(ana, 2, status=ChatStatus.CLOSED)
    busy(bruno, 1, minutes_ago=119)
    assert message("5511900000002").assignee_id == ana.id
    configure(activity_window_minutes=180)
    assert message("5511900000003").assignee_id == bruno.id


def test_a_tie_goes_to_who_got_a_chat_least_recently_then_the_lowest_id(make_user):
    first = make_user(online=True, last_assigned_at=utcnow() - timedelta(minutes=5))
    second = make_user(online=True, last_assigned_at=utcnow() - timedelta(minutes=50))
    assert message("5511900000004").assignee_id == second.id
    assert message("5511900000005").assignee_id == first.id
    third = make_user(online=True)  # never given a chat: first in line at equal counts
    busy(first)
    busy(second)
    assert message("5511900000006").assignee_id == third.id


def test_group_mode_records_the_group_on_the_chat_and_the_decision(make_user, make_group):
    outsider = make_user(online=True)
    ana = make_user(name="Ana", online=True)
    sales = make_group("Sales", [ana])
    configure(distribution_mode="groups", distribution_groups=[sales])
    chat = message("5511900000007")
    assert (chat.assignee_id, chat.group_id) == (ana.id, sales.id)
    [decision] = decisions(chat.id)
    assert (decision.reason, decision.group_id) == (RoutingReason.GROUP, sales.id)
    assert chat.assignee_id != outsider.id  # the lowest id, but outside the group


def test_alternates_get_new_leads_when_nobody_is_eligible_even_offline(make_user, make_group):
    olga = make_user(name="Olga")  # offline
    configure(distribution_mode="groups", distribution_groups=[make_group("Empty")],
              alternate_recipients=[olga])
    chat = message("5511900000008")
    assert chat.assignee_id == olga.id and chat.lead.owner_id == olga.id
    assert decisions(chat.id)[0].reason == RoutingReason.ALTERNATE


def test_with_nobody_to_take_it_the_chat_is_unassigned(make_user):
    make_user()  # offline
    chat = message("5511900000009")
    assert chat.assignee_id is None and chat.lead.owner_id is None \
        and chat.status == ChatStatus.OPEN
    assert decisions(chat.id)[0].reason == RoutingReason.UNASSIGNED


def test_a_continuation_joins_the_open_chat_without_a_new_decision(make_user):
    make_user(online=True)
    start = utcnow()
    chat = message("5511900000010", name="Lia", now=start, preview="first")
    later = start + timedelta(minutes=3)
    again = message("5511900000010", name="", now=later, preview="second")
    assert again.id == chat.id and again.lead.name == "Lia"
    assert (again.unread_count, again.last_message_preview) == (2, "second")
    assert again.last_inbound_at == later
    assert again.window_expires_at == later + timedelta(hours=24)
    assert len(decisions(chat.id)) == 1
    assert db.session.scalar(select(func.count(Chat.id))) == 1


def test_a_late_older_message_never_moves_the_chat_back(make_user):
    make_user(online=True)
    now = utcnow()
    chat = message("5511900000011", at=now, now=now, preview="newest")
    chat.awaiting_reply = False  # answered since
    db.session.commit()
    message("5511900000011", at=now - timedelta(minutes=9), now=now, preview="older")
    db.session.refresh(chat)
    assert chat.last_inbound_at == now and chat.last_message_preview == "newest"
    assert chat.window_expires_at == now + timedelta(hours=24)
    assert chat.awaiting_reply is False and chat.unread_count == 2


def test_an_open_chat_past_its_window_is_expired_and_a_new_one_opens(make_user):
    ana = make_user(name="Ana", online=True)
    old = message("5511900000012", now=utcnow() - timedelta(hours=30),
                  at=utcnow() - timedelta(hours=30))
    new = message("5511900000012")
    assert new.id != old.id
    db.session.refresh(old)
    assert (old.status, old.version) == (ChatStatus.EXPIRED, 2)
    assert (new.status, new.assignee_id) == (ChatStatus.OPEN, ana.id)
    assert decisions(new.id)[0].reason == RoutingReason.OWNER


def test_a_closed_chats_lead_returns_to_its_owner(make_user):
    ana = make_user(name="Ana", online=True)
    first = message("5511900000013")
    first.status = ChatStatus.CLOSED
    make_user(online=True)  # idle, but the lead has an owner
    db.session.commit()
    chat = message("5511900000013")
    assert chat.id != first.id and chat.assignee_id == ana.id
    [decision] = decisions(chat.id)
    assert (decision.reason, explained(decision)) == \
        (RoutingReason.OWNER, "Returning lead: back to its owner Ana (online).")


def returning_lead_with_offline_owner(make_user, make_group, *, transfer_on, helper_online):
    """A lead owned by offline Ana; Support (Bruno) is the transfer group."""
    ana = make_user(name="Ana", online=True)
    bruno = make_user(name="Bruno", online=helper_online)
    support = make_group("Support", [bruno])
    configure(offline_transfer_enabled=transfer_on, offline_transfer_group=support)
    first = message("5511900000014")
    first.status = ChatStatus.CLOSED
    ana.signed_in = False
    db.session.commit()
    return ana, bruno, support, message("5511900000014")


def test_an_offline_owner_with_transfer_on_hands_the_lead_to_the_group(make_user, make_group):
    ana, bruno, support, chat = returning_lead_with_offline_owner(
        make_user, make_group, transfer_on=True, helper_online=True)
    assert (chat.assignee_id, chat.group_id, chat.lead.owner_id) == (bruno.id, support.id,
                                                                    bruno.id)
    decision = decisions(chat.id)[0]
    assert (decision.reason, decision.group_id) == (RoutingReason.OFFLINE_TRANSFER, support.id)


@pytest.mark.parametrize("transfer_on, helper_online", [(False, True), (True, False)])
def test_an_offline_owner_keeps_the_lead_otherwise(make_user, make_group, transfer_on,
                                                   helper_online):
    ana, _, _, chat = returning_lead_with_offline_owner(
        make_user, make_group, transfer_on=transfer_on, helper_online=helper_online)
    assert chat.assignee_id == ana.id and decisions(chat.id)[0].reason == RoutingReason.OWNER


def test_a_deactivated_owner_means_new_lead_rules(make_user):
    ana = make_user(name="Ana", online=True)
    first = message("5511900000015")
    first.status, ana.active = ChatStatus.CLOSED, False
    bruno = make_user(name="Bruno", online=True)
    chat = message("5511900000015")
    assert chat.assignee_id == bruno.id and chat.lead.owner_id == bruno.id
    decision = decisions(chat.id)[0]
    assert decision.reason == RoutingReason.DISTRIBUTION
    assert explained(decision).startswith("Owner Ana can no longer receive chats")


def test_a_hidden_number_lead_is_known_by_user_id_and_gets_its_number_later(make_user):
    make_user(online=True)
    chat = message(None, user_id="BR.1234", name="Hidden")
    assert (chat.lead.wa_id, chat.lead.user_id) == (None, "BR.1234")
    again = message("5511900000016", user_id="BR.1234")
    assert again.id == chat.id and again.lead.wa_id == "5511900000016"
    assert message("5511900000016").id == chat.id
    assert db.session.scalar(select(func.count(Lead.id))) == 1


def test_an_empty_id_counts_as_no_id(make_user):
    make_user(online=True)
    first = message("", user_id="BR.55")
    second = message("", user_id="BR.56")
    assert (first.lead.wa_id, second.lead.wa_id) == (None, None) and first.id != second.id


def test_a_number_lead_gets_its_user_id_filled_in(make_user):
    make_user(online=True)
    chat = message("5511900000017")
    assert message("5511900000017", user_id="BR.77").lead.user_id == "BR.77"
    assert message(None, user_id="BR.77").id == chat.id


def test_when_the_two_ids_name_two_leads_the_user_id_one_wins(make_user):
    make_user(online=True)
    by_number = message("5511900000018")
    by_user = message(None, user_id="BR.88")
    chat = message("5511900000018", user_id="BR.88")
    assert chat.id == by_user.id
    assert (by_number.lead.user_id, by_user.lead.wa_id) == (None, None)


def test_a_message_naming_no_lead_is_refused():
    with pytest.raises(RoutingError):
        route_inbound(wa_id=None, user_id="", name="", message_at=utcnow(), preview="",
                      now=utcnow())


def online_sellers(count, group):
    """Online pre-sellers, each busy with one chat, added to the group (no password hashing)."""
    for n in range(count):
        seller = User(email=f"seller{len(group.members)}-{n}@example.test", name=f"Seller {n}",
                      role=PRE_SELLER, password_hash="-", signed_in=True, last_seen_at=utcnow())
        group.members.append(seller)
        db.session.flush()
        busy(seller)


@pytest.mark.parametrize("mode", ["online", "groups"])
def test_routing_issues_the_same_queries_for_3_or_60_pre_sellers(make_group, count_queries,
                                                                 mode):
    group = make_group("Everyone")
    online_sellers(3, group)
    configure(distribution_mode=mode, distribution_groups=[group],
              alternate_recipients=group.members[:2], offline_transfer_enabled=True,
              offline_transfer_group=group)
    counts, group_id = [], group.id
    for n, size in enumerate((3, 60)):
        group = db.session.get(Group, group_id)
        online_sellers(size - len(group.members), group)
        db.session.commit()
        db.session.remove()  # as a webhook request starts: a fresh session
        with count_queries() as queries:
            route_inbound(wa_id=f"55119100000{n}", user_id=None, name="Q", preview="",
                          message_at=utcnow(), now=utcnow())
        counts.append(queries.count)
        db.session.commit()
    assert counts[0] == counts[1]
    assert counts[0] <= 13  # one of them adds the new chat to the report counts


def test_20_new_leads_at_once_spread_evenly_over_4_pre_sellers(app, make_user):
    sellers = {make_user(online=True).id for _ in range(4)}
    now = utcnow()
    calls = [lambda n=n: route_inbound(wa_id=f"55119200000{n:02d}", user_id=None,
                                       name=f"Lead {n}", message_at=now, preview="Hi", now=now)
             for n in range(20)]
    results = at_once(app, calls)
    assert all(isinstance(result, int) for result in results), results
    per_seller = Counter(db.session.scalars(select(Chat.assignee_id)))
    assert set(per_seller) == sellers and set(per_seller.values()) == {5}
    assert db.session.scalar(select(func.count(Lead.id))) == 20
    assert db.session.scalar(select(func.count(func.distinct(Chat.lead_id)))) == 20
    assert db.session.scalar(select(func.count(RoutingDecision.id))) == 20


def test_two_messages_of_one_new_lead_at_once_make_one_lead_and_one_chat(app, make_user):
    make_user(online=True)
    now = utcnow()
    calls = [lambda n=n: route_inbound(wa_id="5511930000001", user_id=None, name="Twice",
                                       message_at=now + timedelta(seconds=n), preview=f"m{n}",
                                       now=now)
             for n in range(2)]
    first, second = at_once(app, calls)
    assert first == second and isinstance(first, int)
    assert db.session.scalar(select(func.count(Lead.id))) == 1
    chat = db.session.scalar(select(Chat))
    assert (chat.status, chat.unread_count, chat.last_message_preview) == (ChatStatus.OPEN, 2, "m1")
    assert db.session.scalar(select(func.count(RoutingDecision.id))) == 1
