"""Working a human task: find it, claim it, release it, assign it, complete it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import audit
from app.access import can_manage_task, can_work_task, holds_required_role
from app.extensions import db
from app.meetings.services import record_meeting_if_any
from app.models import HumanTask, ProcessInstance, TaskState, User
from app.workflow import instances
from forms import FORMS


class NotAllowed(PermissionError):
    """The user may not do this to this task."""


class TaskTaken(NotAllowed):
    """Someone else holds the task (or took it a moment ago); the message names them."""

    def __init__(self, holder: User | None) -> None:
        super().__init__(
            f"This task is already assigned to {holder.name}"
            if holder is not None
            else "This task has just been released to the team queue"
        )
        self.holder = holder


class TaskNotOpen(Exception):
    """The task has been completed or cancelled. reload_after_conflict() says by whom and when."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task {task_id} is no longer open")
        self.task_id = task_id


def find_task(task_id: str) -> HumanTask | None:
    return db.session.get(HumanTask, task_id)


def get_task(task_id: str) -> HumanTask:
    """The task, or LookupError."""
    task = find_task(task_id)
    if task is None:
        raise LookupError(task_id)
    return task


def _require_open(task: HumanTask) -> None:
    if task.state != TaskState.OPEN:
        raise TaskNotOpen(task.id)


def _require_role(task: HumanTask, user: User) -> None:
    if not holds_required_role(user, task):
        raise NotAllowed(f"Only a {task.required_role.replace('_', ' ')} can do this task")


def _holder(task: HumanTask) -> User | None:
    return db.session.get(User, task.assignee_id) if task.assignee_id is not None else None


def _set_assignee(task: HumanTask, assignee_id: int | None, expected: ColumnElement[bool]) -> None:
    """Change who holds an open task with one conditional UPDATE; its row count decides.

    Two requests may both have read the task as it was. The database applies their UPDATEs
    one after the other (PostgreSQL re-checks the WHERE of the waiting one against the row
    the first committed; SQLite lets one writer in at a time), so only the first still
    matches `expected`; the second changes nothing and is told what happened instead.
    """
    result = db.session.connection().execute(
        update(HumanTask.__table__)
        .where(HumanTask.id == task.id, HumanTask.state == TaskState.OPEN, expected)
        .values(assignee_id=assignee_id)
    )
    if result.rowcount == 1:
        set_committed_value(task, "assignee_id", assignee_id)
        db.session.expire(task, ["assignee"])
        return
    # Read the row as the winner left it (this UPDATE waited for them), not the stale object.
    state, holder_id = db.session.execute(
        select(HumanTask.state, HumanTask.assignee_id).where(HumanTask.id == task.id)
    ).one()
    if state != TaskState.OPEN:
        raise TaskNotOpen(task.id)
    raise TaskTaken(db.session.get(User, holder_id) if holder_id is not None else None)


def claim_task(task: HumanTask, user: User) -> None:
    """Take an unassigned task from one of the user's team queues.

    Raises TaskTaken (naming who has it) if someone else holds it, even if they claimed it
    a moment before this request; of two simultaneous claims exactly one succeeds.
    """
    _require_open(task)
    _require_role(task, user)
    if not can_work_task(user, task):
        raise NotAllowed("This task is not in one of your team's queues")
    if task.assignee_id == user.id:
        return
    if task.assignee_id is not None:
        raise TaskTaken(_holder(task))
    _set_assignee(task, user.id, HumanTask.assignee_id.is_(None))
    audit.record("task.claimed", user, task=task, detail=task.name)


def release_task(task: HumanTask, user: User) -> None:
    """Put a task the user holds back in the team queue (managers may release anyone's).

    Releases only from the holder this request read: if the task changed hands meanwhile,
    raises TaskTaken naming the new holder; if it is already back in the queue, does nothing.
    """
    _require_open(task)
    if task.assignee_id != user.id and not can_manage_task(user, task):
        raise NotAllowed("Only the person holding this task or their manager can release it")
    before = {"assignee_id": task.assignee_id}
    if task.assignee_id is None:
        return
    try:
        _set_assignee(task, None, HumanTask.assignee_id == task.assignee_id)
    except TaskTaken as exc:
        if exc.holder is None:  # released by someone else a moment ago: already done
            return
        raise
    audit.record("task.released", user, task=task, before=before, detail=task.name)


def assign_task(task: HumanTask, assignee: User, manager: User) -> None:
    """A manager gives a task to a named member of the task's team.

    The change applies only if the task is still held by whoever held it when this request
    read it (or still unassigned); otherwise raises TaskTaken, so the trail's `before` is true.
    """
    _require_open(task)
    if not can_manage_task(manager, task):
        raise NotAllowed("Only a manager of this task's team can assign it")
    if task.team_id is not None and task.team_id not in assignee.team_ids:
        raise NotAllowed(f"{assignee.name} is not in the team this task belongs to")
    _require_role(task, assignee)
    before = {"assignee_id": task.assignee_id}
    _set_assignee(task, assignee.id, HumanTask.assignee_id.is_not_distinct_from(task.assignee_id))
    audit.record(
        "task.assigned",
        manager,
        task=task,
        before=before,
        after={"assignee_id": assignee.id},
        detail=f"{task.name} to {assignee.name}",
    )


def complete_task(task: HumanTask, form_data: dict[str, Any], user: User) -> ProcessInstance:
    """Submit a task's validated form; the case moves on. Raises TaskNotOpen if beaten to it."""
    _require_open(task)
    _require_role(task, user)
    if not can_work_task(user, task):
        raise NotAllowed("This task is not in one of your team's queues")
    if task.assignee_id not in (None, user.id):
        raise NotAllowed(
            f"This task is assigned to {task.assignee.name if task.assignee else 'someone else'}"
        )
    try:
        instance = instances.complete_task(task, form_data, user)
        record_meeting_if_any(task, form_data, user)
        form_cls = FORMS.get(task.form_key)
        if form_cls is not None:
            form_cls.on_completed(task, form_data, user)
        return instance
    except instances.TaskHeldByOther as exc:
        raise TaskTaken(db.session.get(User, exc.holder_id) if exc.holder_id is not None else None) from None
    except instances.TaskAlreadyDone as exc:
        raise TaskNotOpen(exc.task_id) from None


def assignable_users(task: HumanTask) -> list[User]:
    """People a manager may assign this task to: the active members of its team."""
    if task.team is None:
        return []
    return sorted(
        (u for u in task.team.members if u.active and holds_required_role(u, task)), key=lambda u: u.name
    )


def reload_after_conflict(task_id: str) -> HumanTask:
    """Throw away this request's changes and read the task as it now stands."""
    db.session.rollback()
    return get_task(task_id)
