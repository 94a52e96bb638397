"""Staff accounts."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.auth.models import StaffUser
from engage.enums import Role
from engage.errors import Conflict, Invalid, NotFound

# Urgent notices (a suicide-risk answer) go to whoever is on call: someone who can act on them, by phone.
ON_CALL_ROLES = (Role.CARE_MANAGER, Role.ADMIN)


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
    if on_call:
        _check_may_be_on_call(role_value, phone)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise Conflict("a staff user with this email exists", {"email": ["Already in use."]})
    user = StaffUser(email=email, role=role_value, name=name or email.split("@")[0], phone=phone, on_call=on_call)
    session.add(user)
    session.flush()
    return user


def get_staff_user(session: Session, staff_id: int) -> StaffUser:
    user = session.get(StaffUser, staff_id)
    if user is None:
        raise NotFound(f"no staff user {staff_id}")
    return user


def staff_user_by_email(session: Session, email: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no staff user {email.strip()}")
    return user


def list_staff(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.id)))


def set_on_call(user: StaffUser, on_call: bool) -> StaffUser:
    """Who hears of an urgent flag first; the same rule as at creation."""
    if on_call:
        if not user.active:
            raise Invalid("an inactive user", {"on_call": ["An inactive staff user cannot be on call."]})
        _check_may_be_on_call(user.role, user.phone)
    user.on_call = on_call
    return user


def _check_may_be_on_call(role: Role, phone: str | None) -> None:
    if role not in ON_CALL_ROLES:
        raise Invalid("not an on-call role", {"on_call": ["Only care managers and admins can be on call."]})
    if not phone:
        raise Invalid("on call without a phone", {"on_call": ["Someone on call needs a phone for urgent notices."]})
