"""Accounts: signing in and out, presence writes, creating and changing users."""
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..db import utcnow
from ..domain.codes import Presence
from ..domain.inputs import normalize_name, password_problem
from ..domain.limits import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_NAME_LENGTH
from ..domain.presence import is_online, last_seen_on_leaving, needs_last_seen_write, presence
from ..domain.settings_rules import bounds_problem
from ..extensions import db
from ..models import MANAGER, ROLES, Group, User, group_members
from ..models.users import verify_password
from ..wording import problem_text
from .api_tokens import revoke_tokens_of
from .sessions import end_all_sessions, end_other_sessions
from .settings import current_settings


class SignInError(Exception):
    """Sign-in refused, with a message safe to show."""


class AccountError(Exception):
    """A change to an account was refused, with a message for the manager."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    """E-mails are compared case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    """The user with this e-mail, whatever its case and surrounding spaces."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str, now: datetime | None = None) -> User:
    """Check credentials and mark the user signed in and seen.

    Exactly one password hash is checked whether the e-mail is known or not (see
    verify_password), so the time taken does not tell who has an account.
    """
    user = user_by_email(email)
    if not verify_password(user, password):
        raise SignInError(_("Wrong e-mail or password."))
    if not user.active:
        raise SignInError(_("This account is deactivated. Ask your manager to reactivate it."))
    user.signed_in, user.away_since = True, None
    user.last_seen_at = now or utcnow()
    return user


def mark_signed_out(user: User) -> None:
    """Signing out makes the user offline at once."""
    user.signed_in = False


def needs_touch(user: User, now: datetime) -> bool:
    """Would `touch_presence` write now (signed out here, or last seen a while ago)?"""
    return not user.signed_in or needs_last_seen_write(user.last_seen_at, now)


def touch_presence(user: User, now: datetime) -> bool:
    """Record that the user was seen, at most one write per interval; True if written."""
    if not needs_touch(user, now):
        return False
    db.session.execute(update(User).where(User.id == user.id)
                       .values(last_seen_at=now, signed_in=True))
    user.last_seen_at, user.signed_in = now, True
    return True


def mark_leaving(user: User, now: datetime) -> None:
    """The user's last tab closed: offline within seconds unless seen again; still signed in."""
    user.last_seen_at = last_seen_on_leaving(user.last_seen_at, now, presence_timeout())
    db.session.flush()


def presence_timeout() -> timedelta:
    """The configured presence timeout."""
    return timedelta(seconds=current_settings().presence_timeout_seconds)


def user_is_online(user: User, now: datetime | None = None) -> bool:
    """Is this user online now (the domain rule with the configured timeout; Away is not)."""
    return is_online(user.signed_in, user.last_seen_at, now or utcnow(), presence_timeout(),
                     active=user.active, away_since=user.away_since)


def user_presence(user: User, now: datetime | None = None) -> Presence:
    """Available, Away or offline now, as pages show a person."""
    return presence(user.signed_in, user.last_seen_at, now or utcnow(), presence_timeout(),
                    active=user.active, away_since=user.away_since)


