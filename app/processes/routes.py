"""The process library pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for

from app.access import signed_in
from app.processes import queries
from app.processes.files import download
from app.processes.hand_offs import decision_tables, hand_offs

bp = Blueprint("processes", __name__, template_folder="templates")


@bp.get("/processes")
@signed_in
def index() -> str:
    entries = queries.current_versions()
    return render_template(
        "processes/index.html",
        entries=entries,
        hand_offs=hand_offs([e.version for e in entries]),
    )


@bp.get("/processes/<process_id>")
@signed_in
def show(process_id: str) -> str:
    version = queries.find_version(process_id)
    if version is None:
        abort(404)
    return render_template(
        "processes/show.html",
        version=version,
        explanation=queries.explanation_of(version.content_hash, version.bpmn_xml),
        versions=queries.versions_of(process_id),
        diagram_url=url_for("processes.diagram", process_id=process_id, number=version.number),
        tables_url=url_for("processes.decision_tables_file", process_id=process_id, number=version.number)
        if version.dmn_xml.strip()
        else None,
        links=hand_offs(queries.current_version_rows()).get(process_id),  # no diagram text needed
        tables=decision_tables(version.content_hash, version.dmn_xml),
    )


@bp.get("/processes/<process_id>/v<int:number>.bpmn")
@signed_in
def diagram(process_id: str, number: int) -> Response:
    """The diagram file (bpmn-js on our pages fetches it too)."""
    version = queries.find_version(process_id, number)
    if version is None:
        abort(404)
    return download(version.bpmn_xml, f"{process_id}-v{number}.bpmn")


@bp.get("/processes/<process_id>/v<int:number>.dmn")
@signed_in
def decision_tables_file(process_id: str, number: int) -> Response:
    version = queries.find_version(process_id, number)
    if version is None or not version.dmn_xml.strip():
        abort(404)
    return download(version.dmn_xml, f"{process_id}-v{number}.dmn")
