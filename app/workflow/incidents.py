"""Recording an incident: a step of an instance failed and a manager must look at it.

In the workflow layer so that whatever runs a step (a task's submission, the timer job) can
record one without importing the oversight pages, which retry steps through those same callers.
"""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import Incident, InstanceStatus, ProcessInstance, User


def record_incident(
    instance_id: int,
    message: str,
    actor: User | None,
    task_id: str | None = None,
    task_name: str = "",
    answers: dict[str, list[str]] | None = None,
) -> Incident:
    """Record that a step of the instance failed, for a manager (once: the same failure again,
    a retry or the next timer sweep, is the same incident). A failed submission's `answers` are
    kept on it (the latest sent), so it can be retried. The edge calls this after throwing the
    failed work away, in a transaction of its own (app/transactions.py in_own_transaction).
    """
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise LookupError(instance_id)
    repeated = db.session.scalar(
        select(Incident).where(
            Incident.instance_id == instance_id,
            Incident.resolved_at.is_(None),
            Incident.task_id == task_id if task_id else Incident.task_id.is_(None),
            Incident.message == message,
        )
    )
    if repeated is not None:  # the same failure again (a retry, or the next timer sweep)
        if answers is not None:
            repeated.answers, repeated.raised_by_id = answers, actor.id if actor else repeated.raised_by_id
        return repeated
    incident = Incident(
        instance_id=instance.id,
        case_id=instance.case_id,
        task_id=task_id,
        task_name=task_name,
        message=message,
        raised_by_id=actor.id if actor else None,
        answers=answers,
    )
    db.session.add(incident)
    if instance.status != InstanceStatus.SUSPENDED:  # a suspended one stays so until resumed
        instance.status = InstanceStatus.INCIDENT
    audit.record("incident.raised", actor, instance=instance, detail=message)
    db.session.flush()
    return incident
