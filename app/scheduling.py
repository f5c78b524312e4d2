"""Timers: APScheduler fires them, the database decides what is due.

Each instance's earliest timer is in process_instance.next_timer_at. After every commit
that set one, a date job is added for that time; a periodic sweep catches anything a
job missed (a restart, another process's instance). Firing takes the instance lock and
re-checks the due time, so many processes may run schedulers and each timer fires once.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.oversight.services import record_incident
from app.transactions import in_own_transaction
from app.workflow import EngineError
from app.workflow.instances import InstanceMoved, due_instance_ids, fire_timers, lock_if_due
from app.workflow.timers import forget_noted_timers, take_noted_timers, timers_due_by

log = logging.getLogger(__name__)
SWEEP_BATCH = 500
DRAIN_BATCH = 100


def fire_due(app: Flask) -> int:
    """Fire every instance whose timer is due, one transaction each; return how many moved.

    Works through batches of due candidates in random order, locking each with SKIP LOCKED,
    so several threads and processes drain a burst together without firing anything twice
    or queueing behind each other. A batch where every candidate was taken by someone else
    ends this drain: they are on it. On SQLite, which has no row locks, one thread per
    process drains at a time.
    """
    moved, failed = 0, set[int]()
    with _sqlite_guard(app), app.app_context():
        try:
            while True:
                candidates = due_instance_ids(datetime.now(UTC), failed, DRAIN_BATCH)
                db.session.rollback()
                random.shuffle(candidates)
                progressed = False
                for instance_id in candidates:
                    try:
                        instance = lock_if_due(instance_id, datetime.now(UTC))
                        if instance is None:  # fired already, or someone holds it
                            db.session.rollback()
                            continue
                        moved += fire_timers(instance)
                        db.session.commit()
                        progressed = True
                    except InstanceMoved:  # another process fired it first
                        db.session.rollback()
                    except EngineError as exc:
                        failed.add(instance_id)
                        in_own_transaction(partial(_engine_incident, instance_id, exc))
                    except Exception as exc:  # a fault outside the diagram: make it visible, go on
                        failed.add(instance_id)
                        log.exception("firing timers of instance %s failed", instance_id)
                        _record_fault(instance_id, exc)
                if not progressed:
                    return moved
        finally:
            db.session.remove()


_sqlite_lock = threading.Lock()


@contextmanager
def _sqlite_guard(app: Flask) -> Iterator[None]:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with _sqlite_lock:
            yield
    else:
        yield


def _engine_incident(instance_id: int, exc: EngineError) -> None:
    record_incident(instance_id, exc.message, None, exc.task_id, exc.task_name)


def _record_fault(instance_id: int, exc: Exception) -> None:
    try:
        in_own_transaction(partial(record_incident, instance_id, f"A timer could not be fired: {exc}", None))
    except Exception:
        db.session.rollback()
        log.exception("could not record the incident for instance %s", instance_id)


def sweep(app: Flask, look_ahead_seconds: float = 0) -> int:
    """Fire everything due; return how many moved.

    With `look_ahead_seconds` and a running scheduler, also give each timer due within that
    window a date job, so it fires on time even if this process did not write it (another
    process wrote it, or this one restarted).
    """
    moved = fire_due(app)
    timers: Timers | None = app.extensions.get("timers")
    if timers is None or look_ahead_seconds <= 0:
        return moved
    until, after_id = datetime.now(UTC) + timedelta(seconds=look_ahead_seconds), 0
    while True:
        with app.app_context():
            page = timers_due_by(until, after_id, SWEEP_BATCH)
            db.session.remove()
        for instance_id, due in page:
            timers.schedule(instance_id, due)
        if len(page) < SWEEP_BATCH:
            return moved
        after_id = page[-1][0]


class Timers:
    def __init__(self, app: Flask, scheduler: BackgroundScheduler) -> None:
        self.app = app
        self.scheduler = scheduler

    def schedule(self, instance_id: int, due: datetime) -> None:
        # One job per instance (a later due time replaces it); the job drains whatever is
        # due then, which includes this instance unless another thread or process got it.
        self.scheduler.add_job(
            fire_due,
            "date",
            run_date=due,
            args=[self.app],
            id=f"timer-{instance_id}",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    def state(self) -> str:
        return "running" if self.scheduler.running else "stopped"


def start_scheduler(app: Flask, sweep_seconds: int | None = None) -> Timers:
    settings = app.extensions["settings"]
    # Few workers: firing is CPU-bound Python (one core at a time) and on SQLite writes queue
    # for one lock, so more threads add contention, not speed. Scale out with processes.
    scheduler = BackgroundScheduler(
        timezone="UTC", executors={"default": ThreadPoolExecutor(settings.scheduler_workers)}
    )
    timers = Timers(app, scheduler)
    interval = sweep_seconds or settings.scheduler_sweep_seconds
    scheduler.add_job(
        sweep,
        "interval",
        seconds=interval,
        args=[app, interval + 5],
        id="timer-sweep",
        next_run_time=datetime.now(UTC),  # after downtime, missed timers fire at start
        coalesce=True,
        max_instances=1,
    )
    app.extensions["timers"] = timers
    scheduler.start()
    app.extensions["scheduler_state"] = timers.state
    return timers


def _schedule_after_commit(session: Session) -> None:
    pending = take_noted_timers(session)
    if pending and has_app_context():
        timers: Timers | None = current_app.extensions.get("timers")
        if timers is not None:
            for instance_id, due in pending.items():
                timers.schedule(instance_id, due)


def _forget_after_rollback(session: Session) -> None:
    forget_noted_timers(session)


def init_scheduler(app: Flask) -> None:
    app.extensions["scheduler_state"] = lambda: "disabled"
    if not event.contains(db.session, "after_commit", _schedule_after_commit):
        event.listen(db.session, "after_commit", _schedule_after_commit)
        event.listen(db.session, "after_rollback", _forget_after_rollback)
    if app.extensions["settings"].scheduler_enabled:
        start_scheduler(app)


def stop_scheduler(app: Flask, wait: bool = False) -> None:
    timers: Any = app.extensions.pop("timers", None)
    if timers is not None:
        timers.scheduler.shutdown(wait=wait)
    app.extensions["scheduler_state"] = lambda: "disabled"
