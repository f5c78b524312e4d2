"""JSON API for integrations, at /api/v1/. Bearer tokens (see app/api/auth.py); the same access
rules as the pages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, request

from app import audit, inputs
from app.access import me, process_owners, public, signed_in
from app.api.auth import authenticate_api_call
from app.api.errors import json_error
from app.cases import services as cases
from app.extensions import csrf
from app.formkit.base import answers_from_json
from app.models import HumanTask
from app.processes import checks as process_checks
from app.processes import publishing
from app.processes.checks import Bundle, Checked
from app.tasks import services as tasks
from app.transactions import in_own_transaction, start_afresh
from app.worklist import queries

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
    try:
        return tasks.visible_task(task_id, me())
    except tasks.TaskNotFound:
        abort(404)


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
    except tasks.ProcessSuspended as exc:
        return json_error(409, "suspended", str(exc), task=task_json(task))
    except tasks.NotAllowed as exc:
        return json_error(403, "forbidden", str(exc))
    except tasks.TaskNotOpen:
        return _conflict(task_id)
    return jsonify(task_json(task))


@bp.post("/tasks/<task_id>/complete")
@signed_in
def complete(task_id: str) -> Any:
    if not request.is_json:
        return json_error(415, "unsupported_media_type", "Send the form's fields as JSON (application/json)")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, "bad_request", "Send the form's fields as a JSON object")
    try:
        task = tasks.submit_task(task_id, answers_from_json(payload), me(), csrf=False)
    except tasks.TaskNotFound:
        abort(404)
    except tasks.InvalidAnswers as refused:
        return json_error(422, "invalid", "Some answers need correcting", fields=refused.form.errors)
    except tasks.TaskNotOpen:
        return _conflict(task_id)
    except tasks.ProcessSuspended as exc:
        return json_error(409, "suspended", str(exc), task=task_json(exc.task))
    except tasks.NotAllowed as exc:
        return json_error(403, "forbidden", str(exc))
    except tasks.EngineFailed as failed:
        in_own_transaction(partial(tasks.record_engine_failure, failed, me()))
        return json_error(
            500, "engine_error", "The case could not move on; nothing was saved", detail=failed.message
        )
    return jsonify(task_json(task))


def _conflict(task_id: str) -> tuple[Any, int]:
    start_afresh()  # to answer with the task as whoever got there first left it
    fresh = tasks.get_task(task_id)
    return json_error(409, "conflict", "This task is no longer open", task=task_json(fresh))


def _bundle_from_json() -> Bundle | tuple[Any, int]:
    if not request.is_json:
        return json_error(415, "unsupported_media_type", "Send the diagram as JSON (application/json)")
    body = request.get_json(silent=True)
    texts = {key: body.get(key, "") if isinstance(body, dict) else None for key in BUNDLE_KEYS}
    if not isinstance(body, dict) or not all(isinstance(t, str) for t in texts.values()):
        return json_error(
            400, "bad_request", "Send an object with bpmn_xml (and dmn_xml, forms_json) as text"
        )
    filename = body.get("filename") if isinstance(body.get("filename"), str) else "diagram.bpmn"
    return Bundle(
        (filename or "diagram.bpmn")[-200:],
        str(texts["bpmn_xml"]).encode("utf-8"),
        str(texts["dmn_xml"]).encode("utf-8"),
        str(texts["forms_json"]),
    )


BUNDLE_KEYS = ("bpmn_xml", "dmn_xml", "forms_json")


def _checked_json(checked: Checked) -> dict[str, Any]:
    return {
        "process_id": checked.process_id,
        "publishable": checked.publishable,
        "problems": [p.as_json() for p in checked.problems],
    }


@bp.post("/processes/check")
@process_owners
def check_process() -> Any:
    """Check a diagram bundle as publishing would; nothing is saved but the audit event."""
    bundle = _bundle_from_json()
    if not isinstance(bundle, Bundle):
        return bundle
    checked = process_checks.check(bundle)
    audit.record(
        "process.checked",
        me(),
        detail=f"{checked.process_id or bundle.filename}: {len(checked.errors)} errors through the API",
    )
    return jsonify(_checked_json(checked))


@bp.post("/processes/publish")
@process_owners
def publish_process() -> Any:
    """Check and publish a bundle as its process's next version; `note` (what changed) is required."""
    bundle = _bundle_from_json()
    if not isinstance(bundle, Bundle):
        return bundle
    body = request.get_json(silent=True)
    given = body.get("note") if isinstance(body, dict) else None
    note = given if isinstance(given, str) else ""
    checked = process_checks.check(bundle)
    try:
        published = publishing.publish(checked, me(), note)
    except publishing.PublishRefused as refused:
        problems = [p.as_json() for p in refused.problems]
        return json_error(422, "refused", "The diagram was not published", problems=problems)
    version = published.version
    return jsonify(process_id=version.process_id, version=version.number, restored=published.restored), 201
