"""Writing the audit trail. Every change and every view of a case goes through record()."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, ProcessInstance, User

_INSERT = insert(AuditEvent.__table__)

ACTION_LABELS = {
    "case.referred": "Referred",
    "case.pathway_started": "Started another pathway on the case",
    "case.viewed": "Viewed the case",
    "process.started": "Process started",
    "process.completed": "Process finished",
    "process.handed_over": "Case handed on to the next process",
    "process.published": "Published a new version of a process",
    "process.restored": "Made an earlier version of a process current again",
    "task.claimed": "Claimed a task",
    "task.released": "Released a task to the team queue",
    "task.assigned": "Assigned a task",
    "task.completed": "Completed a task",
    "timer.fired": "A deadline timer fired",
    "incident.raised": "A step failed (incident raised)",
    "incident.resolved": "Incident resolved",
    "auth.signed_in": "Signed in",
    "auth.failed": "Failed sign-in",
    "api_token.created": "API token created",
    "setting.changed": "Changed a local setting",
    "school_calendar.imported": "Imported school term dates",
    "school_term.added": "Added a school term",
    "school_term.deleted": "Deleted a school term",
    "school_term.closure_added": "Added a school closure day",
    "school_term.closure_removed": "Removed a school closure day",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record(
    action: str,
    actor: User | None,
    *,
    case: Case | None = None,
    instance: ProcessInstance | None = None,
    task: HumanTask | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> None:
    """Append one audit event to the current transaction.

    Written with a plain INSERT on the request's connection, not through the unit of work:
    the trail is append-only, nothing reads it back in the same request, and it is on every
    request's path. Rows it refers to must already be flushed.
    """
    if case is None and task is not None:
        case_id: int | None = task.case_id
    elif case is None and instance is not None:
        case_id = instance.case_id
    else:
        case_id = case.id if case is not None else None
    db.session.connection().execute(
        _INSERT,
        {
            "at": datetime.now(UTC),
            "actor_id": actor.id if actor is not None else None,
            "action": action,
            "case_id": case_id,
            "instance_id": instance.id if instance is not None else (task.instance_id if task else None),
            "task_id": task.id if task is not None else None,
            "before": before,
            "after": after,
            "detail": detail,
        },
    )
