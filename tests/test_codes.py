"""The stored codes: each StrEnum's values are today's strings and fit their column."""
import pytest

from tests.chat_helpers import make_chat
from webapp.domain.codes import ChatStatus, Direction, MessageStatus, RoutingReason
from webapp.extensions import db
from webapp.models import Chat, Message, RoutingDecision


@pytest.mark.parametrize("column, codes", [
    (Chat.status, ChatStatus), (Message.direction, Direction), (Message.status, MessageStatus),
    (RoutingDecision.reason, RoutingReason)])
def test_every_code_fits_its_column(column, codes):
    assert max(len(code) for code in codes) <= column.type.length


def test_codes_are_the_strings_already_stored():
    assert list(ChatStatus) == ["open", "expired", "closed"]
    assert list(Direction) == ["in", "out"]
    assert set(MessageStatus) == {"received", "pending", "sandbox", "sent", "delivered", "read",
                                  "failed"}
    assert set(RoutingReason) == {"owner", "distribution", "group", "alternate", "unassigned",
                                  "offline_parent_transfer", "manual_transfer", "waiting_line",
                                  "reassigned_unanswered", "overdue"}


def test_a_code_read_back_from_the_database_equals_its_member(app):
    chat_id = make_chat(None, status=ChatStatus.EXPIRED).id
    db.session.expire_all()
    stored = db.session.scalar(db.select(Chat.status).where(Chat.id == chat_id))
    assert type(stored) is str and stored == ChatStatus.EXPIRED
    assert db.session.scalar(db.select(Chat.id).where(Chat.status == ChatStatus.EXPIRED)) \
        == chat_id
