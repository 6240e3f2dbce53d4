"""The sign-in throttle: failed sign-ins per account and per client address, counted in the
database so that every worker and every host shares one count, with no other service.

An attempt is recorded as failed before its password is checked and forgotten once it
succeeds, so attempts racing in parallel (several workers, several hosts) all count.
"""
import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..db import lock_sign_in
from ..extensions import db
from ..models import SignInFailure
from .accounts import normalise_email


class SignInThrottled(Exception):
    """Too many failed sign-ins; says when the next attempt will be heard."""

    def __init__(self, retry_at: datetime, now: datetime):
        self.retry_after = max(1, math.ceil((retry_at - now).total_seconds()))
        minutes = math.ceil(self.retry_after / 60)
        when = "a minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(f"Too many failed sign-ins. Try again in {when}.")


def _window() -> timedelta:
    """How long a failed sign-in counts."""
    return timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])


def _key(kind: str, value: str) -> str:
    """A keyed hash: what was typed and the address are never stored readable."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()


def _account_key(email: str) -> str:
    """The throttle key of an account: its normalised e-mail, known or not."""
    return _key("account", normalise_email(email))


def _blocked_until(column, key: str, limit: int, now: datetime) -> datetime | None:
    """When this key may try again: its limit-th most recent failure leaves the window."""
    nth_latest = db.session.scalar(
        select(SignInFailure.failed_at)
        .where(column == key, SignInFailure.failed_at > now - _window())
        .order_by(SignInFailure.failed_at.desc()).offset(limit - 1).limit(1))
    return nth_latest + _window() if nth_latest else None


def count_attempt(email: str, address: str | None, now: datetime) -> None:
    """Refuse a throttled sign-in (SignInThrottled); otherwise count it as failed until
    forget_account() says it succeeded. Failures older than the window are deleted here."""
    config = current_app.config
    account, client = _account_key(email), _key("address", address or "")
    lock_sign_in(db.session, (account, client))
    waits = [until for until in (
        _blocked_until(SignInFailure.account_key, account, config["SIGN_IN_ACCOUNT_LIMIT"], now),
        _blocked_until(SignInFailure.address_key, client, config["SIGN_IN_ADDRESS_LIMIT"], now),
    ) if until]
    if waits:
        raise SignInThrottled(max(waits), now)
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))
    db.session.add(SignInFailure(account_key=account, address_key=client, failed_at=now))
    db.session.flush()


def forget_account(email: str) -> None:
    """A successful sign-in clears its account's failures, its own attempt included.

    The address's failures on other accounts stay: signing in to one's own account must
    not reset the count of someone guessing others from the same address.
    """
    db.session.execute(delete(SignInFailure)
                       .where(SignInFailure.account_key == _account_key(email)))
