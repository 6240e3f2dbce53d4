"""The delivery queue behind the webhook: backoff and dead deliveries on an injected clock, a
poison message inside a batch, a consumer killed mid-batch, consumers racing, wake-ups on
commit, and /healthz's backlog. Both databases."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from tests.webhook_helpers import (
    batch,
    drain_deliveries,
    heard,
    listening,
    post_signed,
    text_payload,
)
from webapp.db import utcnow
from webapp.delivery_consumer import DeliveryConsumer
from webapp.delivery_wakeup import WAKE
from webapp.domain.codes import DeliveryFailure
from webapp.domain.deliveries import RETRY_DELAYS, next_attempt_at
from webapp.extensions import db
from webapp.models import MANAGER, Chat, Lead, Message, WebhookEvent
from webapp.services import deliveries, inbound_messages
from webapp.webhooks import handling

POISON_WA_ID = "5511966660000"


def count(model) -> int:
    """Rows in a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def the_event(event_id: int) -> WebhookEvent:
    """A delivery's row, fresh from the database."""
    db.session.expire_all()
    return db.session.get_one(WebhookEvent, event_id)


@pytest.fixture
def poison(monkeypatch):
    """Routing fails for POISON_WA_ID's messages (as a bug or a bad row would)."""
    real = inbound_messages.route_and_store

    def route(messages, now):
        if any(message.wa_id == POISON_WA_ID for message in messages):
            raise RuntimeError("routing broke")
        return real(messages, now)

    monkeypatch.setattr(inbound_messages, "route_and_store", route)
    return monkeypatch


def test_the_backoff_schedule_then_dead():
    now = utcnow()
    delays = [next_attempt_at(n, DeliveryFailure.PROCESSING_FAILED, now) for n in range(1, 7)]
    assert [d - now for d in delays[:5]] == [
        timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2),
        timedelta(minutes=10), timedelta(hours=1)] == list(RETRY_DELAYS)
    assert delays[5] is None
    assert next_attempt_at(1, DeliveryFailure.BAD_PAYLOAD, now) is None  # never readable


def test_a_failing_delivery_is_retried_with_backoff_then_dead(client, make_user, poison):
    make_user(online=True)
    event_id = post_signed(client, text_payload(wa_id=POISON_WA_ID)).json["event"]
    clock = utcnow()
    for attempt, delay in enumerate(RETRY_DELAYS, start=1):
        assert drain_deliveries(now=clock)[event_id].failed == ("RuntimeError: routing broke",)
        event = the_event(event_id)
        assert (event.attempts, event.failure) == (attempt, "processing_failed")
        assert event.next_attempt_at == clock + delay and event.dead_at is None
        assert drain_deliveries(now=clock + delay - timedelta(seconds=1)) == {}  # not yet due
        clock += delay
    drain_deliveries(now=clock)
    event = the_event(event_id)
    assert (event.attempts, event.dead_at, event.next_attempt_at) == (6, clock, None)
    assert event.error == "RuntimeError: routing broke" and count(Message) == 0
    assert drain_deliveries(now=clock + timedelta(days=1)) == {}  # dead: never by itself
    health = client.get("/healthz").get_json()["deliveries"]
    assert (health["backlog"], health["dead"]) == (0, 1)

    poison.undo()
    assert deliveries.revive([event_id]) == 1  # a manager's retry
    assert drain_deliveries()[event_id].messages == 1
    event = the_event(event_id)
    assert event.processed_at is not None and (event.error, event.failure) == (None, None)


def test_a_poison_message_in_a_batch_is_retried_alone(client, make_user, poison):
    make_user(online=True)
    ids = [post_signed(client, text_payload(wa_id=wa_id, text=wa_id)).json["event"]
           for wa_id in ("5511966660001", POISON_WA_ID, "5511966660002")]
    results = drain_deliveries()
    assert [results[i].messages for i in ids] == [1, 0, 1]
    assert the_event(ids[1]).next_attempt_at is not None
    assert [the_event(i).processed_at is not None for i in ids] == [True, False, True]
    assert sorted(db.session.scalars(select(Message.body))) == ["5511966660001",
                                                                "5511966660002"]
    poison.undo()
    later = utcnow() + RETRY_DELAYS[0]
    assert list(drain_deliveries(now=later)) == [ids[1]]  # alone; the others are done
    assert the_event(ids[1]).attempts == 2 and count(Message) == 3


