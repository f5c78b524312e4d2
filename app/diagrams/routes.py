"""The diagram pages: a case's process instance on its diagram, and where a process's cases are."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from app.access import me, roles, signed_in
from app.diagrams import services
from app.models import Role

bp = Blueprint("diagrams", __name__, template_folder="templates")


@bp.get("/cases/<reference>/processes/<int:instance_id>")
@signed_in
def instance(reference: str, instance_id: int) -> str:
    """One process of a case on its own version's diagram: what is done, who holds what now,
    which deadlines wait, and the path it took."""
    try:
        case = services.visible_case(reference, me())
        found = services.instance_of_case(case, instance_id)
    except services.NotFound:
        abort(404)
    view = services.instance_diagram(case, found)
    version = found.process_version
    services.record_instance_viewed(view, me(), request.full_path)
    return render_template(
        "diagrams/instance.html",
        view=view,
        diagram_url=url_for("processes.diagram", process_id=version.process_id, number=version.number),
    )


@bp.get("/processes/<process_id>/where")
@roles(Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER)
def process(process_id: str) -> str:
    """A process's current diagram with the open tasks waiting at each of its tasks."""
    try:
        version = services.current_version_of(process_id)
    except services.NotFound:
        abort(404)
    view = services.process_positions(version, me())
    links = {
        s.bpmn_id: url_for("cases.index", pathway=process_id, stage=s.bpmn_id) for s in view.stages
    }
    services.record_process_viewed(view, me(), request.full_path)
    return render_template(
        "diagrams/process.html",
        view=view,
        links=links,
        diagram_url=url_for("processes.diagram", process_id=process_id, number=version.number),
    )
