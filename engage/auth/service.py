"""Staff accounts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.enums import Role
from engage.errors import Conflict, Invalid


def create_staff_user(
    session: Session, *, email: str, role: str, name: str | None = None, phone: str | None = None,
    on_call: bool = False,
) -> StaffUser:
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid("not an email address", {"email": ["Not a valid email address."]})
    try:
        role_value = Role(role)
    except ValueError:
        raise Invalid("unknown role", {"role": [f"Must be one of: {', '.join(Role)}."]}) from None
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise Conflict("a staff user with this email exists", {"email": ["Already in use."]})
    user = StaffUser(email=email, role=role_value, name=name or email.split("@")[0], phone=phone, on_call=on_call)
    session.add(user)
    session.flush()
    return user
