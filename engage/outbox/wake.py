"""A person within a second: an urgent notice wakes the dispatcher instead of waiting for its poll.

On PostgreSQL the transaction that queues an urgent row also sends NOTIFY, delivered when (and only
if) it commits, and every worker LISTENs. SQLite has no such signal, so there the worker looks for
urgent rows several times a second: one indexed read, cheap on a local file.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from engage.db import log_failure, utcnow

log = logging.getLogger(__name__)
CHANNEL = "engage_urgent"
# SQLite: how often the worker looks for urgent rows; well inside the one second a notice may take.
URGENT_POLL_SECONDS = 0.2


def announce_urgent(session: Session) -> None:
    """Part of the queuing transaction, so a worker never wakes for a row it cannot yet see."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


def listen_for_urgent(engine: Engine, on_wake: Callable[[], None], stop: threading.Event,
                      timeout: float = 5.0) -> None:
    """Calls `on_wake` after each NOTIFY (several at once are one wake-up) until `stop` is set.
    A lost connection is re-opened; the worker's regular poll covers the gap."""
    while not stop.is_set():
        try:
            _listen_once(engine, on_wake, stop, timeout)
        except Exception:
            log_failure(log, "listening for urgent notices failed; listening again")
            stop.wait(1.0)


def _listen_once(engine: Engine, on_wake: Callable[[], None], stop: threading.Event, timeout: float) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"LISTEN {CHANNEL}")
        driver = connection.connection.dbapi_connection
        on_wake()  # anything queued while we were not listening
        while not stop.is_set():
            if list(driver.notifies(timeout=timeout, stop_after=1)):
                on_wake()


def poll_for_urgent(engine: Engine, on_wake: Callable[[], None], stop: threading.Event,
                    interval: float = URGENT_POLL_SECONDS) -> None:
    """SQLite: calls `on_wake` whenever an urgent row is due. The look is a plain read outside any
    transaction, so it never takes the database's write lock from the web workers."""
    while not stop.wait(interval):
        try:
            if _urgent_due(engine):
                on_wake()
        except Exception:
            log_failure(log, "looking for urgent notices failed")


def _urgent_due(engine: Engine) -> bool:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        # SQLite keeps UTC times as naive text in this format (engage.db.UTCDateTime).
        cursor.execute("SELECT 1 FROM dispatches WHERE urgent = 1 AND status = 'pending' AND due_at <= ? LIMIT 1",
                       (utcnow().strftime("%Y-%m-%d %H:%M:%S.%f"),))
        return cursor.fetchone() is not None
    finally:
        connection.close()


def start_urgent_waker(engine: Engine, on_wake: Callable[[], None]) -> threading.Event:
    """Runs `on_wake` in its own thread as soon as an urgent row is queued; set the event to stop."""
    stop = threading.Event()
    watch = listen_for_urgent if engine.dialect.name == "postgresql" else poll_for_urgent
    threading.Thread(target=watch, args=(engine, on_wake, stop), name="engage-urgent", daemon=True).start()
    return stop
