"""Every real payload in ../shared/whatsapp-fixtures is accepted (the broken one answers 400).

An extra set written by other projects, beside the project rather than in it: a lone clone
reports this module as not run, in one line; CI (RELAY_REQUIRE_SHARED_FIXTURES=1) fails
without it. Our own corpus, tests/payloads/, runs everywhere.
"""
import json
import os

import pytest
from sqlalchemy import func, select

from tests.conftest import FIXTURES
from tests.webhook_helpers import routed, with_fresh_ids
from webapp.extensions import db
from webapp.models import Message, WebhookEvent

BROKEN = "textMessageStatusRead.json"  # starts with `{{`: real-world malformed JSON
REQUIRED = os.environ.get("RELAY_REQUIRE_SHARED_FIXTURES", "") not in ("", "0")

if not FIXTURES.is_dir() and not REQUIRED:
    pytest.skip(f"not run: the shared WhatsApp fixtures (other projects' payloads) are not at "
                f"{FIXTURES}; point RELAY_WHATSAPP_FIXTURES at them to run them",
                allow_module_level=True)


def fixture_bodies(fresh: bool):
    """(name, raw body) of every payload: java files as they are, each pywa payload alone."""
    for path in sorted((FIXTURES / "whatsapp-business-java-api").glob("*.json")):
        if path.name != BROKEN:
            body = path.read_bytes()
            yield path.name, json.dumps(with_fresh_ids(json.loads(body))).encode() \
                if fresh else body
    for path in sorted((FIXTURES / "pywa").glob("*.json")):
        for name, payload in json.loads(path.read_text()).items():
            yield f"{path.name}:{name}", json.dumps(with_fresh_ids(payload)).encode()


def inbound_count(body: bytes) -> int:
    """How many messages the delivery carries in `messages` changes."""
    return sum(len(change["value"].get("messages", []))
               for entry in json.loads(body)["entry"] for change in entry["changes"]
               if change["field"] == "messages")


ALL = list(fixture_bodies(fresh=False))


def test_the_shared_fixtures_are_there():
    # Required (CI) or present, the tests below must not quietly shrink to nothing.
    assert FIXTURES.is_dir(), f"the WhatsApp fixtures are missing: {FIXTURES}"
    assert len(ALL) >= 80, f"only {len(ALL)} payloads found in {FIXTURES}"


@pytest.mark.parametrize("name, body", ALL, ids=[name for name, _ in ALL])
def test_each_payload_is_accepted_and_its_messages_stored(client, name, body):
    response, result = routed(client, body)
    assert response.status_code == 200, response.json
    assert result.failed == ()
    assert result.messages == inbound_count(body)
    assert db.session.scalar(select(func.count(Message.id))) == inbound_count(body)


def test_all_payloads_in_one_database_with_fresh_ids(client):
    bodies = list(fixture_bodies(fresh=True))
    for name, body in bodies:
        assert routed(client, body)[0].status_code == 200, name
    assert db.session.scalar(select(func.count(Message.id))) == \
        sum(inbound_count(body) for _, body in bodies)
    assert db.session.scalar(select(func.count(WebhookEvent.id)).where(
        WebhookEvent.processed_at.is_(None))) == 0


def test_the_java_payloads_reuse_one_wamid_and_it_is_stored_once(client):
    reusing = ["textMessage.json", "buttonMessage.json", "reactMessage.json",
               "stickerMessage.json"]
    for name in reusing:
        assert routed(client, (FIXTURES / "whatsapp-business-java-api" / name)
                      .read_bytes())[0].status_code == 200
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_the_malformed_file_answers_400_with_a_reason_and_is_kept(client):
    body = (FIXTURES / "whatsapp-business-java-api" / BROKEN).read_bytes()
    response, result = routed(client, body)
    assert response.status_code == 400
    assert "not valid JSON" in response.json["error"]
    event = db.session.scalar(select(WebhookEvent))
    assert event.body == body and "not valid JSON" in event.error
    assert event.processed_at is None and event.attempts == 1
