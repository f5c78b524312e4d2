"""Process instances: start, complete a human task, fire timers, and keep the projection true.

Each verb works inside the caller's transaction and only flushes; the edge commits.
The instance row is locked (SELECT ... FOR UPDATE where the database has it) and its
`version` column is checked on every UPDATE, so two writers never both win.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.engine import RunningWorkflow, TaskNotReady
from app.engine.serialization import SERIALIZER_VERSION
from app.extensions import db
from app.models import Case, HumanTask, InstanceStatus, ProcessInstance, TaskState, Team, User
from app.scheduling import note_timer
from app.workflow.library import current_version, get_engine, get_library


class TaskAlreadyDone(Exception):
    """Someone else completed (or the process cancelled) the task first."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task {task_id} is no longer open")
        self.task_id = task_id


def now() -> datetime:
    return datetime.now(UTC)


def lock_instance(instance_id: int) -> ProcessInstance:
    """Load an instance and lock its row until the transaction ends."""
    instance = db.session.scalar(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)
    )
    if instance is None:
        raise LookupError(f"No process instance {instance_id}")
    return instance


def start_process(case: Case, process_id: str, data: dict[str, Any], actor: User | None) -> ProcessInstance:
    """Start the current version of a process on a case and project its first tasks."""
    version = current_version(process_id)
    diagram = get_library().diagram_for(version)
    running = get_engine().start(diagram, data)
    instance = ProcessInstance(
        case=case,
        process_version=version,
        state=b"",
        serializer_version=SERIALIZER_VERSION,
    )
    db.session.add(instance)
    db.session.flush()
    _save(instance, running, actor)
    audit.record("process.started", actor, case=case, instance=instance, detail=version.name)
    return instance


def complete_task(task: HumanTask, form_data: dict[str, Any], actor: User) -> ProcessInstance:
    """Complete an open human task with validated form data and move the case on.

    Raises TaskAlreadyDone when someone else got there first, and EngineError when the
    diagram fails; in both cases the caller must roll back.
    """
    task_id = task.id
    instance = lock_instance(task.instance_id)
    db.session.refresh(task)
    if task.state != TaskState.OPEN:
        raise TaskAlreadyDone(task_id)
    running = get_engine().load(instance.state)
    try:
        running.complete_task(task_id, form_data)
    except TaskNotReady as exc:
        raise TaskAlreadyDone(task_id) from exc
    task.state = TaskState.COMPLETED
    task.completed_at = now()
    task.completed_by_id = actor.id
    task.data = form_data
    if task.assignee_id is None:
        task.assignee_id = actor.id
    try:
        _save(instance, running, actor)
    except StaleDataError as exc:  # another transaction moved the instance on first
        raise TaskAlreadyDone(task_id) from exc
    audit.record("task.completed", actor, task=task, instance=instance, after=form_data, detail=task.name)
    return instance


def fire_timers(instance_id: int) -> bool:
    """Fire the instance's due timers, if it still has any; True if the workflow moved."""
    instance = lock_instance(instance_id)
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        return False
    if instance.next_timer_at is None or instance.next_timer_at > now():
        return False
    running = get_engine().load(instance.state)
    fired = running.fire_due_timers()
    _save(instance, running, None)
    if fired:
        audit.record("timer.fired", None, instance=instance)
    return fired


def _save(instance: ProcessInstance, running: RunningWorkflow, actor: User | None) -> None:
    instance.state = running.dump()
    instance.serializer_version = SERIALIZER_VERSION
    instance.next_timer_at = running.next_timer_due()
    instance.updated_at = now()
    if running.is_completed():
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = instance.updated_at
        instance.end_event = running.end_event_name()
        instance.next_timer_at = None
        audit.record("process.completed", actor, instance=instance, detail=instance.end_event)
    _project(instance, running)
    db.session.flush()
    note_timer(instance.id, instance.next_timer_at)


def _project(instance: ProcessInstance, running: RunningWorkflow) -> None:
    """Make the human_task rows of the instance match the engine's ready tasks."""
    ready = {t.id: t for t in running.ready_tasks()}
    open_rows = {
        row.id: row
        for row in db.session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.OPEN)
        )
    }
    for task_id, row in open_rows.items():
        if task_id not in ready:
            row.state = TaskState.CANCELLED
            row.completed_at = now()
    new_ids = ready.keys() - open_rows.keys()
    if not new_ids:
        return
    child = instance.case.child
    child_sort_name = f"{child.last_name}, {child.first_name}"
    teams: dict[str, int] = {
        lane: team_id for lane, team_id in db.session.execute(select(Team.lane, Team.id))
    }
    for task_id in new_ids:
        info = ready[task_id]
        existing = db.session.get(HumanTask, task_id)
        if existing is not None:  # a task the engine re-opened (e.g. a loop)
            existing.state = TaskState.OPEN
            continue
        db.session.add(
            HumanTask(
                id=task_id,
                instance_id=instance.id,
                case_id=instance.case_id,
                bpmn_id=info.bpmn_id,
                name=info.name,
                process_name=info.process_name,
                form_key=info.form_key,
                lane=info.lane,
                documentation=info.documentation,
                team_id=teams.get(info.lane),
                due_at=running.due_at(task_id),
                child_name=child_sort_name,
                state=TaskState.OPEN,
                created_at=now(),
            )
        )
