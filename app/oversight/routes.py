"""Incidents a manager must look at."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.access import me, roles
from app.models import Role
from app.oversight import services

bp = Blueprint("oversight", __name__, template_folder="templates")
managers = roles(Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER)


@bp.get("/incidents")
@managers
def incidents() -> str:
    return render_template("oversight/incidents.html", incidents=services.open_incidents())


@bp.post("/incidents/<int:incident_id>/resolve")
@managers
def resolve(incident_id: int) -> Response:
    incident = services.find_incident(incident_id)
    if incident is None:
        abort(404)
    resolution = (request.form.get("resolution") or "").strip()
    if not resolution:
        flash("Enter what was done about the incident")
        return redirect(url_for("oversight.incidents"))
    services.resolve_incident(incident, me(), resolution)
    flash("Incident marked as resolved")
    return redirect(url_for("oversight.incidents"))
