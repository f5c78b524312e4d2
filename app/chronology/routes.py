"""A case's chronology page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from app.access import me, signed_in
from app.cases.services import CaseNotVisible, get_visible_case
from app.chronology import services
from app.chronology.entries import KINDS

bp = Blueprint("chronology", __name__, template_folder="templates")


@bp.get("/cases/<reference>/chronology")
@signed_in
def show(reference: str) -> str:
    """Everything done on the case across its processes, newest first unless asked otherwise;
    `kind` (repeated) keeps only those kinds, `order=oldest` turns it round."""
    try:
        case = get_visible_case(reference, me())
    except CaseNotVisible:
        abort(404)
    kinds, newest_first = services.read_filter(request.args.getlist("kind"), request.args.get("order"))
    chronology = services.case_chronology(case, kinds, newest_first)
    services.record_chronology_viewed(case, me(), request.full_path)
    return render_template("chronology/show.html", case=case, chronology=chronology, kinds=KINDS)
