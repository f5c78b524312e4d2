"""A child's penalty-notice history, per parent: amounts, due dates, status and the 3-year count."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from app import audit
from app.access import me, signed_in
from app.cases import services as cases
from app.legal import queries
from app.pathways.legal import framework

bp = Blueprint("legal", __name__, template_folder="templates")


@bp.get("/cases/<reference>/penalty-notices")
@signed_in
def penalty_notices(reference: str) -> str:
    try:
        case = cases.get_visible_case(reference, me())
    except cases.CaseNotVisible:
        abort(404)
    today = date.today()
    parents = queries.history(case.child, today)
    # The history is the child's, across cases: a notice from another case shows that case too.
    shown = [case.id, *(n.case_id for p in parents for n in p.notices)]
    audit.record_view("penalty_notices.viewed", me(), shown, page=request.full_path, case=case)
    return render_template(
        "legal/penalty_notices.html",
        case=case,
        parents=parents,
        today=today,
        amount_now=queries.amount_now,
        due_dates=queries.due_dates,
        limit=framework.MAX_IN_WINDOW,
        long_date=framework.long_date,
    )
