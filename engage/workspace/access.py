"""Who is signed in, what their role lets them do here, and the access log of every page and action."""
from __future__ import annotations

from functools import wraps
from typing import Callable, Iterable

from flask import abort, g, redirect, request, session, url_for

from engage.audit.service import record_access
from engage.auth.models import StaffUser
from engage.auth.passwords import password_stamp
from engage.auth.permissions import Permission, allows
from engage.web import db

PUBLIC_ENDPOINTS = frozenset({"workspace.login", "workspace.static"})


def start_session(user: StaffUser) -> None:
    """A fresh session for the person who just signed in; nothing from before it carries over."""
    session.clear()
    session.permanent = True  # the cookie then lasts the idle timeout, renewed by every request
    session["staff_id"] = user.id
    session["stamp"] = password_stamp(user)
    session["sign_outs"] = user.sign_outs


def end_session(user: StaffUser) -> None:
    """Signing out ends the session on the server too: the cookie is cleared, and every session begun
    before (a copy of this cookie included) no longer counts."""
    user.sign_outs = StaffUser.sign_outs + 1
    session.clear()


def signed_in_user() -> StaffUser | None:
    staff_id = session.get("staff_id")
    user = db().get(StaffUser, staff_id) if isinstance(staff_id, int) else None
    if user is None or not user.active or not allows(user.role, Permission.USE_WORKSPACE):
        return None
    # A password changed or a sign-out since sign-in ends this session.
    current = session.get("stamp") == password_stamp(user) and session.get("sign_outs") == user.sign_outs
    return user if current else None


def require_sign_in():
    """Before every workspace request: a page sends a stranger to sign in; the queue's refresh, asked by
    script, gets a 401 so the page reloads into the sign-in form."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user = signed_in_user()
    if user is None:
        session.clear()
        if request.headers.get("X-Requested-With") == "fetch":
            return "", 401
        return redirect(url_for("workspace.login"))
    g.staff_user = user
    return None


def current_staff() -> StaffUser:
    return g.staff_user


def can_act() -> bool:
    return may(Permission.ACT_IN_WORKSPACE)


def may(permission: Permission) -> bool:
    return allows(current_staff().role, permission)


def requires(permission: Permission, refusal: str) -> Callable[[Callable], Callable]:
    """A page or action for the roles holding `permission`; others hear `refusal` with a 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**path):
            if not may(permission):
                abort(403, refusal)
            return view(**path)

        return wrapper

    return decorate


# For actions: consultants and clinicians read the workspace but do not act in it.
acting = requires(Permission.ACT_IN_WORKSPACE, "Your role can read the workspace but not act in it.")


def audit(action: str, resource: str, patient_ids: Iterable[int | None], resource_id: object = None,
          detail: dict | None = None) -> None:
    """One row per patient seen or changed; a page that shows no patient is still logged, once."""
    patient_ids = list(dict.fromkeys(patient_ids)) or [None]
    record_access(db(), current_staff(), action, resource, patient_ids, resource_id, detail)
