"""The worklist: my tasks and my team's tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, render_template, request

from app import audit
from app.access import me, signed_in
from app.worklist import queries

bp = Blueprint("worklist", __name__, template_folder="templates")


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@bp.get("/worklist")
@signed_in
def index() -> str:
    user = me()
    view = request.args.get("view", "mine")
    f = queries.WorklistFilter(
        view="team" if view == "team" else "mine",
        team_id=_int(request.args.get("team"), None),
        process=request.args.get("process", ""),
        unassigned_only=request.args.get("unassigned") == "1",
        sort=request.args.get("sort", "due") if request.args.get("sort") in queries.SORTS else "due",
        page=_int(request.args.get("page"), 1) or 1,
        page_size=current_app.extensions["settings"].worklist_page_size,
    )
    page = queries.worklist(user, f)
    teams, processes = queries.user_teams(user), queries.process_names()
    audit.record_view("worklist.viewed", user, [t.case_id for t in page.tasks], page=request.full_path)
    return render_template(
        "worklist/index.html",
        page=page,
        f=f,
        teams=teams,
        processes=processes,
        now=datetime.now(UTC),
        age=queries.task_age_days,
    )
