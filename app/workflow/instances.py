"""Process instances: start, complete a human task, fire timers, and keep the projection true.

Each verb works inside the caller's transaction and never commits; the edge does.
The instance row is locked (SELECT ... FOR UPDATE where the database has it) and its
`version` column is checked on every UPDATE, so two writers never both win.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app import audit
from app.engine import EngineError, RunningWorkflow, TaskNotReady, ThrownMessage
from app.engine.serialization import SERIALIZER_VERSION
from app.extensions import db, table_of
from app.models import (
    Case,
    Child,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    User,
)
from app.workflow.library import current_version, get_engine, get_library, receiver_of, team_for_lane
from app.workflow.timers import note_timer

# Hot writes go straight to the tables on the request's connection (same transaction): every
# request of every case makes them, and the ORM's unit of work costs more than the SQL.
INSTANCES = table_of(ProcessInstance)
TASKS = table_of(HumanTask)
# Built once: constructing a statement costs more than running it on this path.
_STATE_COLUMNS = (
    "state", "serializer_version", "next_timer_at", "updated_at", "status", "completed_at", "end_event"
)
_SAVE = (
    update(INSTANCES)
    .where(INSTANCES.c.id == bindparam("p_id"), INSTANCES.c.version == bindparam("p_loaded"))
    .values(
        {column: bindparam(f"p_{column}") for column in _STATE_COLUMNS} | {"version": bindparam("p_version")}
    )
)
_PROJECTED = select(HumanTask.id, HumanTask.state).where(
    HumanTask.instance_id == bindparam("p_instance"),
    or_(HumanTask.state == TaskState.OPEN, HumanTask.id.in_(bindparam("p_ready", expanding=True))),
)
_ADD_TASKS = insert(TASKS)
_CHILD_NAME = (
    select(Child.last_name, Child.first_name)
    .join(Case, Case.child_id == Child.id)
    .where(Case.id == bindparam("p_case"))
)
_DUE_IDS = (
    select(ProcessInstance.id)
    .where(
        ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.INCIDENT]),
        ProcessInstance.next_timer_at <= bindparam("p_now"),
        ProcessInstance.id.not_in(bindparam("p_skip", expanding=True)),
    )
    .order_by(ProcessInstance.next_timer_at)
    .limit(bindparam("p_limit"))
)
_LOCK_IF_DUE = (
    select(ProcessInstance)
    .where(ProcessInstance.id == bindparam("p_id"), ProcessInstance.next_timer_at <= bindparam("p_now"))
    .with_for_update(of=ProcessInstance, skip_locked=True)
    .execution_options(populate_existing=True)
)


class InstanceMoved(Exception):
    """The instance row changed after this request loaded it; the request must roll back."""


class TaskAlreadyDone(Exception):
    """Someone else completed (or the process cancelled) the task first."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task {task_id} is no longer open")
        self.task_id = task_id


class InstanceSuspended(Exception):
    """A manager suspended the instance: none of its tasks may be completed until it resumes."""


class TaskHeldByOther(Exception):
    """Someone else claimed the task after this request read it; `holder_id` holds it now."""

    def __init__(self, task_id: str, holder_id: int | None) -> None:
        super().__init__(f"Task {task_id} is held by user {holder_id}")
        self.task_id, self.holder_id = task_id, holder_id


def now() -> datetime:
    return datetime.now(UTC)


def lock_instance(instance_id: int) -> ProcessInstance:
    """Load an instance, locking its row until the transaction ends."""
    instance = db.session.scalar(
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)
    )
    if instance is None:
        raise LookupError(f"No process instance {instance_id}")
    return instance


def _load(instance: ProcessInstance) -> RunningWorkflow:
    return get_engine().load(
        instance.state, get_library().diagram_for_version_id(instance.process_version_id)
    )


MAX_HAND_OFFS = 8  # a chain longer than this in one step is a loop between diagrams


def start_process(case: Case, process_id: str, data: dict[str, Any], actor: User | None) -> ProcessInstance:
    """Start the current version of a process on a case and project its first tasks."""
    return _start(case, current_version(process_id), data, actor)


def _start(
    case: Case,
    version: ProcessVersion,
    data: dict[str, Any],
    actor: User | None,
    started_by: ProcessInstance | None = None,
    message: str = "",
    depth: int = 0,
) -> ProcessInstance:
    running = get_engine().start(get_library().diagram_for(version), data)
    thrown = running.take_thrown_messages()
    values = _state_of(running, already_finished=False)
    instance = ProcessInstance(
        case=case, process_version=version, started_by=started_by, start_message=message, **values
    )
    finished = "status" in values
    db.session.add(instance)
    db.session.flush()
    if started_by is None:
        audit.record("process.started", actor, case=case, instance=instance, detail=version.name)
    else:
        audit.record(
            "process.handed_over",
            actor,
            case=case,
            instance=instance,
            detail=f"{started_by.process_version.name} to {version.name}",
            after={"message": message, "from_instance": started_by.id},
        )
    _after_step(instance, running, child_sort_name(case), actor, finished)
    _hand_off(instance, thrown, actor, depth)
    return instance


