"""Server-side sessions: started at sign-in, ended by signing out, by deactivation or a
role or password change, and by their absolute lifetime (SESSION_LIFETIME_HOURS).

The browser's signed cookie carries a random token; the database keeps only its hash, and a
session is live only while its row exists and is younger than the lifetime.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import User, UserSession


def _hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def session_lifetime() -> timedelta:
    """How long a session lasts after sign-in, whatever the user does."""
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def start_session(user: User, now: datetime) -> str:
    """Open a session for the user and return its token (for the cookie; shown only once).

    Sessions past their lifetime are deleted on the way: signing in is rare and the delete
    uses the index on created_at, so nothing else needs to sweep them.
    """
    expired = UserSession.created_at <= now - session_lifetime()
    db.session.execute(delete(UserSession).where(expired))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), created_at=now))
    db.session.flush()
    return token


def session_user(user_id: int, token: str, now: datetime) -> User | None:
    """The active user whose live session this is, in one indexed query; else None."""
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token), User.id == user_id,
               User.active.is_(True), UserSession.created_at > now - session_lifetime()))


def end_session(token: str) -> None:
    """End one session (signing out): its cookie, or any copy of it, no longer signs in."""
    db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(user_id: int) -> None:
    """End every session of the user, in every browser."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def end_other_sessions(user_id: int, keep_token: str | None) -> None:
    """End every session of the user but the one holding `keep_token` (a password change
    made in this browser)."""
    others = UserSession.user_id == user_id
    if keep_token:
        others &= UserSession.token_hash != _hash(keep_token)
    db.session.execute(delete(UserSession).where(others))
