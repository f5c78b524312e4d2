"""Incidents a manager must look at."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit
from app.access import me, roles
from app.models import Role
from app.oversight import services

bp = Blueprint("oversight", __name__, template_folder="templates")
managers = roles(Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER)


@bp.get("/incidents")
@managers
def incidents() -> str:
    incidents = services.open_incidents(me())
    audit.record_view("incidents.viewed", me(), [i.case_id for i in incidents], page=request.full_path)
    return render_template("oversight/incidents.html", incidents=incidents)


@bp.post("/incidents/<int:incident_id>/resolve")
@managers
def resolve(incident_id: int) -> Response:
    incident = services.find_visible_incident(incident_id, me())
    if incident is None:  # none, or on a case this user may not see: the same answer
        abort(404)
    if incident.resolved_at is not None:  # a second submit, or another manager got there first
        flash("This incident has already been resolved", "error")
        return redirect(url_for("oversight.incidents"))
    resolution = (request.form.get("resolution") or "").strip()
    if not resolution:
        flash("Enter what was done about the incident", "error")
        return redirect(url_for("oversight.incidents"))
    services.resolve_incident(incident, me(), resolution)
    flash("Incident marked as resolved")
    return redirect(url_for("oversight.incidents"))
