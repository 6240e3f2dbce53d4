"""The WhatsApp Business settings rules, without Flask or a database."""
from dataclasses import replace

import pytest

from webapp.domain.routing import GROUPS_MODE, ONLINE_MODE
from webapp.domain.settings_rules import DistributionSettings, settings_problems

# Every tunable at the domain's default.
VALID = DistributionSettings(mode=ONLINE_MODE, group_ids=frozenset(), alternate_ids=frozenset(),
                             offline_transfer_enabled=False, offline_transfer_group_id=None)
GROUPS, PRE_SELLERS = {1, 2}, {10, 11}


def problems(**changes) -> dict:
    return settings_problems(replace(VALID, **changes), existing_group_ids=GROUPS,
                             active_pre_seller_ids=PRE_SELLERS)


def test_the_defaults_are_valid():
    assert problems() == {}


def test_group_mode_needs_at_least_one_group():
    assert set(problems(mode=GROUPS_MODE)) == {"groups"}
    assert problems(mode=GROUPS_MODE, group_ids=frozenset({1, 2})) == {}


def test_an_unknown_mode_is_refused():
    assert set(problems(mode="everyone")) == {"mode"}


def test_groups_that_no_longer_exist_are_refused():
    assert "no longer exists" in problems(mode=GROUPS_MODE, group_ids=frozenset({1, 3}))["groups"]


def test_alternates_must_be_active_pre_sellers():
    assert problems(alternate_ids=frozenset({10, 11})) == {}
    assert set(problems(alternate_ids=frozenset({10, 99}))) == {"alternates"}


def test_offline_transfer_needs_an_existing_group_when_on():
    assert set(problems(offline_transfer_enabled=True)) == {"offline_transfer_group"}
    assert problems(offline_transfer_enabled=True, offline_transfer_group_id=2) == {}
    assert set(problems(offline_transfer_enabled=True, offline_transfer_group_id=7)) == \
        {"offline_transfer_group"}


@pytest.mark.parametrize("name, too_low, lowest, highest, too_high", [
    ("activity_window_minutes", 4, 5, 1440, 1441),
    ("presence_timeout_seconds", 44, 45, 3600, 3601),
    ("offline_grace_seconds", -1, 0, 86400, 86401),
])
def test_tunables_stay_within_their_bounds(name, too_low, lowest, highest, too_high):
    assert set(problems(**{name: too_low})) == {name}
    assert set(problems(**{name: too_high})) == {name}
    assert problems(**{name: lowest}) == problems(**{name: highest}) == {}
