"""A hand-computed fixture for the dashboard's reports: one local day in São Paulo
(2026-03-10, a Tuesday, UTC−3 all year), with chats just outside it on either side.

Every expected figure below is worked out by hand from the rows, in the comments.
"""
from datetime import UTC, datetime, timedelta

from webapp.domain.codes import RoutingReason
from webapp.extensions import db
from webapp.models import MANAGER, Chat, Lead, RoutingDecision
from webapp.services.report_counts import rebuild

ZONE = "America/Sao_Paulo"
DAY = "2026-03-10"


def at(text: str) -> datetime:
    """A UTC instant written 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def seed(make_user):
    """Ana, Bruno, Carla (pre-sellers, SP time), Maria (manager, SP time), and the chats."""
    ana = make_user(name="Ana Souza", timezone=ZONE)
    bruno = make_user(name="Bruno Lima", timezone=ZONE)
    carla = make_user(name="Carla Dias", timezone=ZONE)
    maria = make_user(role=MANAGER, name="Maria Manager", email="maria@example.test",
                      timezone=ZONE)
    distribution, alternate = RoutingReason.DISTRIBUTION, RoutingReason.ALTERNATE
    owner, unassigned = RoutingReason.OWNER, RoutingReason.UNASSIGNED
    # (opened UTC, got it when opened, why, assignee now, status, first reply by, seconds,
    #  wait ended) — local times in the comments.
    rows = [
        ("2026-03-10 02:30", ana, distribution, ana, "closed", ana, 10, None),  # 9th 23:30: out
        ("2026-03-10 04:00", ana, distribution, ana, "closed", ana, 60, None),  # 01:00
        ("2026-03-10 13:15", ana, distribution, ana, "open", ana, 180, None),  # 10:15
        ("2026-03-10 14:00", bruno, alternate, bruno, "closed", bruno, 30, None),  # 11:00
        ("2026-03-11 01:30", bruno, owner, bruno, "expired", None, None, None),  # 22:30
        ("2026-03-10 15:00", None, unassigned, carla, "closed", maria, 900, 600),  # 12:00
        ("2026-03-10 16:00", None, unassigned, None, "expired", None, None, None),  # 13:00
        ("2026-03-11 02:59", ana, distribution, ana, "open", ana, 300, None),  # 23:59
        ("2026-03-11 03:00", bruno, distribution, bruno, "open", None, None, None),  # 11th: out
    ]
    for n, (opened, got, why, now_with, status, replier, seconds, waited) in enumerate(rows):
        opened_at = at(opened)
        chat = Chat(lead=Lead(name=f"Lead {n}", wa_id=f"5511900000{n:03d}"), status=status,
                    opened_at=opened_at, last_inbound_at=opened_at, last_message_at=opened_at,
                    window_expires_at=opened_at + timedelta(hours=24),
                    assignee_id=now_with.id if now_with else None,
                    opened_assignee_id=got.id if got else None, opened_reason=why,
                    first_inbound_at=opened_at,
                    first_reply_at=opened_at + timedelta(seconds=seconds) if seconds else None,
                    first_reply_by_id=replier.id if replier else None,
                    first_response_seconds=seconds,
                    waiting_ended_at=opened_at + timedelta(seconds=waited) if waited else None,
                    waited_seconds=waited, expired_unanswered=status == "expired" and not seconds,
                    expired_holder_id=now_with.id if status == "expired" and now_with else None)
        db.session.add(chat)
    db.session.flush()
    any_chat = db.session.query(Chat).first()
    moves = [("2026-03-10 18:00", ana, bruno, RoutingReason.MANUAL_TRANSFER),  # 15:00
             ("2026-03-11 02:00", bruno, carla, RoutingReason.REASSIGNED),  # 23:00
             ("2026-03-11 03:30", ana, carla, RoutingReason.MANUAL_TRANSFER),  # 11th: out
             ("2026-03-10 15:10", None, carla, RoutingReason.WAITING_LINE)]  # not a transfer
    for when, source, target, reason in moves:
        db.session.add(RoutingDecision(chat_id=any_chat.id, reason=reason, created_at=at(when),
                                       from_assignee_id=source.id if source else None,
                                       assignee_id=target.id))
    # The facts were written directly: their report counts are rebuilt from them.
    rebuild()
    db.session.commit()
    return ana, bruno, carla, maria


# The figures of 2026-03-10 in São Paulo: [03:00 UTC on the 10th, 03:00 UTC on the 11th).
# In it: the chats opened 04:00, 13:15, 14:00, 15:00, 16:00 (10th) and 01:30, 02:59 (11th).
EXPECTED = {
    # Ana 04:00, 13:15, 02:59 = 3; Bruno 14:00, 01:30 = 2; Carla 0. Spread 3 − 0.
    "new-chats": ([("Ana Souza", 3), ("Bruno Lima", 2), ("Carla Dias", 0)],
                  {"spread": 3, "unassigned": 2, "total": 7}),
    "new-chats-by-reason": ([("owner", 1), ("distribution", 3), ("alternate", 1),
                             ("unassigned", 2)], {}),
    # Percentiles are the bound of the bucket holding the rank ⌈n × fraction⌉.
    # Ana 60, 180, 300: median the 2nd (180, bucket ≤ 180 s), p90 the 3rd (300, ≤ 300 s).
    # Team 30, 60, 180, 300, 900: median the 3rd (180 → ≤ 180), p90 the 5th (900 → ≤ 900).
    "first-response": ([("Ana Souza", 3, 180, 300), ("Bruno Lima", 1, 30, 30),
                        ("Carla Dias", 0, None, None), ("team", 5, 180, 900)], {}),
    # Bruno's 01:30 chat (22:30 local) expired unanswered; the 16:00 one nobody had.
    "expired-unanswered": ([("Ana Souza", 0), ("Bruno Lima", 1), ("Carla Dias", 0),
                            ("unassigned", 1)], {}),
    # Two opened unassigned; one given out after 600 s (bucket ≤ 600 s).
    "waiting-line": ([("waiting_line", 2, 1, 600, 600)], {}),
    # Local hours 1, 10, 11, 22, 12, 13, 23; all on Tuesday (weekday 1).
    "volume-by-hour": ([(h, 1 if h in (1, 10, 11, 12, 13, 22, 23) else 0) for h in range(24)],
                       {}),
    "volume-by-weekday": ([(d, 7 if d == 1 else 0) for d in range(7)], {}),
    # Ana → Bruno at 15:00, Bruno → Carla at 23:00 local; the 11th's one is outside.
    "transfers": ([("Ana Souza", 0, 1), ("Bruno Lima", 1, 1), ("Carla Dias", 1, 0)], {}),
}
