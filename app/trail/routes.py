"""The audit trail for managers and administrators: search it, and export a child's record."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from app import audit
from app.access import me, roles
from app.audit import ACTION_LABELS, VIEW_ACTIONS, action_label
from app.models import Role
from app.trail import export, search
from app.trail.filters import Problem, read_filter

bp = Blueprint("trail", __name__, template_folder="templates")
managers = roles(Role.MANAGER, Role.ADMIN)
REFERENCE_LIMIT = 200


@bp.get("/audit", endpoint="search")
@managers
def search_trail() -> str:
    wanted = read_filter(request.args)
    problems = list(wanted.problems)
    if wanted.email and search.find_person_by_email(wanted.email) is None:
        problems.append(Problem("email", "No one has that email address: check it, or choose the person"))
    page = search.search(wanted, me())
    shown = [row.case.id for row in page.rows if row.case is not None]
    audit.record_view("audit.searched", me(), shown, page=request.full_path)
    return render_template(
        "trail/search.html",
        wanted=wanted,
        problems=problems,
        page=page,
        people=search.people(),
        view_actions=sorted(VIEW_ACTIONS, key=action_label),
        change_actions=sorted((a for a in ACTION_LABELS if a not in VIEW_ACTIONS), key=action_label),
        window=search.WINDOW,
    )


@bp.route("/cases/<reference>/subject-access", methods=["GET", "POST"])
@managers
def subject_access(reference: str) -> Response | str | tuple[str, int]:
    """What a subject access export holds (GET), and the file itself (POST)."""
    case = export.find_visible_case(reference, me())
    if case is None:  # no such case, or one this manager may not see: the same answer
        abort(404)
    cases, hidden = export.cases_of_child(case, me())
    page = {"case": case, "cases": cases, "hidden": hidden}
    if request.method == "GET":
        audit.record_view(
            "case.subject_access_viewed", me(), [c.id for c in cases], page=request.full_path, case=case
        )
        return render_template("trail/subject_access.html", **page, reference_given="")
    given = (request.form.get("request_reference") or "").strip()
    if len(given) > REFERENCE_LIMIT:
        problem = Problem(
            "request_reference", f"The request reference must be {REFERENCE_LIMIT} characters or fewer"
        )
        return render_template(
            "trail/subject_access.html", **page, reference_given=given, problem=problem
        ), 400
    made = export.subject_access_file(case, me(), given)
    audit.record(
        "case.subject_access_exported",
        me(),
        case=case,
        after={"cases": [c.reference for c in cases], "events": made.events, "request_reference": given},
        detail=f"Subject access export for {case.child.full_name}" + (f" (request {given})" if given else ""),
    )
    return Response(
        made.body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{made.filename}"',
            "Cache-Control": "no-store",
        },
    )
