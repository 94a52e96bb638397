"""The clock: APScheduler only says "now"; what is due lives in the dispatches table.

APScheduler 3 cannot share a job store between schedulers, so it keeps no jobs of ours:
every worker runs the same interval job, and the row claims keep them from colliding.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal

from apscheduler.schedulers.blocking import BlockingScheduler

from engage.config import Settings
from engage.db import utcnow
from engage.outbox.wake import start_urgent_waker
from engage.runtime import build_runtime
from engage.scheduling.tick import deliver_urgent, tick

log = logging.getLogger(__name__)
DISPATCH_EVERY_SECONDS = 5


def run_worker(settings: Settings, interval: float = DISPATCH_EVERY_SECONDS, parent: int | None = None) -> None:
    """`engage worker`: dispatch what is due, every few seconds, until stopped."""
    runtime = build_runtime(settings)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(lambda: tick(runtime, utcnow()), "interval", seconds=interval, id="dispatch",
                      max_instances=1, coalesce=True, next_run_time=utcnow())
    if parent is not None:
        scheduler.add_job(lambda: _exit_if_orphaned(parent), "interval", seconds=1, id="parent")
    stop_waker = start_urgent_waker(runtime.engine, lambda: deliver_urgent(runtime))
    # A deployment stops workers with SIGTERM: finish cleanly (a pass in flight keeps its lease).
    signal.signal(signal.SIGTERM, _stop)
    log.info("worker started: dispatching every %ss, urgent notices at once", interval)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop_waker.set()
        scheduler.shutdown(wait=False)
        log.info("worker stopped")


def _stop(_signum, _frame) -> None:
    raise SystemExit(0)


def _exit_if_orphaned(parent: int) -> None:
    if os.getppid() != parent:
        os._exit(0)


def _clock_process(settings: Settings, parent: int) -> None:
    # Forked from gunicorn's arbiter: drop its signal handlers, or SIGTERM would never stop us.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGCHLD,
                   signal.SIGTTIN, signal.SIGTTOU, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH):
        signal.signal(signum, signal.SIG_DFL)
    run_worker(settings, parent=parent)


def start_clock(settings: Settings) -> multiprocessing.Process:
    """For `serve --with-scheduler`: the worker in a child process, outside the web workers."""
    process = multiprocessing.Process(target=_clock_process, args=(settings, os.getpid()), name="engage-clock",
                                      daemon=True)
    process.start()
    return process
