"""The WhatsApp Business settings (one row, created by the first migration): read and save."""
from flask import g
from sqlalchemy import select

from ..domain.settings_rules import (
    DistributionSettings,
    kept_choices,
    settings_problems,
    tunable_values,
)
from ..extensions import db
from ..models import PRE_SELLER, Group, User, WhatsAppSettings

SETTINGS_ID = 1


def current_settings() -> WhatsAppSettings:
    """The settings row, loaded once per request or job run."""
    settings = g.get("_relay_settings")
    if settings is None or settings not in db.session:
        settings = db.session.get(WhatsAppSettings, SETTINGS_ID)
        if settings is None:  # a database made before the seed row: heal it
            settings = WhatsAppSettings(id=SETTINGS_ID)
            db.session.add(settings)
            db.session.flush()
        g._relay_settings = settings
    return settings


class SettingsError(Exception):
    """The settings were refused; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def save_settings(wanted: DistributionSettings) -> WhatsAppSettings:
    """Validate and store the whole form at once, or change nothing and raise SettingsError.

    The settings row is locked first, so two managers saving at once are applied one after
    the other (the later save wins as a whole, never a mix of both).
    """
    settings = db.session.scalars(
        select(WhatsAppSettings).where(WhatsAppSettings.id == SETTINGS_ID)
        .with_for_update(of=WhatsAppSettings)  # not the joined transfer group's row
        .execution_options(populate_existing=True)).one()
    wanted_ids = wanted.group_ids | {wanted.offline_transfer_group_id} - {None}
    groups = {g.id: g for g in db.session.scalars(select(Group).where(Group.id.in_(wanted_ids)))}
    alternates = list(db.session.scalars(select(User).where(
        User.id.in_(wanted.alternate_ids), User.role == PRE_SELLER, User.active.is_(True))))
    problems = settings_problems(wanted, existing_group_ids=set(groups),
                                 active_pre_seller_ids={user.id for user in alternates})
    if problems:
        raise SettingsError(problems)
    wanted = kept_choices(wanted)
    settings.distribution_mode = wanted.mode
    settings.distribution_groups = [groups[i] for i in wanted.group_ids]
    settings.alternate_recipients = alternates
    settings.offline_transfer_enabled = wanted.offline_transfer_enabled
    settings.offline_transfer_group_id = wanted.offline_transfer_group_id
    for name, value in tunable_values(wanted).items():
        setattr(settings, name, value)
    db.session.flush()
    return settings


def stored_settings() -> DistributionSettings:
    """The stored settings in the form the manager asks for them (to compare with a form)."""
    settings = current_settings()
    return DistributionSettings(
        mode=settings.distribution_mode,
        group_ids=frozenset(group.id for group in settings.distribution_groups),
        alternate_ids=frozenset(user.id for user in settings.alternate_recipients),
        offline_transfer_enabled=settings.offline_transfer_enabled,
        offline_transfer_group_id=settings.offline_transfer_group_id,
        **tunable_values(settings))


def settings_choices() -> tuple[list[Group], list[User]]:
    """What a manager can pick from: every group, and every active pre-seller by name."""
    groups = list(db.session.scalars(select(Group).order_by(Group.name)))
    pre_sellers = list(db.session.scalars(select(User).where(
        User.role == PRE_SELLER, User.active.is_(True)).order_by(User.name, User.id)))
    return groups, pre_sellers
