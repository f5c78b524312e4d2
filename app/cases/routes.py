"""Refer a child; list and read cases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit
from app.access import me, signed_in
from app.cases import services
from app.cases.forms import ReferralForm, StartPathwayForm
from app.formkit.wtforms33 import SelectChoice
from app.oversight.suspension import may_suspend
from app.workflow import EngineError
from app.workflow.library import ProcessNotPublished

bp = Blueprint("cases", __name__, template_folder="templates")


@bp.route("/referrals/new", methods=["GET", "POST"])
@signed_in
def refer() -> Response | tuple[str, int]:
    offered = services.open_pathways()
    form = ReferralForm(asks_attendance={p.key for p in offered if p.asks_attendance})
    form.pathway.choices = [SelectChoice(p.key, p.label) for p in offered]
    page = {
        "form": form,
        "hints": [{"hint": {"text": p.hint}} for p in offered],  # merged into the radios in order
        "attendance_for": [p for p in offered if p.asks_attendance],
    }
    if not form.validate_on_submit():
        return render_template("cases/refer.html", **page), 400 if form.errors else 200
    chosen = services.pathway(form.pathway.data)
    try:
        case = services.refer_child(services.Referral.from_mapping(form.data), me(), chosen.process_id)
    except (ProcessNotPublished, EngineError) as exc:
        message = getattr(exc, "message", str(exc))
        return render_template("cases/refer.html", **page, problem=message), 500
    flash(f"Referral recorded. Case {case.reference} is now with {chosen.team}.")
    return redirect(url_for("cases.show", reference=case.reference))


@bp.get("/cases")
@signed_in
def index() -> str:
    cases = services.my_cases(me())
    audit.record_view("cases.listed", me(), [c.id for c in cases], page=request.full_path)
    return render_template("cases/index.html", cases=cases)


@bp.get("/cases/<reference>")
@signed_in
def show(reference: str) -> str:
    try:
        case = services.get_visible_case(reference, me())
    except services.CaseNotVisible:
        abort(404)
    view = services.case_view(case)
    offered = services.open_pathways()
    pathways = [(p.key, p.label) for p in offered]
    # Asked on this page only for a case referred without it, for the pathways that need it.
    ask_attendance = [p for p in offered if p.asks_attendance] if case.attendance_percent is None else []
    services.record_case_viewed(case, me(), request.full_path)
    return render_template(
        "cases/show.html",
        view=view,
        case=case,
        pathways=pathways,
        ask_attendance=ask_attendance,
        may_suspend=may_suspend(me(), case),
    )


@bp.post("/cases/<reference>/pathways")
@signed_in
def start_pathway(reference: str) -> Response:
    """Start another pathway on this case, from the case page."""
    try:
        case = services.get_visible_case(reference, me())
    except services.CaseNotVisible:
        abort(404)
    offered = {p.key: p for p in services.open_pathways()}
    form = StartPathwayForm()
    form.pathway.choices = [SelectChoice(key, p.label) for key, p in offered.items()]
    if not form.validate():
        flash(next(message for field in form for message in field.errors), "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    chosen = offered[form.pathway.data]
    try:
        services.start_pathway(case, chosen, me(), form.attendance_percent.data)
    except services.AttendanceNeeded:
        flash("Enter the child's attendance this school year to start that pathway", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    except services.PathwayAlreadyRunning:
        flash(f"This case is already on that pathway: {chosen.label}", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    except services.PathwayNotStarted as exc:
        flash(f"The pathway could not be started: {exc.message}. Nothing was saved.", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    flash(f"Started: {chosen.label}. The first task is in {chosen.team}'s queue.")
    return redirect(url_for("cases.show", reference=reference))
