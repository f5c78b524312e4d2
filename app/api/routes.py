"""JSON API for integrations, at /api/v1/. Bearer tokens (see app/api/auth.py); the same access
rules as the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, request
from werkzeug.datastructures import MultiDict

import forms
from app import audit, inputs
from app.access import can_see_case, can_work_task, me, public, signed_in
from app.api.auth import authenticate_api_call
from app.api.errors import json_error
from app.cases import services as cases
from app.extensions import csrf
from app.models import HumanTask
from app.oversight.services import record_failure_after_rollback
from app.tasks import services as tasks
from app.workflow import EngineError
from app.worklist import queries
from forms.base import json_answers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The page-wide CSRF check would refuse bearer-token calls; authenticate_api_call applies
# it to cookie-authenticated changes instead.
csrf.exempt(bp)
bp.before_request(authenticate_api_call)
OPENAPI = Path(__file__).with_name("openapi.json")


def task_json(task: HumanTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "process": task.process_name,
        "case_reference": task.case.reference,
        "child_name": task.case.child.full_name,
        "team": task.team.name if task.team else None,
        "lane": task.lane,
        "form_key": task.form_key,
        "state": task.state.value,
        "assignee": task.assignee.email if task.assignee else None,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "created_at": task.created_at.isoformat(),
        "completed_at": task.completed_at.isoformat() if task.completed_at else None,
        "completed_by": task.completed_by.email if task.completed_by else None,
    }


def _visible_task(task_id: str) -> HumanTask:
    task = tasks.find_task(task_id)
    if task is None or not (can_work_task(me(), task) or can_see_case(me(), task.case)):
        abort(404)
    return task


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    return OPENAPI.read_text(), 200, {"Content-Type": "application/json"}


@bp.get("/tasks")
@signed_in
def my_tasks() -> Any:
    view = "team" if request.args.get("view") == "team" else "mine"
    try:
        page_no = inputs.page_number(request.args.get("page"), strict=True)
    except ValueError:
        return json_error(400, "bad_request", "page must be a whole number")
    page = queries.worklist(me(), queries.WorklistFilter(view=view, page=page_no, page_size=100))
    audit.record_view("api.read", me(), [t.case_id for t in page.tasks], page=request.full_path)
    return jsonify(
        tasks=[task_json(t) for t in page.tasks], total=page.total, page=page.page, pages=page.pages
    )


@bp.get("/cases/<reference>")
@signed_in
def case(reference: str) -> Any:
    try:
        found = cases.get_visible_case(reference, me())
    except cases.CaseNotVisible:
        abort(404)
    audit.record_view("api.read", me(), [found.id], page=request.full_path, case=found)
    view = cases.case_view(found)
    child = found.child
    return jsonify(
        reference=found.reference,
        child={
            "name": child.full_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "school": child.school,
            "year_group": child.year_group,
        },
        attendance_percent=None if found.attendance_percent is None else float(found.attendance_percent),
        referral_date=found.referral_date.isoformat(),
        tasks=[task_json(t) for t in view.open_tasks + view.completed_tasks],
        processes=[
            {
                "name": i.process_version.name,
                "version": i.process_version.number,
                "status": i.status.value,
                "outcome": i.end_event or None,
                "started_at": i.started_at.isoformat(),
            }
            for i in view.instances
        ],
    )


@bp.post("/tasks/<task_id>/claim")
@signed_in
def claim(task_id: str) -> Any:
    task = _visible_task(task_id)
    try:
        tasks.claim_task(task, me())
    except tasks.NotAllowed as exc:
        return json_error(403, "forbidden", str(exc))
    except tasks.TaskNotOpen:
        return _conflict(task_id)
    return jsonify(task_json(task))


@bp.post("/tasks/<task_id>/complete")
@signed_in
def complete(task_id: str) -> Any:
    task = _visible_task(task_id)
    if not request.is_json:
        return json_error(415, "unsupported_media_type", "Send the form's fields as JSON (application/json)")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, "bad_request", "Send the form's fields as a JSON object")
    form = forms.get_form_class(task.form_key)(formdata=_formdata(payload), meta={"csrf": False})
    if not form.validate():
        return json_error(422, "invalid", "Some answers need correcting", fields=form.errors)
    try:
        tasks.complete_task(task, form.to_task_data(), me())
    except tasks.NotAllowed as exc:
        return json_error(403, "forbidden", str(exc))
    except tasks.TaskNotOpen:
        return _conflict(task_id)
    except EngineError as exc:
        record_failure_after_rollback(task.instance_id, exc.message, me(), task_id, task.name)
        return json_error(
            500, "engine_error", "The case could not move on; nothing was saved", detail=exc.message
        )
    return jsonify(task_json(task))


def _formdata(payload: dict[str, Any]) -> MultiDict[str, str]:
    """JSON values as the page posts them (json_answers), with ISO dates as the date widgets
    read them ('2026-11-23' becomes '23 11 2026'). BadRequest for objects as answers."""
    return MultiDict((name, _date_as_typed(value)) for name, value in json_answers(payload).items(multi=True))


def _date_as_typed(value: str) -> str:
    """An ISO date (2026-11-23) becomes the day-month-year the date widgets read."""
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return f"{int(parts[2])} {int(parts[1])} {parts[0]}"
    return value


def _conflict(task_id: str) -> tuple[Any, int]:
    fresh = tasks.reload_after_conflict(task_id)
    return json_error(409, "conflict", "This task is no longer open", task=task_json(fresh))
