"""Concurrency through the real WSGI app: a threaded server, real sockets, real connections."""
import socket
import threading
from collections import Counter

import pytest
import requests
from sqlalchemy import func, select

from tests.live_server import serving
from tests.webhook_helpers import (
    URL,
    as_body,
    batch,
    drain_deliveries,
    signed_headers,
    text_payload,
)
from webapp.extensions import db
from webapp.models import Chat, Lead, Message, WebhookEvent


@pytest.fixture
def server(app):
    """The app in werkzeug's threaded server on a random port; yields its base URL."""
    db.session.remove()  # the test's own session must hold no transaction (SQLite lock)
    with serving(app) as base_url:
        yield base_url


def post_all_at_once(base_url: str, payloads: list) -> list[requests.Response]:
    """POST every payload from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(payloads))
    answers = [None] * len(payloads)

    def post(n, body):
        barrier.wait()
        answers[n] = requests.post(base_url + URL, data=body, headers=signed_headers(body),
                                   timeout=60)

    threads = [threading.Thread(target=post, args=(n, as_body(p)))
               for n, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    db.session.remove()  # read what the server threads committed
    return answers


def test_20_new_leads_at_once_are_spread_evenly(make_user, server):
    sellers = [make_user(online=True).id for _ in range(4)]
    db.session.remove()
    payloads = [text_payload(wa_id=f"55119300000{n:02d}", name=f"Lead {n}") for n in range(20)]
    answers = post_all_at_once(server, payloads)
    assert [a.status_code for a in answers] == [200] * 20
    results = drain_deliveries()
    assert all(results[a.json()["event"]].failed == () for a in answers)
    per_seller = Counter(db.session.scalars(select(Chat.assignee_id)))
    assert set(per_seller) == set(sellers)
    assert max(per_seller.values()) - min(per_seller.values()) <= 1
    assert db.session.scalar(select(func.count(Lead.id))) == 20
    assert db.session.scalar(select(func.count(func.distinct(Chat.lead_id)))) == 20


def test_two_messages_of_one_new_lead_at_once_make_one_lead_and_one_chat(make_user, server):
    make_user(online=True)
    db.session.remove()
    payloads = [text_payload(wa_id=f"55119400000{lead}", text=f"message {n}")
                for lead in range(5) for n in range(2)]
    answers = post_all_at_once(server, payloads)
    results = drain_deliveries()
    assert all(a.status_code == 200 and results[a.json()["event"]].messages == 1
               for a in answers)
    assert db.session.scalar(select(func.count(Lead.id))) == 5
    assert db.session.scalar(select(func.count(Chat.id))) == 5
    messages_per_chat = Counter(db.session.scalars(select(Message.chat_id)))
    assert sorted(messages_per_chat.values()) == [2] * 5


def test_the_same_wamid_five_times_at_once_is_stored_once(server):
    payload = text_payload(wa_id="5511950000001")
    answers = post_all_at_once(server, [payload] * 5)
    assert [a.status_code for a in answers] == [200] * 5
    results = drain_deliveries()
    assert sorted(results[a.json()["event"]].messages for a in answers) == [0, 0, 0, 0, 1]
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert db.session.scalar(select(func.count(WebhookEvent.id))) == 5


def test_simulate_inbound_signs_and_delivers_to_the_running_app(runner, server):
    result = runner.invoke(args=["simulate-inbound", "--wa-id", "5511960000001", "--name",
                                 "Carla Lead", "--text", "Hi, I'd like a quote", "--url", server])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("200 OK")
    assert '"queued":true' in result.output.replace(" ", "")
    [routed] = drain_deliveries().values()
    assert routed.messages == 1
    lead = db.session.scalar(select(Lead))
    assert (lead.wa_id, lead.name) == ("5511960000001", "Carla Lead")
    assert db.session.scalar(select(Message.body)) == "Hi, I'd like a quote"


def test_simulate_inbound_says_when_relay_is_not_running(runner):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    result = runner.invoke(args=["simulate-inbound", "--wa-id", "5511960000002", "--name", "X",
                                 "--text", "Hi", "--url", url])
    assert result.exit_code == 1 and "Is it running (make run)?" in result.output


def test_simulate_inbound_needs_a_lead_id(runner):
    result = runner.invoke(args=["simulate-inbound", "--name", "X", "--text", "Hi"])
    assert result.exit_code == 2 and "--wa-id" in result.output


def test_batches_naming_the_same_leads_in_opposite_orders_never_deadlock(make_user, server):
    make_user(online=True)
    db.session.remove()
    leads = [f"55119700000{n:02d}" for n in range(6)]
    payloads = []
    for n in range(12):
        first, second = leads[n % 6], leads[(n + 1) % 6]
        if n % 2:
            first, second = second, first
        payloads.append(batch(text_payload(wa_id=first, text=f"a{n}"),
                              text_payload(wa_id=second, text=f"b{n}")))
    answers = post_all_at_once(server, payloads)
    results = drain_deliveries(batch_size=5)
    assert [results[a.json()["event"]].messages for a in answers] == [2] * 12
    assert db.session.scalar(select(func.count(Lead.id))) == 6
    assert db.session.scalar(select(func.count(Chat.id))) == 6
    assert db.session.scalar(select(func.count(Message.id))) == 24