def test_a_poison_message_beside_a_good_one_in_one_delivery(client, make_user, poison):
    make_user(online=True)
    event_id = post_signed(client, batch(text_payload(wa_id=POISON_WA_ID),
                                         text_payload(wa_id="5511966660003"))).json["event"]
    result = drain_deliveries()[event_id]
    assert result.messages == 1 and len(result.failed) == 1
    assert the_event(event_id).failure == "items_failed"


class Killed(BaseException):
    """The process dies mid-batch (not an Exception: nothing may catch it)."""


def test_a_consumer_killed_mid_batch_leaves_nothing_half_applied(client, make_user,
                                                                 monkeypatch):
    make_user(online=True)
    ids = [post_signed(client, text_payload(wa_id=f"55119777700{n:02d}")).json["event"]
           for n in range(5)]
    db.session.commit()

    def dies(*args, **kwargs):
        raise Killed()

    # The batch has routed and written every message; it dies before marking them done.
    monkeypatch.setattr(deliveries, "record", dies)
    with pytest.raises(Killed):
        handling.consume_batch(10)
    db.session.expire_all()
    assert count(Message) == count(Lead) == count(Chat) == 0
    assert [the_event(i).attempts for i in ids] == [0] * 5
    monkeypatch.undo()
    assert sorted(drain_deliveries()) == ids  # taken again, whole
    assert count(Message) == count(Lead) == 5


def test_healthz_reports_the_backlog(client):
    post_signed(client, text_payload(wa_id="5511966660010"))
    health = client.get("/healthz").get_json()["deliveries"]
    assert health["backlog"] == 1 and health["oldest_seconds"] >= 0 and health["dead"] == 0
    drain_deliveries()
    assert client.get("/healthz").get_json()["deliveries"]["backlog"] == 0


def test_reprocess_events_retries_a_dead_delivery(client, runner, make_user, poison):
    make_user(online=True)
    event_id = post_signed(client, text_payload(wa_id=POISON_WA_ID)).json["event"]
    drain_deliveries()
    db.session.execute(WebhookEvent.__table__.update().values(
        dead_at=utcnow(), next_attempt_at=None))
    db.session.commit()
    poison.undo()
    result = runner.invoke(args=["reprocess-events"])
    assert f"Event {event_id}: processed (1 new messages" in result.output
    assert the_event(event_id).processed_at is not None


def test_the_webhook_wakes_the_consumers_on_commit(app, client):
    wake = app.extensions[WAKE]
    wake.clear()
    post_signed(client, text_payload(wa_id="5511966660020"))
    assert wake.is_set()


def test_postgresql_notifies_listeners_when_a_delivery_commits(app, client):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite is woken in-process (test above)")
    with listening() as listener:
        post_signed(client, text_payload(wa_id="5511966660021"))
        assert heard(listener) == [deliveries.CHANNEL]


def test_a_running_consumer_routes_a_delivery_at_once(app, client, make_user):
    make_user(online=True)
    db.session.commit()
    routed = threading.Event()
    consumer = DeliveryConsumer(app)
    real_drain = consumer.drain_once

    def drain_and_tell() -> int:
        done = real_drain()
        if done:
            routed.set()
        return done

    consumer.drain_once = drain_and_tell  # type: ignore[method-assign]
    consumer.poll = 60  # only the wake-up can start the drain within the test's wait
    consumer.start()
    try:
        started = utcnow()
        post_signed(client, text_payload(wa_id="5511966660022", text="Quick"))
        assert routed.wait(20)
        elapsed = utcnow() - started
    finally:
        consumer.stop()
    db.session.expire_all()
    assert db.session.scalar(select(Message.body)) == "Quick"
    assert elapsed < timedelta(seconds=5)


