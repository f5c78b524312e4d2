"""Refer a child; list and read cases."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit
from app.access import me, signed_in
from app.cases import exports, listing, search, services
from app.cases.forms import ReferralForm, StartPathwayForm
from app.formkit.wtforms33 import SelectChoice
from app.lists import downloads, pages, saved
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
def index() -> Response | str:
    """The case list: searched, filtered, sorted, a page at a time; or, with format=csv, all of it."""
    chosen, choices, messages = search.read_filters(request.args, me())
    if request.args.get("format") == "csv":
        return _download(chosen)
    page = listing.case_page(me(), chosen)
    views = saved.saved_views(me(), "cases")
    audit.record_view("cases.listed", me(), [r.case.id for r in page.rows], page=request.full_path)
    return render_template(
        "cases/index.html", f=chosen, choices=choices, messages=messages, page=page, saved_views=views
    )


def _download(chosen: search.CaseFilters) -> Response:
    total = listing.count(me(), chosen, downloads.MAX_ROWS + 1)
    if total > downloads.MAX_ROWS:
        flash(downloads.too_many_message("cases"), "error")
        return redirect(pages.with_query(url_for("cases.index"), chosen.query_string()))
    ids = listing.all_ids(me(), chosen, downloads.MAX_ROWS)
    audit.record_view("cases.exported", me(), ids, page=request.full_path)
    return downloads.csv_response(exports.case_csv(ids), downloads.filename("cases", date.today()))


@bp.post("/cases/saved-views")
@signed_in
def save_view() -> Response | tuple[str, int]:
    """Save the list's current filters under a name (only the filters as the list reads them)."""
    chosen, _, _ = search.read_filters(pages.posted_query(request.form.get("query", "")), me())
    return pages.save_view(
        "cases",
        request.form.get("name", ""),
        chosen.query_string(),
        url_for("cases.index"),
        url_for("cases.save_view"),
    )


@bp.post("/cases/saved-views/<int:view_id>/delete")
@signed_in
def delete_view(view_id: int) -> Response:
    return pages.delete_view("cases", view_id, request.form.get("next"), url_for("cases.index"))


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
