"""Availability: signing in, switching between Available and Away, coming back online.

Each of these moments may let a waiting chat go to the pre-seller at once. When one may, the
routing lock is taken before the user's row is written: routing writes the winner's row
under that lock, so taking them in the same order means the two never wait for each other.
Services flush; the caller commits.
"""
from datetime import datetime

from ..db import lock_routing
from ..extensions import db
from ..models import User
from . import accounts
from .waiting_line import give_out_waiting, waiting_to_give


def sign_in(email: str, password: str, now: datetime) -> User:
    """Check the credentials and sign in, Available; waiting chats may go to them at once."""
    if waiting_to_give(now):
        lock_routing(db.session)
    user = accounts.authenticate(email, password, now)
    if user.is_pre_seller:
        give_out_waiting(now)
    return user


def set_away(user: User, away: bool, now: datetime) -> None:
    """A pre-seller's own switch: Away keeps them signed in but no rule gives them chats."""
    if away:
        user.away_since = user.away_since or now
        db.session.flush()
        return
    coming_back = user.away_since is not None
    if coming_back and waiting_to_give(now):
        lock_routing(db.session)
    user.away_since = None
    db.session.flush()
    if coming_back:
        give_out_waiting(now)


def seen(user: User, now: datetime) -> bool:
    """Record a signed-in request (at most one write per interval); True if written.

    A pre-seller coming back online by it (their browser was away longer than the presence
    timeout) may be given waiting chats at once.
    """
    if not accounts.needs_touch(user, now):
        return False
    back = (user.is_pre_seller and user.away_since is None
            and not accounts.user_is_online(user, now))
    if back and waiting_to_give(now):
        lock_routing(db.session)
    accounts.touch_presence(user, now)
    if back:
        give_out_waiting(now)
    return True
