"""Working a human task: find it, claim it, release it, assign it, and submit its form.

`submit_task` is the one way a task is completed, for the pages, the API and anything later:
check who may, validate the answers with the form of the task's own process version and its
named rules, work out the answers its calculations add, move the process on (hand-offs
included), keep what its effects record, and audit it, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from app import audit
from app.access import can_manage_task, can_see_case, can_work_task, holds_required_role
from app.extensions import db, table_of
from app.formkit.base import TaskForm, answers_from_json, plain
from app.formkit.builder import form_class
from app.models import HumanTask, Incident, InstanceStatus, TaskState, User
from app.pathways.registry import TaskContext
from app.pathways.run import apply_effects, calculate, check_answers
from app.transactions import Refusal
from app.workflow import EngineError, instances
from app.workflow.incidents import record_incident
from app.workflow.library import get_library


class Refused(Refusal):
    """Something asked of a task was refused. A refused submission carries the `task` and its
    `form` with the answers as typed, so the page can show them again."""

    task: HumanTask
    form: TaskForm


class NotAllowed(Refused):
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


class TaskNotOpen(Refused):
    """The task has been completed or cancelled; read it afresh to say by whom and when."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task {task_id} is no longer open")
        self.task_id = task_id


class ProcessSuspended(Refused):
    """A manager suspended the task's process: nothing of it moves until they resume it."""

    def __init__(self) -> None:
        super().__init__("This process is suspended")


class ReasonNeeded(NotAllowed):
    """A manager changing who holds someone else's task must say why (the trail keeps it)."""


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


def _require_running(task: HumanTask) -> None:
    if task.instance.status == InstanceStatus.SUSPENDED:
        raise ProcessSuspended()


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
        update(table_of(HumanTask))
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
    _require_running(task)
    _require_role(task, user)
    if not can_work_task(user, task):
        raise NotAllowed("This task is not in one of your team's queues")
    if task.assignee_id == user.id:
        return
    if task.assignee_id is not None:
        raise TaskTaken(_holder(task))
    _set_assignee(task, user.id, HumanTask.assignee_id.is_(None))
    audit.record("task.claimed", user, task=task, detail=task.name)


def reason_needed_to_release(task: HumanTask, user: User) -> bool:
    """A manager putting someone else's task back in the queue says why; the holder need not."""
    return task.assignee_id is not None and task.assignee_id != user.id


def reason_needed_to_assign(task: HumanTask, assignee_id: int | None, manager: User) -> bool:
    """A reason is needed unless a manager takes an unheld task (or their own) for themselves:
    when someone else holds it, or it goes to another person."""
    return task.assignee_id not in (None, manager.id) or assignee_id != manager.id


REASON_LIMIT = 2000


def _reason(reason: str, needed: bool, missing: str) -> str:
    reason = reason.strip()
    if needed and not reason:
        raise ReasonNeeded(missing)
    if len(reason) > REASON_LIMIT:
        raise ReasonNeeded(f"The reason must be {REASON_LIMIT:,} characters or fewer")
    return reason


