"""What the workspace's tests share: staff who can sign in, signing in through the form, and the
service on a loopback port for a real browser."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from werkzeug.serving import make_server

from engage.auth.models import StaffUser
from engage.auth.passwords import set_password
from engage.db import session_scope, utcnow
from engage.enums import FlagKind, FlagPriority
from engage.flags.models import Flag
from engage.flags.service import raise_flag

PASSWORD = "correct horse battery"


def person(factory, runtime, role: str = "care_manager", **fields) -> StaffUser:
    """A staff member whose workspace password is PASSWORD."""
    user = factory.staff(role, **fields)
    with session_scope(runtime.sessions) as session:
        set_password(session.get(StaffUser, user.id), PASSWORD)
    return user


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    token = csrf_token(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def flag(runtime, patient_id: int | None, reason: str, priority: FlagPriority = FlagPriority.NORMAL,
         age: timedelta = timedelta(0), kind: FlagKind = FlagKind.PATIENT_MESSAGE) -> Flag:
    """A flag raised `age` ago, as the inbound path or a check-in would have raised it."""
    with session_scope(runtime.sessions) as session:
        raised = raise_flag(session, runtime.settings, kind=kind, patient_id=patient_id, reason=reason,
                            priority=priority)
        session.flush()
        raised.created_at = utcnow() - age
        if raised.next_escalation_at is not None:
            raised.next_escalation_at -= age
        return raised


@contextmanager
def live_server(app) -> Iterator[str]:
    """The app on a loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
