"""Workspace passwords and sign-in: hashed with werkzeug (scrypt), and slowed down after repeated
failures for the account and for the address they come from, so guessing costs an attacker time."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engage.auth.models import SignInThrottle, StaffUser
from engage.auth.permissions import Permission, allows
from engage.errors import Invalid

MIN_PASSWORD_LENGTH = 12
# The first few mistakes are typing; after that each failure doubles the wait, up to a quarter hour.
# A clinic's staff share one address to the outside, so an address is allowed more than an account.
FREE_FAILURES = {"account": 4, "address": 19}
LONGEST_WAIT = timedelta(minutes=15)
# A quiet spell wipes the slate: a colleague who mistyped yesterday starts today afresh.
FORGET_AFTER = timedelta(hours=1)
# Checked when no account matches, so an unknown email takes as long as a wrong password.
_UNUSED_HASH = generate_password_hash("no account has this password")


def set_password(user: StaffUser, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("the password is too short",
                      {"password": [f"Use at least {MIN_PASSWORD_LENGTH} characters."]})
    user.password_hash = generate_password_hash(password)


def password_stamp(user: StaffUser) -> str:
    """Changes whenever the password does: a session carries it, so a new password ends old sessions."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SignIn:
    """What an attempt came to: the user, or why not (`refused`), and how long to wait if slowed."""

    user: StaffUser | None = None
    refused: str | None = None
    wait_seconds: int = 0


WRONG = "The email or password is not right."
NOT_FOR_WORKSPACE = "This account cannot sign in to the workspace."
SLOWED = "Too many failed sign-ins. Wait {seconds} seconds and try again."


def sign_in(session: Session, email: str, password: str, address: str, now: datetime) -> SignIn:
    """Checks the password unless the account or the address must wait; a failure is recorded (the
    caller commits it even though it answers with a refusal)."""
    keys = (("account", email.strip().lower()[:254]), ("address", address[:254]))
    wait = max((_waiting(session, scope, key, now) for scope, key in keys), default=0)
    if wait:
        return SignIn(refused=SLOWED.format(seconds=wait), wait_seconds=wait)
    user = session.scalar(select(StaffUser).where(StaffUser.email == keys[0][1], StaffUser.active))
    stored = user.password_hash if user is not None else None
    if not check_password_hash(stored or _UNUSED_HASH, password) or stored is None:
        for scope, key in keys:
            _record_failure(session, scope, key, now)
        return SignIn(refused=WRONG)
    if not allows(user.role, Permission.USE_WORKSPACE):
        return SignIn(refused=NOT_FOR_WORKSPACE)
    _forget(session, *keys[0])
    return SignIn(user=user)


def _waiting(session: Session, scope: str, key: str, now: datetime) -> int:
    throttle = _throttle(session, scope, key)
    if throttle is None or throttle.blocked_until is None or throttle.blocked_until <= now:
        return 0
    return max(1, int((throttle.blocked_until - now).total_seconds() + 0.999))


def _throttle(session: Session, scope: str, key: str) -> SignInThrottle | None:
    return session.scalar(select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key))


def _record_failure(session: Session, scope: str, key: str, now: datetime) -> None:
    throttle = _throttle(session, scope, key)
    if throttle is None:
        try:
            with session.begin_nested():
                throttle = SignInThrottle(scope=scope, key=key, failures=0, last_failure_at=now)
                session.add(throttle)
        except IntegrityError:  # a concurrent failure made the row first
            throttle = _throttle(session, scope, key)
    if now - throttle.last_failure_at > FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    beyond = throttle.failures - FREE_FAILURES[scope]
    throttle.blocked_until = now + min(timedelta(seconds=2 ** (beyond - 1)), LONGEST_WAIT) if beyond > 0 else None


def _forget(session: Session, scope: str, key: str) -> None:
    throttle = _throttle(session, scope, key)
    if throttle is not None:
        session.delete(throttle)
