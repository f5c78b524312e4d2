"""Process owners move running cases between versions: choose, dry run, move, watch, move back."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit
from app.access import me, process_owners
from app.accounts.forms import ConfirmForm
from app.formkit.wtforms33 import SelectChoice
from app.jobs import each_in_own_transaction, each_in_savepoint, run_after_commit
from app.models import MigrationRun, MigrationStatus, ProcessVersion
from app.moves import services
from app.moves.forms import MoveForm
from app.processes import queries

bp = Blueprint("moves", __name__, template_folder="templates", url_prefix="/processes")
Page = str | tuple[str, int] | Response


def _form(process_id: str, versions: list[ProcessVersion], counts: dict[int, int]) -> MoveForm:
    form = MoveForm(request.form if request.method == "POST" else request.args)
    label = {v.id: f"Version {v.number}{' (current)' if v.is_current else ''}" for v in versions}
    form.source.choices = [
        SelectChoice(str(v.number), f"{label[v.id]}: {counts.get(v.id, 0)} running") for v in versions
    ]
    form.target.choices = [SelectChoice(str(v.number), label[v.id]) for v in versions]
    if not form.target.data:
        form.target.data = next((str(v.number) for v in versions if v.is_current), None)
    return form


def _chosen(process_id: str, form: MoveForm) -> tuple[ProcessVersion, ProcessVersion] | None:
    source = queries.find_version(process_id, int(form.source.data or 0))
    target = queries.find_version(process_id, int(form.target.data or 0))
    if source is None or target is None:
        return None
    if source.id == target.id:
        form.target.errors = ["Choose a different version to move the cases to"]
        return None
    return source, target


@bp.route("/<process_id>/move", methods=["GET", "POST"])
@process_owners
def choose(process_id: str) -> Page:
    versions = queries.versions_of(process_id)
    if not versions:
        abort(404)
    counts = services.running_counts(process_id)
    form = _form(process_id, versions, counts)
    checks = None
    asked = request.method == "POST" or "source" in request.args
    if asked and form.validate() and (pair := _chosen(process_id, form)) is not None:
        source, target = pair
        if request.method == "GET":  # the dry run
            checks = services.dry_run(source, target, form.references())
            audit.record_view("moves.viewed", me(), [c.case_id for c in checks], page=request.full_path)
        else:
            return _start(source, target, form)
    return _page(process_id, form, checks), 400 if asked and form.errors else 200


def _page(process_id: str, form: MoveForm, checks: list[services.InstanceCheck] | None = None) -> str:
    versions = queries.versions_of(process_id)
    return render_template(
        "moves/choose.html",
        process_id=process_id,
        name=next((v.name for v in versions if v.is_current), versions[0].name),
        form=form,
        checks=checks,
        moving=services.in_progress(process_id),
    )


def _start(source: ProcessVersion, target: ProcessVersion, form: MoveForm) -> Page:
    if not (form.reason.data or "").strip():
        form.reason.errors = ["Enter the reason for moving these cases"]
        return _page(source.process_id, form), 400
    try:
        run = services.start(source, target, form.references(), me(), form.reason.data or "")
    except services.MigrationRefused as exc:
        form.cases.errors = [exc.message]
        return _page(source.process_id, form), 400
    _launch(run)
    return redirect(url_for("moves.progress", run_id=run.id))


def _launch(run: MigrationRun) -> None:
    if current_app.extensions["settings"].background_jobs:
        run_after_commit(partial(services.run_batch, run.id, each_in_own_transaction))
    else:
        services.run_batch(run.id, each_in_savepoint)


def _run(run_id: int) -> MigrationRun:
    run = services.find_run(run_id)
    if run is None:
        abort(404)
    return run


@bp.get("/moves/<int:run_id>")
@process_owners
def progress(run_id: int) -> str:
    run = _run(run_id)
    return render_template(
        "moves/progress.html",
        run=run,
        running=run.status == MigrationStatus.RUNNING,
        refused=services.refused_of(run),
        confirm=ConfirmForm(),
    )


@bp.post("/moves/<int:run_id>/back")
@process_owners
def move_back(run_id: int) -> Response:
    run = _run(run_id)
    if not ConfirmForm().validate_on_submit() or run.status == MigrationStatus.RUNNING:
        abort(400)
    try:
        back = services.start(
            run.target_version,
            run.source_version,
            [],
            me(),
            f"Moved back (undoing batch {run.id})",
            instance_ids=services.moved_ids(run),
        )
    except services.MigrationRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("moves.progress", run_id=run.id))
    _launch(back)
    return redirect(url_for("moves.progress", run_id=back.id))
