"""Writing the audit trail: every change goes through record(), every view through record_view().

The database refuses to change or delete what is written here (migration 0010's triggers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, insert, select

from app.extensions import db, table_of
from app.models import AuditEvent, Case, HumanTask, ProcessInstance, User
from app.models.audit import AuditEventCase

_INSERT = insert(table_of(AuditEvent))
# A view's cases in one INSERT ... SELECT with the ids as one expanding list: one statement
# (one round trip on PostgreSQL) whatever the page size, compiled once. Measured against a
# multi-row VALUES (compiled per row count, about twice the time on SQLite) and executemany.
_LINK_CASES = insert(table_of(AuditEventCase)).from_select(
    ["event_id", "case_id"],
    select(bindparam("event_id", type_=Integer), Case.id).where(
        Case.id.in_(bindparam("case_ids", expanding=True))
    ),
)
# Case ids per INSERT: well inside SQLite's 32,766 parameters.
_LINK_BATCH = 5000

ACTION_LABELS = {
    "case.referred": "Referred",
    "case.pathway_started": "Started another pathway on the case",
    "case.attendance_recorded": "Recorded the child's attendance",
    "case.viewed": "Viewed the case",
    "chronology.viewed": "Viewed the case's chronology",
    "cases.listed": "Viewed the list of cases",
    "cases.exported": "Viewed cases in a downloaded list (CSV)",
    "instances.listed": "Viewed the list of processes on cases",
    "instances.exported": "Viewed processes on cases in a downloaded list (CSV)",
    "saved_view.created": "Saved a view of a list",
    "saved_view.deleted": "Deleted a saved view of a list",
    "worklist.viewed": "Viewed a worklist",
    "task.viewed": "Viewed a task",
    "cme.register_viewed": "Viewed the children missing education register",
    "incidents.viewed": "Viewed the incidents list",
    "penalty_notices.viewed": "Viewed the penalty-notice history",
    "api.read": "Read through the API",
    "moves.viewed": "Viewed which cases could move to another version",
    "case.diagram_viewed": "Viewed a process of the case on its diagram",
    "process.positions_viewed": "Viewed where cases are on a process diagram (counts only)",
    "process.suspension_viewed": "Viewed a process to suspend or resume it",
    "dashboard.cases_listed": "Viewed the cases behind a dashboard figure",
    "audit.searched": "Viewed a search of the audit trail",
    "case.subject_access_viewed": "Viewed the subject access export page for the case",
    "case.subject_access_exported": "Exported everything held about the child (subject access request)",
    "process.started": "Process started",
    "process.completed": "Process finished",
    "process.handed_over": "Case handed on to the next process",
    "process.published": "Published a new version of a process",
    "process.restored": "Made an earlier version of a process current again",
    "process.rolled_back": "Made another version of a process current (roll back)",
    "process.migrated": "Moved a running process onto another version",
    "process.migration_started": "Started moving running cases to another version",
    "process.migration_finished": "Finished moving running cases to another version",
    "process.draft_created": "Started a draft of a process",
    "process.draft_saved": "Saved a draft of a process",
    "process.draft_checked": "Checked a draft of a process",
    "process.checked": "Checked a diagram",
    "process.draft_deleted": "Deleted a draft of a process",
    "process.draft_tested": "Started a test of a draft",
    "process.suspended": "Suspended a process",
    "process.resumed": "Resumed a suspended process",
    "task.claimed": "Claimed a task",
    "task.released": "Released a task to the team queue",
    "task.assigned": "Assigned a task",
    "task.completed": "Completed a task",
    "timer.fired": "A deadline timer fired",
    "incident.raised": "A step failed (incident raised)",
    "incident.resolved": "Incident resolved",
    "incident.retried": "Retried a failed step (incident)",
    "auth.signed_in": "Signed in",
    "auth.failed": "Failed sign-in",
    "auth.signed_out": "Signed out",
    "auth.locked": "Account locked after too many failed sign-ins",
    "auth.unlocked": "Account unlocked",
    "auth.password_changed": "Changed their password",
    "account.created": "Created an account",
    "account.changed": "Changed an account's name, role or teams",
    "account.deactivated": "Deactivated an account",
    "account.reactivated": "Reactivated an account",
    "account.password_reset": "Reset an account's password",
    "account.password_set": "Set an account's password from the command line",
    "api_token.created": "API token created",
    "api_token.revoked": "API tokens revoked",
    "setting.changed": "Changed a local setting",
    "school_calendar.imported": "Imported school term dates",
    "school_term.added": "Added a school term",
    "school_term.deleted": "Deleted a school term",
    "school_term.closure_added": "Added a school closure day",
    "school_term.closure_removed": "Removed a school closure day",
}


# Actions that record someone seeing data, not changing it: a chronology of what was done
# leaves these out; a subject access request or an access review reads them.
VIEW_ACTIONS = frozenset(
    {
        "case.viewed",
        "chronology.viewed",
        "cases.listed",
        "cases.exported",
        "instances.listed",
        "instances.exported",
        "worklist.viewed",
        "task.viewed",
        "cme.register_viewed",
        "incidents.viewed",
        "penalty_notices.viewed",
        "api.read",
        "moves.viewed",
        "case.diagram_viewed",
        "process.positions_viewed",
        "process.suspension_viewed",
        "dashboard.cases_listed",
        "audit.searched",
        "case.subject_access_viewed",
    }
)


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


def record_view(
    action: str,
    actor: User,
    case_ids: Iterable[int],
    *,
    page: str,
    case: Case | None = None,
    task: HumanTask | None = None,
) -> None:
    """Append one view event for one page or API read, and the cases it showed.

    `action` is one of VIEW_ACTIONS; `page` is the path and query string asked for;
    `case_ids` every case whose data the answer showed, in any order, repeats allowed.
    A page about one case (or task) names it in `case`/`task` as well, so the case's own
    history shows the view. Nothing is written if the answer showed no case: an empty list
    reveals nothing about any child. Call it after the page's data has been read: on SQLite
    the first write takes the database's one write lock until the request commits.
    """
    if action not in VIEW_ACTIONS:
        raise ValueError(f"{action} is not a view action")
    shown = list(dict.fromkeys(case_ids))
    if not shown:
        return
    if case is None and task is not None:
        case_id: int | None = task.case_id
    else:
        case_id = case.id if case is not None else None
    connection = db.session.connection()
    inserted = connection.execute(
        _INSERT,
        {
            "at": datetime.now(UTC),
            "actor_id": actor.id,
            "action": action,
            "case_id": case_id,
            "instance_id": task.instance_id if task is not None else None,
            "task_id": task.id if task is not None else None,
            "before": None,
            "after": None,
            "detail": page.rstrip("?")[:500],
        },
    ).inserted_primary_key
    # One row was inserted, so its key is known (SQLAlchemy gives None only for several rows).
    assert inserted is not None
    event_id = inserted[0]
    for start in range(0, len(shown), _LINK_BATCH):
        connection.execute(
            _LINK_CASES, {"event_id": event_id, "case_ids": shown[start : start + _LINK_BATCH]}
        )


def views_of_case_query(case_id: int) -> Select[AuditEvent]:
    """Every view event that showed this case, oldest first: an index range on
    audit_event_case (case_id, event_id), then the events by primary key."""
    return (
        select(AuditEvent)
        .join(AuditEventCase, AuditEventCase.event_id == AuditEvent.id)
        .where(AuditEventCase.case_id == case_id)
        .order_by(AuditEventCase.event_id)
    )


def views_of_case(case_id: int) -> list[AuditEvent]:
    """Who saw this case, where and when: every page and API read that showed it."""
    return list(db.session.scalars(views_of_case_query(case_id)))
