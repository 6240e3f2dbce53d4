"""Which message times are believed (domain.timestamps), with an injected clock."""
from datetime import UTC, datetime, timedelta

import pytest

from webapp.domain.timestamps import CLOCK_SKEW, WHATSAPP_EPOCH, ImplausibleTime, check_sent_at

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("sent_at", [
    NOW, NOW - timedelta(days=3), NOW + CLOCK_SKEW, WHATSAPP_EPOCH,
])
def test_times_that_can_be_true_are_believed(sent_at):
    check_sent_at(sent_at, NOW)


@pytest.mark.parametrize("sent_at, reason", [
    (NOW + CLOCK_SKEW + timedelta(seconds=1), "more than 5 minutes in the future"),
    (datetime(5138, 11, 16, 9, 46, 39, tzinfo=UTC),
     "its time (5138-11-16 09:46 UTC) is more than 5 minutes in the future"),
    (WHATSAPP_EPOCH - timedelta(seconds=1), "before WhatsApp existed"),
])
def test_times_that_cannot_be_true_are_refused_with_a_reason(sent_at, reason):
    with pytest.raises(ImplausibleTime, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_sent_at(sent_at, NOW)


def test_the_rule_follows_the_clock_it_is_given():
    later = NOW + timedelta(days=1)
    with pytest.raises(ImplausibleTime):
        check_sent_at(later, NOW)
    check_sent_at(later, later)
