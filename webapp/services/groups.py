"""Groups of pre-sellers: create, rename, delete, members. Flush, never commit."""
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.inputs import name_key, normalize_name
from ..domain.limits import GROUP_NAME_LENGTH
from ..extensions import db
from ..models import PRE_SELLER, Group, User, WhatsAppSettings
from ..models.settings import settings_distribution_groups


class GroupError(Exception):
    """A group change was refused; str() says why, `field` which input it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def all_groups() -> list[Group]:
    """Every group by name, members loaded (one query for the groups, one for members)."""
    return list(db.session.scalars(select(Group).order_by(Group.name)))


def _clean_name(name: str, group: Group | None = None) -> str:
    """The normalized name, unless another group has it already.

    Names are compared as people read them: case, fullwidth letters and invisible
    characters do not make a new name. Groups are few, so they are compared here.
    """
    name = normalize_name(name)
    if not name:
        raise GroupError(_("Give the group a name."), "name")
    if len(name) > GROUP_NAME_LENGTH:
        raise GroupError(_("Use at most %(num)d characters.", num=GROUP_NAME_LENGTH), "name")
    others = select(Group.name)
    if group is not None:
        others = others.where(Group.id != group.id)
    if name_key(name) in {name_key(other) for other in db.session.scalars(others)}:
        raise GroupError(_("Another group already has this name."), "name")
    return name


def create_group(name: str) -> Group:
    """A new, empty group."""
    group = Group(name=_clean_name(name))
    db.session.add(group)
    db.session.flush()
    return group


def rename_group(group: Group, name: str) -> None:
    """Give the group a new name."""
    group.name = _clean_name(name, group)
    db.session.flush()


def where_used(group: Group) -> list[str]:
    """Where the WhatsApp Business settings use the group, in the manager's words."""
    settings = db.session.get(WhatsAppSettings, 1)
    uses = []
    in_distribution = db.session.scalar(select(settings_distribution_groups.c.group_id).where(
        settings_distribution_groups.c.group_id == group.id))
    if in_distribution is not None:
        uses.append(_("Settings → WhatsApp Business distributes new chats to it"))
    if settings is not None and settings.offline_transfer_group_id == group.id:
        uses.append(_("Settings → WhatsApp Business uses it for offline parent chat transfer"))
    return uses


def delete_group(group: Group) -> None:
    """Delete a group the settings do not use; chats it delivered keep their history."""
    uses = where_used(group)
    if uses:
        raise GroupError(_("“%(name)s” is still in use: %(uses)s. Change those settings "
                           "first, then delete the group.", name=group.name, uses="; ".join(uses)))
    db.session.delete(group)
    db.session.flush()


def add_member(group: Group, user_id: int) -> User:
    """Add an active pre-seller to the group (adding a member twice changes nothing)."""
    user = db.session.get(User, user_id)
    if user is None or user.role != PRE_SELLER or not user.active:
        raise GroupError(_("Choose an active pre-seller to add."), "user")
    if user not in group.members:
        group.members.append(user)
    db.session.flush()
    return user


def remove_member(group: Group, user_id: int) -> None:
    """Take someone out of the group (their chats stay with them)."""
    group.members = [member for member in group.members if member.id != user_id]
    db.session.flush()