def create_user(email: str, name: str, role: str, password: str) -> User:
    """Create an active user; a taken e-mail, a blank name, an unknown role or a password
    sign-in would refuse is refused."""
    email, name = normalise_email(email), normalize_name(name)
    if not name:
        raise AccountError(_("Enter their name."), "name")
    if len(name) > USER_NAME_LENGTH:
        raise AccountError(_("Use at most %(num)d characters.", num=USER_NAME_LENGTH), "name")
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)r.", role=role), "role")
    check_new_password(password)
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError(_("A user with this e-mail already exists."), "email")
    user = User(email=email, name=name, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def check_new_password(password: str) -> None:
    """Refuse a password too weak to set."""
    problem = password_problem(password)
    if problem:
        raise AccountError(_(problem, min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH),
                           "password")


# What a manager may not do to themselves, said to them (another manager must do it).
_NOT_YOURSELF = {
    "role": _l("You cannot change the role of yourself; ask another manager."),
    "deactivate": _l("You cannot deactivate yourself; ask another manager."),
}


def _not_yourself(user: User, actor: User | None, doing: str) -> None:
    """A manager cannot lock themselves out: another manager must do it."""
    if actor is not None and user.id == actor.id:
        raise AccountError(str(_NOT_YOURSELF[doing]))


def _lock_managers(user: User, actor: User | None) -> list[User]:
    """Lock (and reload) the active managers' rows, the user's and the actor's, in id order;
    returns the active managers.

    Two managers demoting or deactivating each other at once are then decided one after the
    other: the second sees the first's change (PostgreSQL re-reads locked rows; SQLite's
    write transaction serializes them anyway), and a stale page changes nothing unseen.
    """
    involved = [user.id] + ([actor.id] if actor is not None else [])
    locked = db.session.scalars(
        select(User).where(((User.role == MANAGER) & User.active.is_(True))
                           | User.id.in_(involved))
        .order_by(User.id).with_for_update()
        .execution_options(populate_existing=True)).all()
    if actor is not None and not (actor.is_manager and actor.active):
        raise AccountError(_("You are no longer an active manager."))
    return [person for person in locked if person.is_manager and person.active]


def _keep_a_manager(user: User, managers: list[User]) -> None:
    """Refuse to leave the team without an active manager."""
    if managers == [user]:
        raise AccountError(_("%(name)s is the last active manager; make someone else a manager "
                             "first, so the team keeps a way in.", name=user.name))


def _sign_out_everywhere(user: User) -> None:
    """End every session of the user: signed out in every browser, so offline at once."""
    end_all_sessions(user.id)
    user.signed_in = False


def _end_access(user: User, now: datetime) -> None:
    """Sign the user out everywhere and revoke their API tokens, for good."""
    _sign_out_everywhere(user)
    revoke_tokens_of(user.id, now)


def change_role(user: User, role: str, actor: User | None, now: datetime | None = None) -> None:
    """Make the user a manager or a pre-seller; their sessions and API tokens end.

    actor is the manager doing it, or None for an operator at the command line.
    """
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)r.", role=role), "role")
    managers = _lock_managers(user, actor)
    if role == user.role:
        return
    _not_yourself(user, actor, "role")
    _keep_a_manager(user, managers)
    user.role = role
    _end_access(user, now or utcnow())
    db.session.flush()


def set_active(user: User, active: bool, actor: User | None,
               now: datetime | None = None) -> None:
    """Deactivate (signed out everywhere and offline at once, API tokens revoked, no new
    chats) or reactivate a user (who signs in afresh: nothing old comes back)."""
    if not active:
        _not_yourself(user, actor, "deactivate")
        _keep_a_manager(user, _lock_managers(user, actor))
        _end_access(user, now or utcnow())
    user.active = active
    db.session.flush()


def change_password(user: User, password: str) -> None:
    """Set a new password; every session of the user ends (they sign in with the new one)."""
    check_new_password(password)
    user.set_password(password)
    _sign_out_everywhere(user)


def set_max_open_chats(user: User, limit: int | None) -> None:
    """A pre-seller's own maximum of open chats (None: the team's), within the team's bounds."""
    if not user.is_pre_seller:
        raise AccountError(_("Only pre-sellers receive chats, so only they have a maximum."))
    problem = bounds_problem("max_open_chats", limit)
    if problem:
        raise AccountError(problem_text("max_open_chats", problem), "max_open_chats")
    user.max_open_chats = limit


def set_preferences(user: User, locale: str, timezone: str, alerts_on: bool) -> None:
    """The language Relay speaks to the user, the time zone their times are shown in, and
    whether they are alerted to new chats and messages."""
    user.locale, user.timezone, user.alerts_on = locale, timezone, alerts_on
    db.session.flush()


def set_alerts(user: User, on: bool) -> None:
    """Turn the user's alerts on or off (the prompt above their list)."""
    user.alerts_on = on
    db.session.flush()


def change_own_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    """The user changes their own password: the current one proves it is them; every other
    session of theirs ends (a browser left signed in elsewhere is signed out), this one stays.
    """
    if not user.check_password(current):
        raise AccountError(_("That is not your current password."), "current_password")
    check_new_password(new)
    user.set_password(new)
    end_other_sessions(user.id, keep_token)
    db.session.flush()


def users_with_groups() -> list[tuple[User, list[str]]]:
    """Every user by name with the names of their groups: two queries whatever the count."""
    users = list(db.session.scalars(select(User).order_by(User.active.desc(), User.name,
                                                          User.id)))
    memberships: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
            select(group_members.c.user_id, Group.name)
            .join(Group, Group.id == group_members.c.group_id).order_by(Group.name)):
        memberships.setdefault(user_id, []).append(name)
    return [(user, memberships.get(user.id, [])) for user in users]