def test_two_consumers_racing_store_each_wamid_once_and_spread_evenly(app, client, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: two consumers take turns by construction")
    sellers = [make_user(online=True).id for _ in range(4)]
    payloads = [text_payload(wa_id=f"55119888{n:05d}", text=f"m{n}") for n in range(60)]
    for payload in payloads + payloads[:20]:  # 20 duplicates of the same wamids
        post_signed(client, payload)
    db.session.commit()
    barrier = threading.Barrier(2)
    done: list[int] = []

    def consume():
        with app.app_context():
            barrier.wait()
            done.extend(item.attempt.id for item in handling.drain(7))
            db.session.remove()

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    db.session.expire_all()
    assert sorted(done) == sorted(set(done)) and len(done) == 80  # each claimed once
    assert count(Message) == 60 and count(Lead) == 60
    per_seller = Counter(db.session.scalars(select(Chat.assignee_id)))
    assert set(per_seller) == set(sellers)
    assert max(per_seller.values()) - min(per_seller.values()) <= 1


def test_managers_see_dead_deliveries_and_retry_them(client, auth, manager, make_user, poison):
    make_user(online=True)
    event_id = post_signed(client, text_payload(wa_id=POISON_WA_ID)).json["event"]
    drain_deliveries()
    db.session.execute(WebhookEvent.__table__.update().values(
        dead_at=utcnow(), next_attempt_at=None, attempts=6))
    db.session.commit()
    auth.login(manager)
    page = client.get("/settings/deliveries")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Failed deliveries" in html and f"No. {event_id}" in html
    assert "It could not be processed." in html and "RuntimeError: routing broke" in html
    poison.undo()
    answer = client.post(f"/settings/deliveries/{event_id}/retry")
    assert answer.status_code == 303
    assert the_event(event_id).dead_at is None
    assert drain_deliveries()[event_id].messages == 1
    assert "No failed deliveries" in client.get("/settings/deliveries").get_data(as_text=True)


def test_the_dead_deliveries_page_speaks_portuguese(client, auth, make_user):
    post_signed(client, b"{{ not json")  # dead at once: not a delivery
    auth.login(make_user(role=MANAGER, locale="pt_BR"))
    html = client.get("/settings/deliveries").get_data(as_text=True)
    assert "Entregas com falha" in html and "Tentar de novo" in html
    assert "Não é uma entrega do WhatsApp que o Relay consiga ler" in html


def test_pre_sellers_cannot_see_or_retry_dead_deliveries(client, auth, pre_seller):
    auth.login(pre_seller)
    assert client.get("/settings/deliveries").status_code == 403
    assert client.post("/settings/deliveries/retry").status_code == 403


def test_retrying_a_dead_delivery_needs_the_pages_csrf_token(app, client, auth, manager):
    post_signed(client, b"{{ not json")
    auth.login(manager)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/settings/deliveries/retry").status_code == 400
    page = client.get("/settings/deliveries").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/settings/deliveries/retry",
                       data={"csrf_token": token}).status_code == 303


def _plan_of_claim(app) -> str:
    """The database's plan for the consumer's claim, as claim() sends it."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        deliveries.claim(50, utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    statement, parameters = next(item for item in sent if "webhook_events" in item[0])
    cursor = db.session.connection().connection.cursor()
    if db.engine.dialect.name == "postgresql":
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, parameters)
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    plan = " ".join(str(row) for row in cursor.fetchall())
    db.session.rollback()
    return plan


def test_the_claim_reads_the_index_of_unprocessed_deliveries(app):
    # The index holds only what is not processed: the history of done deliveries never
    # slows the claim, and a delivery's INSERT updates one index beside the key.
    assert "ix_webhook_events_unprocessed" in _plan_of_claim(app)
