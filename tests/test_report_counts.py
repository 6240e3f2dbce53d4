"""The report counts kept as facts happen (services.report_counts) equal a rebuild from the
chats' facts: a varied day driven through the real services (routing one by one and through
the delivery consumer's batch path, replies, the waiting line, transfers manual, offline
and for an unanswered chat, expiry by the sweep and inline); two writers adding to the same
row at once lose no count (PostgreSQL); the rebuild command. Both databases."""
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select, update

from tests.routing_helpers import at_once, configure, message
from tests.webhook_helpers import batch, drain_deliveries, post_signed, text_payload
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import Chat, User, report_counts
from webapp.models.report_counts import COUNT_COLUMNS, DAY, HOUR, REPLY_COLUMNS, WAIT_COLUMNS
from webapp.services import report_counts as counting
from webapp.services.reassignment import reassign_unanswered_chats
from webapp.services.replies import record_outcome, save_pending_reply, send
from webapp.services.routing import move_offline_chat
from webapp.services.sweeps import expire_chats
from webapp.services.transfers import transfer_chat
from webapp.services.waiting_line import give_out_waiting


def counts() -> list[tuple]:
    """Every row of the report counts, in key order."""
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(report_counts).order_by(report_counts.c.grain, report_counts.c.start,
                                       report_counts.c.user_id))]


def total(column: str, grain: str = DAY) -> int:
    """A count summed over every row of a grain."""
    return sum(row[3 + COUNT_COLUMNS.index(column)] for row in counts() if row[0] == grain)


def online(*people, now=None) -> None:
    """These pre-sellers signed in and seen now; everyone else offline."""
    db.session.execute(update(User).values(signed_in=False))
    db.session.execute(update(User).where(User.id.in_([p.id for p in people]))
                       .values(signed_in=True, last_seen_at=now or utcnow()))
    db.session.commit()


def reply(chat_id: int, author: User) -> None:
    """What the reply view does: save as pending, send (sandbox), record the outcome."""
    chat = db.session.get_one(Chat, chat_id)
    outgoing = save_pending_reply(chat=chat, author=author, text="Hello!", now=utcnow())
    db.session.commit()
    record_outcome(outgoing, send(outgoing, current_app.config))
    db.session.commit()


def window_closed(*chat_ids: int) -> None:
    """The chats' response windows closed a minute ago (the sweep or the next message
    expires them)."""
    db.session.execute(update(Chat).where(Chat.id.in_(chat_ids))
                       .values(window_expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()


def test_counts_kept_as_facts_happen_equal_a_rebuild_from_the_facts(
        app, client, make_user, make_group, manager):
    ana, bruno, carla = (make_user(name=name) for name in ("Ana", "Bruno", "Carla"))
    plantao = make_group("Plantão", [carla])
    configure(give_waiting_chats=True, offline_transfer_enabled=True,
              offline_transfer_group_id=plantao.id, reassign_unanswered_minutes=15)
    online()  # nobody: the first two leads wait
    waiting = [message(f"551190000000{n}").id for n in (1, 2)]
    online(ana, bruno)
    assert len(give_out_waiting(utcnow())) == 2  # the waiting line gives both out
    db.session.commit()
    opened = [message(f"551190000001{n}").id for n in range(4)]  # one by one
    # The batch path, through the delivery consumer: two new leads, one continuing.
    post_signed(client, batch(text_payload(wa_id="5511900000020"),
                              text_payload(wa_id="5511900000021"),
                              text_payload(wa_id="5511900000010")))
    drain_deliveries()
    chats = {chat.lead.wa_id: chat for chat in db.session.scalars(select(Chat))}
    for wa_id in ("5511900000010", "5511900000020", "5511900000001"):
        reply(chats[wa_id].id, chats[wa_id].assignee)
    reply(chats["5511900000010"].id, manager)  # a second reply: not a first response
    # A manual transfer, an offline parent chat transfer, an unanswered chat reassigned.
    moved = chats["5511900000011"]
    transfer_chat(chat_id=moved.id, actor=manager, expected_version=moved.version,
                  note="", now=utcnow(), to_user_id=carla.id)
    db.session.commit()
    online(bruno, carla)
    offline = db.session.get_one(Chat, chats["5511900000012"].id)
    if offline.assignee_id == ana.id:
        assert move_offline_chat(offline, utcnow()) is not None
        db.session.commit()
    reassign_unanswered_chats(utcnow() + timedelta(minutes=20))
    db.session.commit()
    # Expiry: by the sweep (answered and not), and inline when the lead writes again, on
    # both paths.
    window_closed(chats["5511900000020"].id, chats["5511900000013"].id,
                  chats["5511900000021"].id, chats["5511900000002"].id)
    assert expire_chats() == 4
    db.session.commit()
    window_closed(chats["5511900000001"].id, chats["5511900000011"].id)
    message("5511900000001")  # one by one: the old chat expires, a new one opens
    post_signed(client, text_payload(wa_id="5511900000011"))
    drain_deliveries()  # the batch path: the same
    kept = counts()

    counting.rebuild()
    db.session.commit()
    assert counts() == kept
    # Every kind of count was exercised (this test would pass vacuously otherwise).
    for column in ("new_unassigned", "new_distribution", "expired", "transfers_in",
                   "transfers_out"):
        assert total(column) > 0, column
    assert sum(total(name) for name in REPLY_COLUMNS) == 3
    assert sum(total(name) for name in WAIT_COLUMNS) == 2
    # Unanswered when they expired: 0013, 0021, 0002 (swept), 0011 (inline); 0020 and
    # 0001 had been answered.
    assert total("expired") == total("expired", HOUR) == 4
    assert len(waiting) == 2 and len(opened) == 4


def test_a_reply_sent_after_expiry_leaves_the_chat_counted_as_expired_unanswered(
        app, make_user):
    ana = make_user(name="Ana", online=True)
    chat_id = message("5511900000031").id
    window_closed(chat_id)
    expire_chats()
    db.session.commit()
    chat = db.session.get_one(Chat, chat_id)
    assert (chat.status, chat.expired_unanswered, chat.expired_holder_id) == \
        (ChatStatus.EXPIRED, True, ana.id)
    kept = counts()
    counting.rebuild()
    db.session.commit()
    assert counts() == kept and total("expired") == 1


def test_two_writers_adding_to_the_same_new_row_lose_no_count(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; PostgreSQL's rows are the race")
    at, rounds = utcnow(), 40

    def writer():
        for _ in range(rounds):
            counting.count_transfer(at, "manual_transfer", 7, 8)
            db.session.commit()

    assert at_once(app, [writer, writer]) == [None, None]
    assert total("transfers_out") == total("transfers_in") == 2 * rounds
    assert total("transfers_out", HOUR) == 2 * rounds


def test_the_rebuild_command_recomputes_lost_counts(app, make_user):
    make_user(name="Ana", online=True)
    message("5511900000041")
    kept = counts()
    db.session.execute(report_counts.delete())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-report-counts"])
    assert result.exit_code == 0, result.output
    assert counts() == kept and total("new_distribution") == 1
