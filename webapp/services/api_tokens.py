"""Bearer tokens for the read API: made for managers, stored only as SHA-256 hashes,
optionally expiring, revocable, and revoked for good when their user is deactivated or
stops being a manager."""
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import joinedload

from ..domain.limits import API_TOKEN_NAME_LENGTH, API_TOKEN_PREFIX_LENGTH
from ..extensions import db
from ..models import ApiToken, User

# Recording a token's last use at most this often keeps API reads from writing every time.
LAST_USED_WRITE_INTERVAL = timedelta(minutes=1)
DEFAULT_NAME = "API token"
MAX_EXPIRY_DAYS = 3650


class ApiTokenError(Exception):
    """A token could not be made or found, with a message for the operator."""


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_new_token(user: User, name: str, expires_days: int | None) -> None:
    """Refuse a token for someone who may not have one, or with a bad name or expiry."""
    if not user.is_manager:
        raise ApiTokenError(f"{user.email} is a {user.role}; API tokens are for managers.")
    if not user.active:
        raise ApiTokenError(f"{user.email} is deactivated.")
    if len(name) > API_TOKEN_NAME_LENGTH:
        raise ApiTokenError(f"Use a name of at most {API_TOKEN_NAME_LENGTH} characters.")
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise ApiTokenError(f"The expiry is 1 to {MAX_EXPIRY_DAYS} days.")


def create_api_token(user: User, now: datetime, name: str = DEFAULT_NAME,
                     expires_days: int | None = None) -> str:
    """Make a token for an active manager; returns it (shown once, only its hash is kept)."""
    name = (name or "").strip() or DEFAULT_NAME
    _check_new_token(user, name, expires_days)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(
        user_id=user.id, name=name, prefix=token[:API_TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(token), created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None))
    db.session.flush()
    return token


def _live(now: datetime):
    """Tokens neither revoked nor expired."""
    return ApiToken.revoked_at.is_(None) & (
        ApiToken.expires_at.is_(None) | (ApiToken.expires_at > now))


def user_for_token(token: str, now: datetime) -> User | None:
    """The active user of a live token, or None; notes when the token was last used.

    The note is left for the caller's commit (it marks the session dirty at most once a
    minute per token, so most reads write nothing).
    """
    row = db.session.execute(
        select(ApiToken, User).join(User, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_token(token), _live(now),
               User.active.is_(True))).first()
    if row is None:
        return None
    api_token = row.ApiToken
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_WRITE_INTERVAL:
        api_token.last_used_at = now
    return row.User


def all_tokens() -> list[ApiToken]:
    """Every token with its owner, newest first (revoked and expired ones too)."""
    return list(db.session.scalars(select(ApiToken).options(joinedload(ApiToken.user))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_by_prefix(prefix: str) -> ApiToken:
    """The one unrevoked token starting with these characters (at least the shown prefix)."""
    if len(prefix) < API_TOKEN_PREFIX_LENGTH:
        raise ApiTokenError(f"Give at least the first {API_TOKEN_PREFIX_LENGTH} characters "
                            f"of the token.")
    found = list(db.session.scalars(select(ApiToken).where(
        ApiToken.prefix == prefix[:API_TOKEN_PREFIX_LENGTH], ApiToken.revoked_at.is_(None))))
    if not found:
        raise ApiTokenError(f"No unrevoked token starts with {prefix[:API_TOKEN_PREFIX_LENGTH]}.")
    if len(found) > 1:
        ids = ", ".join(str(token.id) for token in found)
        raise ApiTokenError(f"Several tokens start with that (ids {ids}); revoke one by id.")
    return found[0]


def revoke_token(token: ApiToken, now: datetime) -> bool:
    """Revoke a token for good; False if it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    db.session.flush()
    return True


def revoke_tokens_of(user_id: int, now: datetime) -> int:
    """Revoke every token of a user for good; returns how many were still unrevoked."""
    return cast(CursorResult[Any], db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session="fetch"))).rowcount
