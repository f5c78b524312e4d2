"""The worklist: my tasks and my team's tasks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, current_app, render_template, request

from app import audit, inputs
from app.access import me, signed_in
from app.worklist import queries

bp = Blueprint("worklist", __name__, template_folder="templates")


@bp.get("/worklist")
@signed_in
def index() -> str:
    user = me()
    f = queries.WorklistFilter(
        view=inputs.one_of(request.args.get("view"), {"mine", "team"}, "mine"),
        team_id=inputs.whole_number(request.args.get("team")),
        process=request.args.get("process", ""),
        unassigned_only=request.args.get("unassigned") == "1",
        sort=inputs.one_of(request.args.get("sort"), queries.SORTS, "due"),
        page=inputs.page_number(request.args.get("page")),
        page_size=current_app.extensions["settings"].worklist_page_size,
    )
    page = queries.worklist(user, f)
    if page.page > page.pages:  # past the end (an old link, a typed number): the last page
        f = replace(f, page=page.pages)
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
