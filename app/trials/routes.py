"""Process owners test a draft: start a test, answer its tasks, move its clock on."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.access import me, process_owners
from app.accounts.forms import ConfirmForm
from app.models import ProcessDraft
from app.revisions import services as drafts
from app.trials import services as trials

bp = Blueprint("trials", __name__, template_folder="templates", url_prefix="/processes")
Page = str | tuple[str, int] | Response


def _draft(draft_id: int) -> ProcessDraft:
    draft = drafts.find_draft(draft_id)
    if draft is None:
        abort(404)
    return draft


def _trial(trial_id: int) -> tuple[trials.TrialView, ProcessDraft]:
    trial = trials.find(trial_id)
    draft = drafts.find_draft(trial.draft_id) if trial is not None else None
    if trial is None or draft is None:
        abort(404)
    try:
        return trials.view(trial, draft), draft
    except trials.TrialRefused as exc:
        flash(exc.message, "error")
        abort(redirect(url_for("revisions.draft_page", draft_id=draft.id)))


def _trial_page(view: trials.TrialView, draft: ProcessDraft, form: Any = None, task_id: str = "") -> str:
    return render_template(
        "trials/trial.html",
        view=view,
        draft=draft,
        tasks=trials.ready(view),
        timers=trials.timers(view),
        form=form,
        task_id=task_id,
        confirm=ConfirmForm(),
    )


@bp.post("/drafts/<int:draft_id>/trials")
@process_owners
def start(draft_id: int) -> Response:
    draft = _draft(draft_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        trial = trials.start(draft, me())
    except trials.TrialRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("revisions.draft_page", draft_id=draft.id))
    return redirect(url_for("trials.show", trial_id=trial.id))


@bp.get("/trials/<int:trial_id>")
@process_owners
def show(trial_id: int) -> str:
    view, draft = _trial(trial_id)
    task_id = request.args.get("task", "")
    task = next((t for t in trials.ready(view) if t["id"] == task_id), None)
    form = trials.form_for(view, task["form_key"]) if task is not None else None
    return _trial_page(view, draft, form, task_id if task is not None else "")


@bp.post("/trials/<int:trial_id>/tasks/<task_id>")
@process_owners
def task(trial_id: int, task_id: str) -> Page:
    view, draft = _trial(trial_id)
    try:
        form = trials.complete(view, task_id, request.form, me())
    except trials.TrialRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("trials.show", trial_id=trial_id))
    if form is not None:
        return _trial_page(view, draft, form, task_id), 400
    return redirect(url_for("trials.show", trial_id=trial_id))


@bp.post("/trials/<int:trial_id>/clock")
@process_owners
def clock(trial_id: int) -> Response:
    view = _trial(trial_id)[0]
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        trials.move_clock(view, request.form.get("days", type=int) or 0)
    except trials.TrialRefused as exc:
        flash(exc.message, "error")
    return redirect(url_for("trials.show", trial_id=trial_id))
