"""The batch path routes exactly like the one-message path: the same messages, through
route_inbound one at a time and through batch_routing in one batch, leave the same leads,
chats, decisions and pre-sellers (new leads, returning leads, offline transfer, a full
pre-seller, a quiet chat coming back into activity, an expired window, a hidden number, a
new lead writing twice, a group mode team). Both databases."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.routing_helpers import busy, configure
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.domain.settings_rules import GROUPS_MODE
from webapp.extensions import db
from webapp.models import Chat, Lead, RoutingDecision, User, report_counts
from webapp.services.batch_routing import route_and_store
from webapp.services.routing import route_inbound
from webapp.whatsapp.records import InboundMessage
from webapp.whatsapp.simulate import fresh_wamid


def inbound(wa_id=None, user_id=None, name="Lead", at=None, text="Hi") -> InboundMessage:
    """A parsed text message."""
    return InboundMessage(wamid=fresh_wamid(), wa_id=wa_id, user_id=user_id, name=name,
                          sent_at=at or utcnow(), type="text", text=text)


def snapshot() -> dict:
    """Everything routing writes, keyed by what both paths agree on (lead ids, not row ids)."""
    leads = {lead.id: (lead.wa_id, lead.user_id) for lead in db.session.scalars(select(Lead))}
    chats = sorted((
        (leads[c.lead_id], c.status, c.assignee_id, c.group_id, c.unread_count,
         c.awaiting_reply, c.awaiting_since, c.last_inbound_at, c.window_expires_at,
         c.last_message_at, c.last_message_preview, c.version, c.assigned_at is not None,
         c.opened_reason, c.opened_assignee_id, c.first_inbound_at, c.expired_unanswered,
         c.expired_holder_id)
        for c in db.session.scalars(select(Chat))), key=repr)
    chat_leads = {c.id: leads[c.lead_id] for c in db.session.scalars(select(Chat))}
    decisions = sorted(((chat_leads[d.chat_id], d.reason, d.assignee_id, d.group_id,
                        repr(d.facts)) for d in db.session.scalars(select(RoutingDecision))),
                       key=repr)
    lead_rows = sorted(((lead.wa_id or "", lead.user_id or "", lead.name, lead.owner_id or 0,
                        lead.search_text) for lead in db.session.scalars(select(Lead))),
                       key=repr)
    users = sorted(((u.id, u.last_assigned_at) for u in db.session.scalars(select(User))),
                   key=repr)
    # The dashboard's report counts: the batch adds them grouped, one upsert per row.
    counts = [tuple(row) for row in db.session.execute(
        select(report_counts).order_by(*report_counts.primary_key.columns))]
    return {"chats": chats, "decisions": decisions, "leads": lead_rows, "users": users,
            "report_counts": counts}


def both_ways(messages: list[InboundMessage], now) -> tuple[dict, dict]:
    """The state after routing one message at a time, then (rolled back) in one batch."""
    db.session.commit()
    for message in messages:
        route_inbound(wa_id=message.wa_id, user_id=message.user_id, name=message.name,
                      message_at=message.sent_at, preview=message.text, now=now)
    db.session.flush()
    db.session.expire_all()
    one_by_one = snapshot()
    db.session.rollback()
    route_and_store(messages, now)
    db.session.expire_all()
    batched = snapshot()
    db.session.rollback()
    return one_by_one, batched


@pytest.fixture
def team(make_user, make_group):
    """Pre-sellers in every state routing distinguishes."""
    people = {name: make_user(name=name, online=online, **fields) for name, online, fields in (
        ("Ana", True, {}), ("Bruno", True, {}), ("Carla", True, {"max_open_chats": 1}),
        ("Davi", False, {}), ("Eva", True, {}), ("Fabio", False, {}))}
    busy(people["Bruno"], 2)  # two chats in activity
    busy(people["Carla"], 1)  # at her limit
    transfer = make_group("Plantão", [people["Davi"], people["Eva"]])
    configure(offline_transfer_enabled=True, offline_transfer_group_id=transfer.id,
              alternate_recipients=[people["Fabio"]])
    return people


def test_a_mixed_batch_routes_exactly_as_one_message_at_a_time(team):
    now = utcnow()
    returning_offline = make_chat(team["Davi"], wa_id="5511970000001",
                                  status=ChatStatus.CLOSED)
    returning_online = make_chat(team["Ana"], wa_id="5511970000002", status=ChatStatus.CLOSED)
    quiet = make_chat(team["Bruno"], wa_id="5511970000003",
                      last_message_at=now - timedelta(hours=3))
    lapsed = make_chat(team["Ana"], wa_id="5511970000004", window_left=timedelta(minutes=-1))
    messages = [inbound(f"55119800000{n:02d}", name=f"New {n}") for n in range(9)]
    messages[3:3] = [inbound(returning_offline.lead.wa_id, name="Back again"),
                     inbound(returning_online.lead.wa_id),
                     inbound(quiet.lead.wa_id, text="Still there?"),
                     inbound(lapsed.lead.wa_id, text="Hello again"),
                     inbound(None, user_id="BR.77", name="Hidden")]
    messages.append(inbound("5511980000001", name="New 1 renamed", text="second",
                            at=now + timedelta(seconds=1)))
    messages.append(inbound("5511980000099", at=now - timedelta(minutes=5), text="older"))
    one_by_one, batched = both_ways(messages, now)
    assert batched == one_by_one
    reasons = {reason for _, reason, *_ in batched["decisions"]}
    assert {"owner", "offline_parent_transfer", "distribution"} <= reasons
    assert batched["report_counts"]  # openings and the lapsed chat's expiry were counted


def test_group_mode_and_alternates_route_the_same_way(team, make_group):
    group = make_group("Vendas", [team["Ana"], team["Carla"]])
    configure(distribution_mode=GROUPS_MODE, distribution_groups=[group])
    messages = [inbound(f"55119810000{n:02d}") for n in range(6)]
    one_by_one, batched = both_ways(messages, utcnow())
    assert batched == one_by_one
    configure(distribution_groups=[make_group("Ninguém", [])])
    one_by_one, batched = both_ways(messages, utcnow())
    assert batched == one_by_one
    assert {reason for _, reason, *_ in batched["decisions"]} == {"alternate"}