def _named(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else None


def release_task(task: HumanTask, user: User, reason: str = "") -> None:
    """Put a task the user holds back in the team queue (managers may release anyone's, saying why).

    Releases only from the holder this request read: if the task changed hands meanwhile,
    raises TaskTaken naming the new holder; if it is already back in the queue, does nothing.
    """
    _require_open(task)
    if task.assignee_id != user.id and not can_manage_task(user, task):
        raise NotAllowed("Only the person holding this task or their manager can release it")
    if task.assignee_id is None:
        return
    missing = f"Enter why you are releasing {_named(task.assignee_id)}’s task"
    reason = _reason(reason, reason_needed_to_release(task, user), missing)
    before = _holding(task.assignee_id)
    try:
        _set_assignee(task, None, HumanTask.assignee_id == task.assignee_id)
    except TaskTaken as exc:
        if exc.holder is None:  # released by someone else a moment ago: already done
            return
        raise
    audit.record("task.released", user, task=task, before=before, after=_holding(None), detail=reason)


def assign_task(task: HumanTask, assignee: User, manager: User, reason: str = "") -> None:
    """A manager gives a task to a named member of the task's team, saying why when it takes the
    task from someone or gives it to another person (reason_needed_to_assign).

    The change applies only if the task is still held by whoever held it when this request
    read it (or still unassigned); otherwise raises TaskTaken, so the trail's `before` is true.
    """
    _require_open(task)
    if not can_manage_task(manager, task):
        raise NotAllowed("Only a manager of this task's team can assign it")
    _require_running(task)
    if task.team_id is not None and task.team_id not in assignee.team_ids:
        raise NotAllowed(f"{assignee.name} is not in the team this task belongs to")
    _require_role(task, assignee)
    needed = reason_needed_to_assign(task, assignee.id, manager)
    reason = _reason(reason, needed, "Enter why you are assigning it")
    before = _holding(task.assignee_id)
    _set_assignee(task, assignee.id, HumanTask.assignee_id.is_not_distinct_from(task.assignee_id))
    audit.record(
        "task.assigned", manager, task=task, before=before, after=_holding(assignee.id), detail=reason
    )


def _holding(user_id: int | None) -> dict[str, Any]:
    """Who holds a task, for the trail: the person's id (which the chronology reads) and name."""
    return {"assignee_id": user_id, "assignee": _named(user_id)}


class TaskNotFound(Refusal, LookupError):
    """No such task, or one the user may not see (the same answer, so ids cannot be probed)."""


class InvalidAnswers(Refused):
    """Some answers need correcting; the form's fields carry the messages."""

    def __str__(self) -> str:
        form = getattr(self, "form", None)
        errors = form.errors if form is not None else {}
        return "; ".join(f"{name}: {' '.join(map(str, messages))}" for name, messages in errors.items())


class EngineFailed(Refused):
    """The diagram failed on the way (a condition, script or timer); nothing of the step is kept.

    The caller rolls back and records the incident (app/oversight) in its own short transaction.
    """

    def __init__(self, message: str, answers: MultiDict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The answers as sent, kept on the incident so a manager can retry once the cause is fixed.
        sent = answers if answers is not None else MultiDict()
        self.answers = {key: sent.getlist(key) for key in sent if key != "csrf_token"} or None


def visible_task(task_id: str, user: User) -> HumanTask:
    """The task, if the user may see it: it is in their queues or on a case they may see."""
    task = find_task(task_id)
    if task is None or not (can_work_task(user, task) or can_see_case(user, task.case)):
        raise TaskNotFound(task_id)
    return task


def task_form(task: HumanTask, answers: Any = None, *, csrf: bool = True) -> TaskForm:
    """The task's form as its process version defines it: blank (`answers` None), or holding the
    answers sent (a page's form data; for the API, the JSON's answers with `csrf` False)."""
    bundle = get_library().forms_for_version_id(task.instance.process_version_id)
    cls = form_class(bundle, task.form_key)
    meta = None if csrf else {"csrf": False}
    if answers is None:
        return cls(formdata=None, meta=meta)
    return cls(formdata=answers, meta=meta)


def _context(task: HumanTask, user: User, answers: dict[str, Any]) -> TaskContext:
    bundle = get_library().forms_for_version_id(task.instance.process_version_id)
    return TaskContext(task, user, date.today(), answers, bundle)


def _may_complete(task: HumanTask, user: User) -> None:
    """Whether the user may complete the task; whether its process is suspended is asked once the
    instance is locked (submit_task), which reads the instance row anyway."""
    _require_open(task)
    _require_role(task, user)
    if not can_work_task(user, task):
        raise NotAllowed("This task is not in one of your team's queues")
    if task.assignee_id not in (None, user.id):
        raise NotAllowed(
            f"This task is assigned to {task.assignee.name if task.assignee else 'someone else'}"
        )


def submit_task(
    task_id: str,
    answers: MultiDict[str, str],
    user: User,
    *,
    csrf: bool = True,
    audited_as: User | None = None,
) -> HumanTask:
    """Complete a task with the answers sent, the way every page and API call does.

    Raises TaskNotFound (no such task for this user), TaskNotOpen (someone completed it
    first), ProcessSuspended (a manager paused the process), NotAllowed or TaskTaken (not this
    user's to do), InvalidAnswers (something to correct) or EngineFailed (the diagram failed).
    `audited_as` records the completion as another's act (a manager's retry of a failed
    submission). Each Refused carries the task and the form as typed. Nothing of a refused
    submission is left in the session's transaction but what the caller then decides: it must
    roll back.
    """
    task = visible_task(task_id, user)
    form: TaskForm | None = None
    try:
        _may_complete(task, user)
        # Locked first, so the steps below read the instance (and its version) without a query.
        instance = instances.lock_instance(task.instance_id)
        _require_running(task)
        form = task_form(task, answers, csrf=csrf)
        typed = {field.name: field.data for field in form.data_fields()}
        ctx = _context(task, user, typed)
        if not check_answers(form, ctx):
            raise InvalidAnswers()
        info = _task_info(task)
        data = form.to_task_data()
        data.update({key: plain(value) for key, value in calculate(info.calculations, ctx).items()})
        try:
            instances.complete_task(task, data, user, instance, audited_as)
        except instances.InstanceSuspended:
            raise ProcessSuspended() from None
        except instances.TaskHeldByOther as exc:
            raise TaskTaken(
                db.session.get(User, exc.holder_id) if exc.holder_id is not None else None
            ) from None
        except instances.TaskAlreadyDone as exc:
            raise TaskNotOpen(exc.task_id) from None
        except EngineError as exc:
            raise EngineFailed(exc.message, answers) from None
        try:
            apply_effects(info.effects, replace(ctx, answers=data))
        except Refused:
            raise
        except Refusal as refused:  # a record the effect must not keep (the ledger's 2-in-3-years)
            raise NotAllowed(str(refused)) from None
    except Refused as refused:
        refused.task, refused.form = task, form or task_form(task, answers, csrf=csrf)
        raise
    return task


def complete_task(task: HumanTask, data: Mapping[str, Any], user: User) -> HumanTask:
    """`submit_task` for callers holding the answers as data, as the API's JSON sends them (the
    demo loader, tests): the same checks, rules, calculations and effects."""
    return submit_task(task.id, answers_from_json(dict(data)), user, csrf=False)


def record_engine_failure(failed: EngineFailed, user: User) -> Incident:
    """The incident for a submission the diagram failed. The edge records it after throwing the
    submission away, in a transaction of its own (app/transactions.py in_own_transaction)."""
    task = failed.task
    return record_incident(task.instance_id, failed.message, user, task.id, task.name, failed.answers)


def _task_info(task: HumanTask) -> Any:
    diagram = get_library().diagram_for_version_id(task.instance.process_version_id)
    return next(info for info in diagram.user_tasks if info.bpmn_id == task.bpmn_id)


def assignable_users(task: HumanTask) -> list[User]:
    """People a manager may assign this task to: the active members of its team."""
    if task.team is None:
        return []
    return sorted(
        (u for u in task.team.members if u.active and holds_required_role(u, task)), key=lambda u: u.name
    )
