"""Incidents a manager must look at and retry, and suspending or resuming a process on a case."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit, inputs
from app.access import me, roles
from app.models import ProcessInstance, Role
from app.oversight import retry, services, suspension
from app.oversight.plain_words import explain
from app.transactions import in_own_transaction

bp = Blueprint("oversight", __name__, template_folder="templates")
managers = roles(Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER)
case_managers = roles(Role.MANAGER, Role.ADMIN)
BATCH_LIMIT = 100


@bp.get("/incidents")
@managers
def incidents() -> str:
    incidents = services.open_incidents(me())
    audit.record_view("incidents.viewed", me(), [i.case_id for i in incidents], page=request.full_path)
    return render_template(
        "oversight/incidents.html",
        incidents=incidents,
        plain={i.id: explain(i.message, i.task_name) for i in incidents},
    )


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


@bp.post("/incidents/<int:incident_id>/retry")
@managers
def retry_one(incident_id: int) -> Response:
    if services.find_visible_incident(incident_id, me()) is None:
        abort(404)
    # Committed on its own: a retry that fails again keeps its count and audit event.
    outcome = in_own_transaction(partial(retry.retry_incident, incident_id, me()))
    if outcome.worked:
        flash(f"{outcome.reference}: {outcome.message}")
    else:
        flash(f"{outcome.reference}: the retry did not work. {outcome.message}", "error")
    return redirect(url_for("oversight.incidents"))


@bp.post("/incidents/retry")
@managers
def retry_selected() -> Response | tuple[str, int]:
    chosen = [inputs.whole_number(value, 0) for value in request.form.getlist("incident_id")]
    ids = list(dict.fromkeys(i for i in chosen if i))[:BATCH_LIMIT]
    if not ids:
        flash("Select the incidents to retry", "error")
        return redirect(url_for("oversight.incidents"))
    outcomes: list[retry.Outcome] = []
    for incident_id in ids:  # each in its own transaction: one failing leaves the others done
        if services.find_visible_incident(incident_id, me()) is None:
            continue  # not one this manager may see: skipped, and not named
        outcomes.append(in_own_transaction(partial(retry.retry_incident, incident_id, me())))
    # Its own transaction too: a resubmission refused on the way marks the request refused.
    view = partial(audit.record_view, "incidents.viewed", me(), [o.case_id for o in outcomes])
    in_own_transaction(partial(view, page=request.full_path))
    return render_template("oversight/retried.html", outcomes=outcomes), 200


def _instance(reference: str, instance_id: int) -> ProcessInstance:
    instance = suspension.visible_instance(reference, instance_id, me())
    if instance is None:
        abort(404)
    if not suspension.may_suspend(me(), instance.case):
        abort(403)
    return instance


@bp.route("/cases/<reference>/processes/<int:instance_id>/suspend", methods=["GET", "POST"])
@case_managers
def suspend(reference: str, instance_id: int) -> Response | tuple[str, int]:
    return _change(reference, instance_id, "suspend")


@bp.route("/cases/<reference>/processes/<int:instance_id>/resume", methods=["GET", "POST"])
@case_managers
def resume(reference: str, instance_id: int) -> Response | tuple[str, int]:
    return _change(reference, instance_id, "resume")


def _change(reference: str, instance_id: int, verb: str) -> Response | tuple[str, int]:
    instance = _instance(reference, instance_id)
    if refused := suspension.why_not(instance, verb):  # finished, or already so: nothing to ask
        flash(refused, "error")
        return redirect(url_for("cases.show", reference=reference))
    reason = request.form.get("reason") or ""
    error, status = "", 200
    if request.method == "POST":
        try:
            (suspension.suspend if verb == "suspend" else suspension.resume)(instance, me(), reason)
        except suspension.ReasonMissing as exc:
            error, status = str(exc), 400
        except suspension.SuspensionRefused as exc:
            flash(str(exc), "error")
            return redirect(url_for("cases.show", reference=reference))
        else:
            done = "suspended" if verb == "suspend" else "running again"
            flash(f"‘{instance.process_version.name}’ is {done}")
            return redirect(url_for("cases.show", reference=reference))
    audit.record_view("process.suspension_viewed", me(), [instance.case_id], page=request.full_path)
    return render_template(
        "oversight/suspension.html", instance=instance, verb=verb, reason=reason, error=error
    ), status
