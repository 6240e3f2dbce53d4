"""Reports read from the report counts at a period's edges: a zone whose midnight is not on
a UTC hour (Asia/Kolkata, UTC+5:30) takes its edge minutes from the chats' facts; a time
longer than every bucket is worded as such on the page, in the CSV and the JSON."""
from datetime import date, timedelta

import pytest

from tests.report_fixture import at
from webapp.domain.codes import RoutingReason
from webapp.domain.reports import Period
from webapp.extensions import db
from webapp.models import MANAGER, Chat, Lead, RoutingDecision
from webapp.services.report_counts import rebuild
from webapp.services.reports import REPORTS, Facts

KOLKATA = "Asia/Kolkata"


def chat(n, opened, who, *, seconds=None, replier=None, expired=False, waited=None):
    """A chat with its facts, as routing, replies and expiry record them."""
    opened_at = at(opened)
    db.session.add(Chat(
        lead=Lead(name=f"Lead {n}", wa_id=f"5511930000{n:03d}"), opened_at=opened_at,
        status="expired" if expired else "closed", assignee_id=who.id if who else None,
        opened_assignee_id=who.id if who else None,
        opened_reason=RoutingReason.DISTRIBUTION if who else RoutingReason.UNASSIGNED,
        first_inbound_at=opened_at, first_response_seconds=seconds,
        first_reply_by_id=(replier or who).id if seconds is not None else None,
        first_reply_at=opened_at + timedelta(seconds=seconds) if seconds is not None else None,
        waiting_ended_at=opened_at + timedelta(seconds=waited) if waited else None,
        waited_seconds=waited, expired_unanswered=expired,
        expired_holder_id=who.id if expired and who else None))


@pytest.fixture
def kolkata(make_user):
    """10 March 2026 in Kolkata is [18:30 UTC on the 9th, 18:30 UTC on the 10th): chats in
    its edge minutes (18:30–19:00 on the 9th, 18:00–18:30 on the 10th), in its whole hours,
    and just outside it."""
    ana = make_user(name="Ana", timezone=KOLKATA)
    bruno = make_user(name="Bruno", timezone=KOLKATA)
    rows = [
        ("2026-03-09 18:29", ana, {"seconds": 5}),  # 23:59 on the 9th: out
        ("2026-03-09 18:30", ana, {"seconds": 50}),  # 00:00: edge minutes
        ("2026-03-09 18:45", bruno, {"expired": True}),  # 00:15: edge minutes
        ("2026-03-10 06:00", ana, {"seconds": 200}),  # 11:30: a whole hour
        ("2026-03-10 18:10", None, {"waited": 100}),  # 23:40: edge minutes
        ("2026-03-10 18:29", bruno, {"seconds": 4000}),  # 23:59: edge minutes
        ("2026-03-10 18:30", bruno, {"seconds": 1}),  # 00:00 on the 11th: out
    ]
    for n, (opened, who, facts) in enumerate(rows):
        chat(n, opened, who, **facts)
    db.session.flush()
    any_chat = db.session.query(Chat).first()
    for when, source, target in (("2026-03-09 18:50", ana, bruno),  # edge minutes
                                 ("2026-03-10 18:40", bruno, ana)):  # out
        db.session.add(RoutingDecision(chat_id=any_chat.id, created_at=at(when),
                                       reason=RoutingReason.MANUAL_TRANSFER,
                                       from_assignee_id=source.id, assignee_id=target.id))
    rebuild()
    db.session.commit()
    return ana, bruno


def figures(key, zone=KOLKATA):
    """A report's rows for 10 March 2026 as (name or key, values…)."""
    report = REPORTS[key](Facts.of(Period(date(2026, 3, 10), date(2026, 3, 10), zone)))
    return [(row.name if row.name is not None else row.key,
             *(row.values[column] for column in report.columns)) for row in report.rows]


def test_a_half_hour_zone_counts_its_edge_minutes_from_the_facts(app, kolkata):
    facts = Facts.of(Period(date(2026, 3, 10), date(2026, 3, 10), KOLKATA))
    assert facts.pieces.minutes  # the case this test is about
    assert figures("new-chats") == [("Ana", 2), ("Bruno", 2)]
    # Ana 50 (≤ 60 s), 200 (≤ 240 s): the 1st and the 2nd. Bruno 4000 s: ≤ 5400 s.
    # Team 50, 200, 4000: the 2nd (≤ 240) and the ⌈2.7⌉ = 3rd (≤ 5400).
    assert figures("first-response") == [("Ana", 2, 60, 240), ("Bruno", 1, 5400, 5400),
                                          ("team", 3, 240, 5400)]
    assert figures("expired-unanswered") == [("Ana", 0), ("Bruno", 1), ("unassigned", 0)]
    assert figures("waiting-line") == [("waiting_line", 1, 1, 120, 120)]
    assert figures("transfers") == [("Ana", 0, 1), ("Bruno", 1, 0)]
    hours = dict(figures("volume-by-hour"))
    assert {hour: n for hour, n in hours.items() if n} == {0: 2, 11: 1, 23: 2}


def test_the_same_chats_in_utc_are_cut_on_whole_hours(app, kolkata):
    # 10 March in UTC holds the chats from 06:00 to 18:30 (the 18:30 one included).
    assert figures("new-chats", "UTC") == [("Ana", 1), ("Bruno", 2)]


def test_a_time_longer_than_every_bucket_is_worded_so_everywhere(client, auth, make_user):
    ana = make_user(name="Ana", timezone="UTC")
    maria = make_user(role=MANAGER, name="Maria", email="maria@example.test", timezone="UTC")
    chat(1, "2026-03-10 10:00", ana, seconds=90_000)
    chat(2, "2026-03-10 11:00", ana, seconds=100_000)
    chat(3, "2026-03-10 12:00", ana, seconds=30)
    rebuild()
    db.session.commit()
    assert figures("first-response", "UTC")[0] == ("Ana", 3, None, None)
    auth.login(maria)
    args = {"period": "range", "start": "2026-03-10", "end": "2026-03-10"}
    page = client.get("/telephony/dashboard", query_string=args).get_data(as_text=True)
    assert page.count("more than 24 h") == 4  # Ana's and the team's median and p90
    sheet = client.get("/telephony/dashboard/first-response.csv",
                       query_string=args).get_data(as_text=True)
    assert "Ana,3,>86400,>86400" in sheet
    row = client.get("/api/reports/first-response", query_string=args).get_json()["rows"][0]
    assert (row["answered"], row["median_within_seconds"], row["longer"]) == \
        (3, None, ["median_within_seconds", "p90_within_seconds"])
