"""Accounts: signing in and out, presence writes, creating and changing users."""
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ..db import utcnow
from ..domain.codes import Presence
from ..domain.limits import PASSWORD_MIN_LENGTH
from ..domain.presence import is_online, last_seen_on_leaving, needs_last_seen_write, presence
from ..domain.settings_rules import bounds_problem
from ..extensions import db
from ..models import ROLES, Group, User, group_members
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


def authenticate(email: str, password: str, now: datetime | None = None) -> User:
    """Check credentials and mark the user signed in and seen; signing in starts Available."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.check_password(password):
        raise SignInError("Wrong e-mail or password.")
    if not user.active:
        raise SignInError("This account is deactivated. Ask your manager to reactivate it.")
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
    """Create an active user; a taken e-mail or unknown role is refused."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.", "role")
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Use at least {PASSWORD_MIN_LENGTH} characters.", "password")
    taken = db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
    if taken:
        raise AccountError("A user with this e-mail already exists.", "email")
    user = User(email=email, name=name.strip(), role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _not_yourself(user: User, actor: User, doing: str) -> None:
    """A manager cannot lock themselves out: another manager must do it."""
    if user.id == actor.id:
        raise AccountError(f"You cannot {doing} yourself; ask another manager.")


def change_role(user: User, role: str, actor: User) -> None:
    """Make the user a manager or a pre-seller."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.", "role")
    if role != user.role:
        _not_yourself(user, actor, "change the role of")
    user.role = role
    db.session.flush()


def set_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (signed out and offline at once, no new chats) or reactivate a user."""
    if not active:
        _not_yourself(user, actor, "deactivate")
        user.signed_in = False
    user.active = active
    db.session.flush()


def set_max_open_chats(user: User, limit: int | None) -> None:
    """A pre-seller's own maximum of open chats (None: the team's), within the team's bounds."""
    if not user.is_pre_seller:
        raise AccountError("Only pre-sellers receive chats, so only they have a maximum.")
    problem = bounds_problem("max_open_chats", limit)
    if problem:
        raise AccountError(problem, "max_open_chats")
    user.max_open_chats = limit
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
