"""Suspending a process instance and resuming it, under the instance's row lock.

While an instance is suspended no task of it moves on (app/tasks refuses them) and no timer
fires: the scheduler only reads running instances and instances with an incident, and
`instances.fire_timers` re-checks the status under the lock. Resuming notes the instance's
timer, so the scheduler gives it a job after the commit: one that fell due meanwhile fires then.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import Incident, InstanceStatus, ProcessInstance, User
from app.workflow.instances import lock_instance
from app.workflow.timers import note_timer


class NotSuspendable(Exception):
    """The instance is not in a state this change applies to (finished, or already so)."""


def suspend(instance_id: int, actor: User, reason: str) -> ProcessInstance:
    """Pause a running instance (or one waiting on an incident) with the reason given."""
    instance = lock_instance(instance_id)
    if instance.status == InstanceStatus.SUSPENDED:
        raise NotSuspendable("This process is already suspended")
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        raise NotSuspendable("This process has finished, so there is nothing to suspend")
    before = instance.status.value
    instance.status = InstanceStatus.SUSPENDED
    instance.suspended_at = datetime.now(UTC)
    instance.suspended_by_id = actor.id
    instance.suspended_reason = reason
    db.session.flush()
    audit.record(
        "process.suspended",
        actor,
        instance=instance,
        before={"status": before},
        after={"status": InstanceStatus.SUSPENDED.value},
        detail=reason,
    )
    return instance


def resume(instance_id: int, actor: User, reason: str) -> ProcessInstance:
    """Let a suspended instance run again: timers that fell due meanwhile fire on the next sweep
    (or at once, where a scheduler runs in this process: the timer is noted for it)."""
    instance = lock_instance(instance_id)
    if instance.status != InstanceStatus.SUSPENDED:
        raise NotSuspendable("This process is not suspended")
    open_incident = db.session.scalar(
        select(Incident.id)
        .where(Incident.instance_id == instance.id, Incident.resolved_at.is_(None))
        .limit(1)
    )
    instance.status = InstanceStatus.INCIDENT if open_incident is not None else InstanceStatus.RUNNING
    instance.suspended_at = None
    instance.suspended_by_id = None
    instance.suspended_reason = ""
    db.session.flush()
    audit.record(
        "process.resumed",
        actor,
        instance=instance,
        before={"status": InstanceStatus.SUSPENDED.value},
        after={"status": instance.status.value},
        detail=reason,
    )
    note_timer(instance.id, instance.next_timer_at)
    return instance
