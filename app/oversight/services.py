"""Incidents: engine failures that need a manager, recorded apart from the failed work."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app import audit
from app.access import case_visibility
from app.extensions import db
from app.models import Incident, InstanceStatus, User
from app.workflow.incidents import record_incident

__all__ = ["find_visible_incident", "open_incidents", "record_incident", "resolve_incident"]


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
            .where(Incident.resolved_at.is_(None), case_visibility(user))
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