def _hand_off(sender: ProcessInstance, thrown: list[ThrownMessage], actor: User | None, depth: int) -> None:
    """Start, on the same case, the process each thrown message starts.

    Runs in the sender's transaction: if a receiver is missing or fails to start, the
    EngineError rolls back the sender's step too, so a case is never left half-moved.
    """
    for message in thrown:
        if depth >= MAX_HAND_OFFS:
            raise EngineError(f"The processes hand the case to each other in a loop (at '{message.name}')")
        version = receiver_of(message.name)
        if version is None:
            raise EngineError(
                f"'{sender.process_version.name}' hands the case on with the message '{message.name}', "
                "but no published process starts with it"
            )
        case = sender.case
        data = {**case_facts(case), **message.payload}
        _start(case, version, data, actor, started_by=sender, message=message.name, depth=depth + 1)


def complete_task(
    task: HumanTask,
    form_data: dict[str, Any],
    actor: User,
    locked: ProcessInstance | None = None,
    audited_as: User | None = None,
) -> ProcessInstance:
    """Complete an open human task with validated form data and move the case on.

    `locked` is the task's instance if the caller has locked it already (lock_instance).
    Raises TaskAlreadyDone when someone else got there first, InstanceSuspended when a manager
    suspended the instance, and EngineError when the diagram fails; in each case the caller must
    roll back. The saved workflow, not the task row, decides whether the task is still open: it
    is read under the row lock. `audited_as` records the completion as another's act (a manager
    retrying a failed submission on the practitioner's behalf); the task is still `actor`'s.
    """
    task_id, child_name = task.id, task.child_name
    instance = locked if locked is not None else lock_instance(task.instance_id)
    if instance.status == InstanceStatus.SUSPENDED:
        raise InstanceSuspended(instance.id)
    running = _load(instance)
    try:
        running.complete_task(task_id, form_data)
    except TaskNotReady as exc:
        raise TaskAlreadyDone(task_id) from exc
    thrown = running.take_thrown_messages()
    try:
        finished = _write(instance, running)
    except InstanceMoved as exc:
        raise TaskAlreadyDone(task_id) from exc
    _complete_row(task, actor, form_data)
    detail = task.name if audited_as is None else f"{task.name}, on behalf of {actor.name}"
    audit.record(
        "task.completed", audited_as or actor, task=task, instance=instance, after=form_data, detail=detail
    )
    _after_step(instance, running, child_name, actor, finished)
    _hand_off(instance, thrown, actor, 0)
    return instance


def due_instance_ids(now_: datetime, skip: set[int], limit: int) -> list[int]:
    """Ids of instances with a due timer, most overdue first (not locked: candidates only)."""
    return list(db.session.scalars(_DUE_IDS, {"p_now": now_, "p_skip": list(skip), "p_limit": limit}))


def lock_if_due(instance_id: int, now_: datetime) -> ProcessInstance | None:
    """Lock the instance if its timer is still due and no other transaction holds it (SKIP
    LOCKED lets scheduler threads and processes pass over each other's instances)."""
    return db.session.scalar(_LOCK_IF_DUE, {"p_id": instance_id, "p_now": now_})


def fire_timers(instance: ProcessInstance) -> bool:
    """Fire the locked instance's due timers, if it still has any; True if the workflow moved."""
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        return False
    if instance.next_timer_at is None or instance.next_timer_at > now():
        return False
    running = _load(instance)
    fired = running.fire_due_timers()
    thrown = running.take_thrown_messages()
    finished = _write(instance, running)
    if fired:
        audit.record("timer.fired", None, instance=instance)
    _after_step(instance, running, _child_sort_name_of(instance.case_id), None, finished)
    _hand_off(instance, thrown, None, 0)
    return fired


def case_facts(case: Case) -> dict[str, Any]:
    """What every process started on a case knows about it (a hand-off's payload adds to it)."""
    return {
        "case_reference": case.reference,
        "child_name": case.child.full_name,
        "referral_date": case.referral_date.isoformat(),
        "attendance_percent": None if case.attendance_percent is None else float(case.attendance_percent),
        "has_social_worker": case.child.has_social_worker,
        "looked_after": case.child.looked_after,
        "concern_reasons": case.concern_reasons,
    }


def child_sort_name(case: Case) -> str:
    return f"{case.child.last_name}, {case.child.first_name}"


def _child_sort_name_of(case_id: int) -> str:
    last, first = db.session.connection().execute(_CHILD_NAME, {"p_case": case_id}).one()
    return f"{last}, {first}"


