"""Incidents: engine failures that need a manager, recorded apart from the failed work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app import audit
from app.access import case_visibility, visible
from app.extensions import db
from app.models import Incident, InstanceStatus, ProcessInstance, User


def record_incident(
    instance_id: int, message: str, actor: User | None, task_id: str | None = None, task_name: str = ""
) -> Incident:
    """Record that a step of the instance failed, for a manager (once: the same failure again,
    a retry or the next timer sweep, is the same incident). The edge calls this after throwing
    the failed work away, in a transaction of its own (app/transactions.py in_own_transaction).
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
        return repeated
    incident = Incident(
        instance_id=instance.id,
        case_id=instance.case_id,
        task_id=task_id,
        task_name=task_name,
        message=message,
        raised_by_id=actor.id if actor else None,
    )
    db.session.add(incident)
    instance.status = InstanceStatus.INCIDENT
    audit.record("incident.raised", actor, instance=instance, detail=message)
    db.session.flush()
    return incident


def find_visible_incident(incident_id: int, user: User) -> Incident | None:
    """The incident, if it is on a case the user may see; None otherwise (the same answer
    as no such incident, so an id cannot be used to learn that a case exists)."""
    return db.session.scalar(
        select(Incident).join(Incident.case).where(Incident.id == incident_id, case_visibility(user))
    )


def open_incidents(user: User) -> list[Incident]:
    """Unresolved incidents on the cases this user may see, newest first."""
    return list(
        db.session.scalars(
            select(Incident)
            .join(Incident.case)
            .where(Incident.resolved_at.is_(None), visible(user))
            .options(contains_eager(Incident.case))
            .order_by(Incident.created_at.desc(), Incident.id.desc())
        )
    )


def resolve_incident(incident: Incident, manager: User, resolution: str) -> None:
    """Mark an incident dealt with; the instance runs again."""
    incident.resolved_at = datetime.now(UTC)
    incident.resolved_by_id = manager.id
    incident.resolution = resolution
    still_open = db.session.scalar(
        select(Incident.id).where(
            Incident.instance_id == incident.instance_id,
            Incident.resolved_at.is_(None),
            Incident.id != incident.id,
        )
    )
    if still_open is None and incident.instance.status == InstanceStatus.INCIDENT:
        incident.instance.status = InstanceStatus.RUNNING
    audit.record("incident.resolved", manager, instance=incident.instance, detail=resolution)
