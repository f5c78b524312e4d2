"""Timers: APScheduler fires them, the database decides what is due.

Each instance's earliest timer is in process_instance.next_timer_at. After every commit
that set one, a date job is added for that time; a periodic sweep catches anything a
job missed (a restart, another process's instance). Firing takes the instance lock and
re-checks the due time, so many processes may run schedulers and each timer fires once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import InstanceStatus, ProcessInstance

log = logging.getLogger(__name__)
PENDING_KEY = "timers_to_schedule"
SWEEP_BATCH = 500


def note_timer(instance_id: int, due: datetime | None) -> None:
    """Remember that this transaction gave an instance a timer; scheduled after commit."""
    if due is not None:
        db.session.info.setdefault(PENDING_KEY, {})[instance_id] = due


def fire_instance(app: Flask, instance_id: int) -> bool:
    """Fire one instance's due timers in a transaction of its own."""
    from app.engine import EngineError
    from app.oversight.services import record_failure_after_rollback
    from app.workflow.instances import InstanceMoved, fire_timers

    with app.app_context():
        try:
            fired = fire_timers(instance_id)
            db.session.commit()
            return fired
        except InstanceMoved:  # another process fired it first
            db.session.rollback()
            return False
        except EngineError as exc:
            record_failure_after_rollback(instance_id, exc.message, None, exc.task_id, exc.task_name)
            return False
        except Exception as exc:  # a fault outside the diagram: make it visible, keep sweeping
            log.exception("firing timers of instance %s failed", instance_id)
            try:
                record_failure_after_rollback(instance_id, f"A timer could not be fired: {exc}", None)
            except Exception:
                db.session.rollback()
                log.exception("could not record the incident for instance %s", instance_id)
            return False
        finally:
            db.session.remove()


def due_instance_ids(now: datetime, limit: int = SWEEP_BATCH) -> list[int]:
    return list(
        db.session.scalars(
            select(ProcessInstance.id)
            .where(
                ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.INCIDENT]),
                ProcessInstance.next_timer_at <= now,
            )
            .order_by(ProcessInstance.next_timer_at)
            .limit(limit)
        )
    )


def sweep(app: Flask) -> int:
    """Fire every instance whose timer is due; return how many moved."""
    with app.app_context():
        ids = due_instance_ids(datetime.now(UTC))
        db.session.remove()
    return sum(1 for instance_id in ids if fire_instance(app, instance_id))


class Timers:
    def __init__(self, app: Flask, scheduler: BackgroundScheduler) -> None:
        self.app = app
        self.scheduler = scheduler

    def schedule(self, instance_id: int, due: datetime) -> None:
        self.scheduler.add_job(
            fire_instance,
            "date",
            run_date=due,
            args=[self.app, instance_id],
            id=f"timer-{instance_id}",
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    def state(self) -> str:
        return "running" if self.scheduler.running else "stopped"


def start_scheduler(app: Flask, sweep_seconds: int | None = None) -> Timers:
    settings = app.extensions["settings"]
    scheduler = BackgroundScheduler(timezone="UTC")
    timers = Timers(app, scheduler)
    scheduler.add_job(
        sweep,
        "interval",
        seconds=sweep_seconds or settings.scheduler_sweep_seconds,
        args=[app],
        id="timer-sweep",
        next_run_time=datetime.now(UTC),  # after downtime, missed timers fire at start
        coalesce=True,
        max_instances=1,
    )
    scheduler.start()
    app.extensions["timers"] = timers
    app.extensions["scheduler_state"] = timers.state
    return timers


def _schedule_after_commit(session: Session) -> None:
    pending: dict[int, datetime] = session.info.pop(PENDING_KEY, {})
    if pending and has_app_context():
        timers: Timers | None = current_app.extensions.get("timers")
        if timers is not None:
            for instance_id, due in pending.items():
                timers.schedule(instance_id, due)


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


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
