"""Who may reply to, close or transfer a chat now, and why not: the one rule (pure), every
reason, and its words."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.words import in_english
from webapp.domain.codes import ChatAction, ChatStatus, Refusal
from webapp.domain.permissions import chat_refusal
from webapp.wording import WINDOW_CLOSED_NOTICE, blocked_notice, refusal_text

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
REPLY, CLOSE, TRANSFER = ChatAction.REPLY, ChatAction.CLOSE, ChatAction.TRANSFER


@dataclass(frozen=True)
class Chat:
    status: str = ChatStatus.OPEN
    assignee_id: int | None = 7
    window_expires_at: datetime | None = NOW + timedelta(hours=3)


@dataclass(frozen=True)
class Person:
    id: int
    is_manager: bool = False


OWNER, COLLEAGUE, MANAGER = Person(7), Person(8), Person(1, is_manager=True)
PASSED = Chat(window_expires_at=NOW - timedelta(minutes=1))
CLOSED = Chat(status=ChatStatus.CLOSED)
EXPIRED = Chat(status=ChatStatus.EXPIRED, window_expires_at=NOW - timedelta(hours=2))


@pytest.mark.parametrize("action, chat, person", [
    (REPLY, Chat(), OWNER), (REPLY, Chat(), MANAGER), (REPLY, Chat(assignee_id=None), MANAGER),
    (CLOSE, Chat(), OWNER), (CLOSE, Chat(), MANAGER), (CLOSE, PASSED, OWNER),
    (TRANSFER, Chat(), MANAGER), (TRANSFER, Chat(assignee_id=None), MANAGER),
])
def test_allowed(action, chat, person):
    assert chat_refusal(action, chat, person, NOW) is None


@pytest.mark.parametrize("action, chat, person, refusal", [
    (TRANSFER, Chat(), OWNER, Refusal.NOT_MANAGER),
    (TRANSFER, CLOSED, COLLEAGUE, Refusal.NOT_MANAGER),  # who comes before what
    (REPLY, Chat(), COLLEAGUE, Refusal.NOT_ASSIGNEE),
    (REPLY, Chat(assignee_id=None), OWNER, Refusal.NOT_ASSIGNEE),
    (CLOSE, Chat(), COLLEAGUE, Refusal.NOT_ASSIGNEE),
    (CLOSE, CLOSED, COLLEAGUE, Refusal.NOT_ASSIGNEE),
    (REPLY, CLOSED, OWNER, Refusal.CLOSED),
    (CLOSE, CLOSED, MANAGER, Refusal.CLOSED),
    (TRANSFER, CLOSED, MANAGER, Refusal.CLOSED),
    (REPLY, EXPIRED, OWNER, Refusal.EXPIRED),
    (CLOSE, EXPIRED, OWNER, Refusal.EXPIRED),
    (TRANSFER, EXPIRED, MANAGER, Refusal.EXPIRED),
    (REPLY, PASSED, OWNER, Refusal.WINDOW_CLOSED),
    (REPLY, Chat(window_expires_at=None), MANAGER, Refusal.WINDOW_CLOSED),
    (TRANSFER, PASSED, MANAGER, Refusal.WINDOW_CLOSED),
])
def test_refused_with_its_reason(action, chat, person, refusal):
    assert chat_refusal(action, chat, person, NOW) == refusal


def test_the_window_closes_at_its_end_exactly():
    ending = Chat(window_expires_at=NOW)
    assert chat_refusal(REPLY, ending, OWNER, NOW - timedelta(seconds=1)) is None
    assert chat_refusal(REPLY, ending, OWNER, NOW) == Refusal.WINDOW_CLOSED


def test_templates_may_name_the_action_by_its_code():
    assert chat_refusal("transfer", Chat(), OWNER, NOW) == Refusal.NOT_MANAGER


@pytest.fixture
def english():
    """Refusals read in English, times in UTC (the reader's zone and language)."""
    with in_english():
        yield


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("action, refusals", [
    (REPLY, [Refusal.NOT_ASSIGNEE, Refusal.CLOSED, Refusal.EXPIRED, Refusal.WINDOW_CLOSED]),
    (CLOSE, [Refusal.NOT_ASSIGNEE, Refusal.CLOSED, Refusal.EXPIRED]),
    (TRANSFER, [Refusal.NOT_MANAGER, Refusal.CLOSED, Refusal.EXPIRED, Refusal.WINDOW_CLOSED]),
])
def test_every_refusal_the_rule_gives_has_words(action, refusals):
    for refusal in refusals:
        assert refusal_text(action, refusal, PASSED, NOW).endswith(".")


@pytest.mark.usefixtures("english")
def test_the_words_say_when_the_window_closed():
    yesterday = Chat(window_expires_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    assert refusal_text(TRANSFER, Refusal.WINDOW_CLOSED, yesterday, NOW) == (
        "This chat's response window closed at Nov 23, 9:30\u202fAM; it can no longer be "
        "transferred.")
    assert refusal_text(REPLY, Refusal.EXPIRED, PASSED, NOW) == (
        "The 24-hour response window closed at 11:59\u202fAM; WhatsApp only allows template "
        "messages now.")


def test_the_reply_box_notice():
    assert blocked_notice(None) == ""
    assert blocked_notice(Refusal.WINDOW_CLOSED) == blocked_notice(Refusal.EXPIRED) \
        == WINDOW_CLOSED_NOTICE
    assert blocked_notice(Refusal.CLOSED) == refusal_text(REPLY, Refusal.CLOSED, CLOSED, NOW)