def _state_of(running: RunningWorkflow, already_finished: bool) -> dict[str, Any]:
    """The instance row's columns for the workflow as it now stands."""
    values: dict[str, Any] = {
        "state": running.dump(),
        "serializer_version": SERIALIZER_VERSION,
        "next_timer_at": running.next_timer_due(),
        "updated_at": now(),
    }
    if running.is_completed() and not already_finished:
        values |= {
            "status": InstanceStatus.COMPLETED,
            "completed_at": values["updated_at"],
            "end_event": running.end_event_name(),
            "next_timer_at": None,
        }
    return values


def _write(instance: ProcessInstance, running: RunningWorkflow) -> bool:
    """Save the workflow onto its row with one UPDATE that checks and bumps `version`.

    Raises InstanceMoved (and the caller rolls back) if the row is no longer at the
    version this request loaded: another request moved the instance on first. A plain
    UPDATE rather than the unit of work, because every request of every case runs it.
    """
    before = instance.version
    values = _state_of(running, instance.status == InstanceStatus.COMPLETED)
    row = {column: values.get(column, getattr(instance, column)) for column in _STATE_COLUMNS}
    params = {f"p_{column}": value for column, value in row.items()}
    result = db.session.connection().execute(
        _SAVE, {**params, "p_id": instance.id, "p_loaded": before, "p_version": before + 1}
    )
    if result.rowcount != 1:
        raise InstanceMoved(instance.id)
    for column, value in {**row, "version": before + 1}.items():
        set_committed_value(instance, column, value)
    return "end_event" in values


_COMPLETE_ROW = update(TASKS).where(
    TASKS.c.id == bindparam("p_id"),
    TASKS.c.state == TaskState.OPEN,
    or_(TASKS.c.assignee_id.is_(None), TASKS.c.assignee_id == bindparam("p_actor")),
)


def _complete_row(task: HumanTask, actor: User, form_data: dict[str, Any]) -> None:
    """Mark the task row completed by `actor`, if it is still open and theirs or nobody's.

    The caller checked who held the task when it read it, but a claim commits without the
    instance lock; this one conditional UPDATE (the instance is locked, so it is taken after
    it, as the timer job does) refuses if someone claimed the task meanwhile.
    """
    values = {
        "state": TaskState.COMPLETED,
        "completed_at": now(),
        "completed_by_id": actor.id,
        "data": form_data,
        "assignee_id": actor.id,
    }
    done = db.session.connection().execute(_COMPLETE_ROW, {**values, "p_id": task.id, "p_actor": actor.id})
    if done.rowcount != 1:
        state, holder_id = db.session.execute(
            select(HumanTask.state, HumanTask.assignee_id).where(HumanTask.id == task.id)
        ).one()
        if state != TaskState.OPEN:
            raise TaskAlreadyDone(task.id)
        raise TaskHeldByOther(task.id, holder_id)
    for column, value in values.items():
        set_committed_value(task, column, value)


def _after_step(
    instance: ProcessInstance, running: RunningWorkflow, child_name: str, actor: User | None, finished: bool
) -> None:
    _project(instance, running, child_name)
    if finished:
        audit.record("process.completed", actor, instance=instance, detail=instance.end_event)
    note_timer(instance.id, instance.next_timer_at)


def _project(instance: ProcessInstance, running: RunningWorkflow, child_name: str) -> None:
    """Make the human_task rows of the instance match the engine's ready tasks.

    New tasks are written with one plain INSERT: nothing reads them back in this request.
    """
    ready = {t.id: t for t in running.ready_tasks()}
    found = db.session.connection().execute(_PROJECTED, {"p_instance": instance.id, "p_ready": list(ready)})
    rows: dict[str, TaskState] = {task_id: state for task_id, state in found}
    gone = [task_id for task_id, state in rows.items() if state == TaskState.OPEN and task_id not in ready]
    if gone:
        db.session.connection().execute(
            update(TASKS).where(TASKS.c.id.in_(gone)).values(state=TaskState.CANCELLED, completed_at=now())
        )
    reopened = [task_id for task_id, state in rows.items() if task_id in ready and state != TaskState.OPEN]
    if reopened:
        db.session.connection().execute(
            update(TASKS).where(TASKS.c.id.in_(reopened)).values(state=TaskState.OPEN)
        )
    new_ids = ready.keys() - rows.keys()
    if not new_ids:
        return
    created = now()
    db.session.connection().execute(
        _ADD_TASKS,
        [
            {
                "id": task_id,
                "instance_id": instance.id,
                "case_id": instance.case_id,
                "bpmn_id": ready[task_id].bpmn_id,
                "name": ready[task_id].name,
                "process_name": ready[task_id].process_name,
                "form_key": ready[task_id].form_key,
                "lane": ready[task_id].lane,
                "documentation": ready[task_id].documentation,
                "team_id": team_for_lane(ready[task_id].lane),
                "required_role": ready[task_id].role,
                "due_at": running.due_at(task_id),
                "child_name": child_name,
                "state": TaskState.OPEN,
                "created_at": created,
            }
            for task_id in sorted(new_ids)
        ],
    )
