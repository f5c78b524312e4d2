"""A task page: guidance from the diagram, the form, claim / release / assign, submit."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit, inputs
from app.access import can_manage_task, can_work_task, me, signed_in
from app.auth.services import get_user
from app.formkit.base import TaskForm
from app.inputs import safe_next
from app.models import HumanTask, InstanceStatus, TaskState
from app.tasks import services
from app.transactions import in_own_transaction, start_afresh

bp = Blueprint("tasks", __name__, template_folder="templates")


def _visible_task(task_id: str) -> HumanTask:
    try:
        return services.visible_task(task_id, me())
    except services.TaskNotFound:
        abort(404)


def _render(task: HumanTask, form: TaskForm, status: int = 200, **extra: object) -> tuple[str, int]:
    user = me()
    suspended = task.instance.status == InstanceStatus.SUSPENDED
    return (
        render_template(
            "tasks/task.html",
            task=task,
            form=form,
            suspended=suspended,
            can_work=task.state == TaskState.OPEN
            and not suspended
            and can_work_task(user, task)
            and task.assignee_id in (None, user.id),
            can_manage=can_manage_task(user, task),
            assignable=services.assignable_users(task) if can_manage_task(user, task) else [],
            release_needs_reason=services.reason_needed_to_release(task, user),
            **({"typed": {}} | extra),
        ),
        status,
    )


@bp.get("/tasks/<task_id>")
@signed_in
def show(task_id: str) -> tuple[str, int]:
    task = _visible_task(task_id)
    audit.record_view("task.viewed", me(), [task.case_id], page=request.full_path, task=task)
    return _render(task, services.task_form(task))


@bp.post("/tasks/<task_id>")
@signed_in
def submit(task_id: str) -> Response | tuple[str, int]:
    try:
        task = services.submit_task(task_id, request.form, me())
    except services.TaskNotFound:
        abort(404)
    except services.InvalidAnswers as refused:
        return _render(refused.task, refused.form, 400)
    except services.TaskNotOpen as refused:
        start_afresh()  # to show the task as whoever completed it left it
        return _render(services.get_task(task_id), refused.form, 409, conflict=True)
    except services.ProcessSuspended as refused:
        return _render(refused.task, refused.form, 409, refused=str(refused), kept_answers=True)
    except services.NotAllowed as refused:
        return _render(refused.task, refused.form, 403, refused=str(refused))
    except services.EngineFailed as failed:
        in_own_transaction(partial(services.record_engine_failure, failed, me()))
        return _render(services.get_task(task_id), failed.form, 500, engine_error=failed.message)
    flash(f"‘{task.name}’ is complete")
    return redirect(url_for("cases.show", reference=task.case.reference))


@bp.post("/tasks/<task_id>/claim")
@signed_in
def claim(task_id: str) -> Response | tuple[str, int]:
    task = _visible_task(task_id)
    try:
        services.claim_task(task, me())
    except (services.NotAllowed, services.TaskNotOpen, services.ProcessSuspended) as exc:
        return _refused(task, exc)
    flash("You have claimed this task")
    return redirect(url_for("tasks.show", task_id=task.id))


@bp.post("/tasks/<task_id>/release")
@signed_in
def release(task_id: str) -> Response | tuple[str, int]:
    task = _visible_task(task_id)
    reason = request.form.get("release_reason") or ""
    try:
        services.release_task(task, me(), reason)
    except services.ReasonNeeded as exc:
        return _refused(task, exc, typed={"release_reason": reason}, field="release_reason")
    except (services.NotAllowed, services.TaskNotOpen) as exc:
        return _refused(task, exc, typed={"release_reason": reason})
    flash("The task is back in the team's queue")
    return redirect(safe_next(request.form.get("next"), url_for("worklist.index", view="team")))


@bp.post("/tasks/<task_id>/assign")
@signed_in
def assign(task_id: str) -> Response | tuple[str, int]:
    task = _visible_task(task_id)
    typed = {"assignee_id": request.form.get("assignee_id") or "", "reason": request.form.get("reason") or ""}
    try:
        assignee = get_user(inputs.whole_number(typed["assignee_id"], 0) or 0)
    except (LookupError, ValueError):
        refused = services.NotAllowed("Select a person to assign the task to")
        return _refused(task, refused, typed=typed, field="assignee_id")
    try:
        services.assign_task(task, assignee, me(), typed["reason"])
    except services.ReasonNeeded as exc:
        return _refused(task, exc, typed=typed, field="reason")
    except (services.NotAllowed, services.TaskNotOpen, services.ProcessSuspended) as exc:
        return _refused(task, exc, typed=typed)
    flash(f"Assigned to {assignee.name}")
    return redirect(url_for("tasks.show", task_id=task.id))


def _refused(
    task: HumanTask, exc: Exception, typed: dict[str, str] | None = None, field: str = ""
) -> tuple[str, int]:
    """The task as it now stands, with why this request changed nothing and what was typed: 409
    when someone else changed the task first (completed it, holds it, suspended its process),
    400 when a choice or a reason is missing, 403 when the user may not."""
    start_afresh()  # to show the task as it now stands
    fresh = services.get_task(task.id)
    message = "This task is no longer open" if isinstance(exc, services.TaskNotOpen) else str(exc)
    conflict = isinstance(exc, services.TaskNotOpen | services.TaskTaken | services.ProcessSuspended)
    status = 409 if conflict else 400 if isinstance(exc, services.ReasonNeeded) else 403
    form = services.task_form(fresh)
    return _render(fresh, form, status, refused=message, typed=typed or {}, field_error=field)
