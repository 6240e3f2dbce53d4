"""Bearer tokens for the read API: made for managers, stored only as SHA-256 hashes."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User
from .accounts import normalise_email

# Recording a token's last use at most this often keeps API reads from writing every time.
LAST_USED_WRITE_INTERVAL = timedelta(minutes=1)


class ApiTokenError(Exception):
    """A token could not be made, with a message for the operator."""


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(email: str, now: datetime) -> tuple[User, str]:
    """Make a token for an active manager; returns the user and the token (shown once)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise ApiTokenError(f"No user with the e-mail {email}.")
    if not user.is_manager:
        raise ApiTokenError(f"{user.email} is a {user.role}; API tokens are for managers.")
    if not user.active:
        raise ApiTokenError(f"{user.email} is deactivated.")
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=now))
    db.session.flush()
    return user, token


def user_for_token(token: str, now: datetime) -> User | None:
    """The active user a token belongs to, or None; notes when the token was last used.

    The note is left for the caller's commit (it marks the session dirty at most once a
    minute per token, so most reads write nothing).
    """
    row = db.session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or not row.User.active:
        return None
    api_token = row.ApiToken
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_WRITE_INTERVAL:
        api_token.last_used_at = now
    return row.User
