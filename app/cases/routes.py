"""Refer a child; list and read cases."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

import forms
from app import audit
from app.access import me, signed_in
from app.cases import services
from app.cases.forms import ReferralForm
from app.workflow import EngineError
from app.workflow.library import ProcessNotPublished

bp = Blueprint("cases", __name__, template_folder="templates")


@bp.route("/referrals/new", methods=["GET", "POST"])
@signed_in
def refer() -> Response | tuple[str, int]:
    form = ReferralForm()
    offered = services.open_pathways()
    form.pathway.choices = [(p.key, p.label) for p in offered]
    hints = [{"hint": {"text": p.hint}} for p in offered]  # merged into the radios in order
    if not form.validate_on_submit():
        return render_template("cases/refer.html", form=form, hints=hints), 400 if form.errors else 200
    chosen = services.pathway(form.pathway.data)
    try:
        case = services.refer_child(services.Referral.from_mapping(form.data), me(), chosen.process_id)
    except (ProcessNotPublished, EngineError) as exc:
        message = getattr(exc, "message", str(exc))
        return render_template("cases/refer.html", form=form, hints=hints, problem=message), 500
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
    pathways = [(p.key, p.label) for p in services.open_pathways()]
    services.record_case_viewed(case, me(), request.full_path)
    return render_template("cases/show.html", view=view, case=case, forms=forms.FORMS, pathways=pathways)


@bp.post("/cases/<reference>/pathways")
@signed_in
def start_pathway(reference: str) -> Response:
    """Start another pathway on this case, from the case page."""
    try:
        case = services.get_visible_case(reference, me())
    except services.CaseNotVisible:
        abort(404)
    offered = {p.key: p for p in services.open_pathways()}
    chosen = offered.get(request.form.get("pathway", ""))
    if chosen is None:
        flash("Select the pathway to start", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    try:
        services.start_pathway(case, chosen, me())
    except services.PathwayAlreadyRunning:
        flash(f"This case is already on that pathway: {chosen.label}", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    except EngineError as exc:
        flash(f"The pathway could not be started: {exc.message}. Nothing was saved.", "error")
        return redirect(url_for("cases.show", reference=reference) + "#start-pathway")
    flash(f"Started: {chosen.label}. The first task is in {chosen.team}'s queue.")
    return redirect(url_for("cases.show", reference=reference))
