"""API tokens: random, shown once, stored only as a hash, revocable."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import ApiToken, StaffUser
from engage.db import utcnow

TOKEN_PREFIX = "eng_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: StaffUser, label: str | None = None) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=_digest(token), label=label))
    return token


def user_for_token(session: Session, token: str) -> StaffUser | None:
    row = session.execute(
        select(ApiToken, StaffUser)
        .join(StaffUser, ApiToken.user_id == StaffUser.id)
        .where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None), StaffUser.active)
    ).first()
    return row.StaffUser if row else None


def revoke_token(session: Session, token: str) -> bool:
    api_token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    return True
