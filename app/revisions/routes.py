"""Process owners' pages: a process's version history (make an earlier version current), and
drafts (upload, start from a version, check, edit in the browser, publish with a change note,
delete). Only process owners and administrators use them."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from app import audit
from app.access import me, process_owners
from app.accounts.forms import ConfirmForm
from app.models import ProcessDraft, ProcessVersion
from app.moves import services as moves
from app.processes import queries
from app.processes.files import download
from app.processes.publishing import PublishRefused
from app.revisions import diff, services
from app.revisions.forms import NoteForm, UploadForm
from app.workflow import Problem

bp = Blueprint("revisions", __name__, template_folder="templates", url_prefix="/processes")
Page = str | tuple[str, int] | Response


def _draft(draft_id: int) -> ProcessDraft:
    draft = services.find_draft(draft_id)
    if draft is None:
        abort(404)
    return draft


def _bytes(storage: FileStorage | None, limit: int) -> bytes:
    return storage.read(limit + 1) if storage is not None and storage.filename else b""


def _markers(problems: list[Problem]) -> str:
    return json.dumps({p.element_id: "problem" for p in problems if p.element_id and p.severity == "error"})


def _version(process_id: str, number: int) -> ProcessVersion:
    version = queries.find_version(process_id, number)
    if version is None:
        abort(404)
    return version


def _history(process_id: str, note_form: NoteForm | None = None, chosen: int | None = None) -> Page:
    versions = queries.versions_of(process_id)
    if not versions:
        abort(404)
    page = render_template(
        "revisions/history.html",
        process_id=process_id,
        name=next(v.name for v in versions if v.is_current)
        if any(v.is_current for v in versions)
        else versions[0].name,
        versions=versions,
        drafts=services.drafts_of(process_id),
        note_form=note_form or NoteForm(),
        chosen=chosen,
        confirm=ConfirmForm(),
    )
    return (page, 400) if note_form is not None else page


@bp.get("/<process_id>/versions")
@process_owners
def history(process_id: str) -> Page:
    return _history(process_id)


@bp.post("/<process_id>/v<int:number>/make-current")
@process_owners
def make_current(process_id: str, number: int) -> Page:
    version = _version(process_id, number)
    form = NoteForm()
    if not form.validate_on_submit():
        return _history(process_id, form, number)
    try:
        services.make_current(version, me(), form.note.data or "")
    except PublishRefused as exc:
        form.note.errors = [p.message for p in exc.problems]
        return _history(process_id, form, number)
    flash(f"Version {number} is now current: new cases start on it; running cases keep their version")
    return redirect(url_for("revisions.history", process_id=process_id))


@bp.route("/upload", methods=["GET", "POST"])
@process_owners
def upload() -> Page:
    form = UploadForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        limit = current_app.extensions["settings"].diagram_max_bytes
        bpmn = form.bpmn.data
        files = services.Upload(
            filename=(bpmn.filename or "diagram.bpmn")[-200:],
            bpmn=_bytes(bpmn, limit),
            dmn=_bytes(form.dmn.data, limit),
            forms=_bytes(form.forms.data, limit),
            called=tuple(
                ((f.filename or "called.bpmn")[-200:], _bytes(f, limit))
                for f in (form.called.data or [])
                if f is not None and f.filename
            ),
        )
        try:
            draft, _checked = services.create_from_upload(files, me())
        except services.DraftRefused as exc:
            problems = exc.problems
        else:
            flash("The diagram was uploaded as a draft")
            return redirect(url_for("revisions.draft_page", draft_id=draft.id))
    status = 400 if form.errors or problems else 200
    return render_template("revisions/upload.html", form=form, problems=problems), status


@bp.post("/<process_id>/v<int:number>/draft")
@process_owners
def start_from_version(process_id: str, number: int) -> Response:
    version = _version(process_id, number)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = services.create_from_version(version, me())
    flash(f"A draft of version {number} was started")
    return redirect(url_for("revisions.draft_page", draft_id=draft.id))


def _show(draft: ProcessDraft, note_form: NoteForm | None = None, status: int = 200) -> tuple[str, int]:
    problems = services.problems_of(draft)
    page = render_template(
        "revisions/draft.html",
        draft=draft,
        errors=[p for p in problems if p.severity == "error"],
        warnings=[p for p in problems if p.severity == "warning"],
        markers=_markers(problems),
        note_form=note_form or NoteForm(),
        confirm=ConfirmForm(),
    )
    return page, status


@bp.get("/drafts/<int:draft_id>")
@process_owners
def draft_page(draft_id: int) -> Page:
    return _show(_draft(draft_id))


@bp.post("/drafts/<int:draft_id>/check")
@process_owners
def check(draft_id: int) -> Response:
    draft = _draft(draft_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    checked = services.recheck(draft, me())
    flash(
        "Checked: no problems stop it being published"
        if not checked.errors
        else "Checked: see the problems below"
    )
    return redirect(url_for("revisions.draft_page", draft_id=draft.id))


@bp.post("/drafts/<int:draft_id>/publish")
@process_owners
def publish(draft_id: int) -> Page:
    draft = _draft(draft_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show(draft, form, 400)
    process_id = draft.process_id
    try:
        published = services.publish_draft(draft, me(), form.note.data or "")
    except PublishRefused as exc:
        form.note.errors = [p.message for p in exc.problems if p.reason.startswith("note")] or []
        if not form.note.errors:
            flash("The draft cannot be published: correct the problems listed, then publish it", "error")
        return _show(draft, form, 400)
    flash(f"Version {published.version.number} is published: new cases start on it")
    return redirect(url_for("revisions.history", process_id=process_id))


@bp.post("/drafts/<int:draft_id>/delete")
@process_owners
def delete(draft_id: int) -> Response:
    draft = _draft(draft_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    process_id = draft.process_id
    services.delete(draft, me())
    flash("The draft was deleted")
    return redirect(url_for("revisions.history", process_id=process_id))


@bp.get("/drafts/<int:draft_id>/diagram.bpmn")
@process_owners
def diagram(draft_id: int) -> Response:
    draft = _draft(draft_id)
    return download(draft.bpmn_xml, f"{draft.process_id}-draft-{draft.id}.bpmn")


@bp.get("/drafts/<int:draft_id>/edit")
@process_owners
def edit(draft_id: int) -> str:
    return render_template("revisions/edit.html", draft=_draft(draft_id))


@bp.get("/drafts/<int:draft_id>/bundle.json")
@process_owners
def bundle(draft_id: int) -> Response:
    draft = _draft(draft_id)
    return jsonify(
        process_id=draft.process_id,
        bpmn_xml=draft.bpmn_xml,
        dmn_xml=draft.dmn_xml,
        forms_json=draft.forms_json,
    )


@bp.post("/drafts/<int:draft_id>/bundle.json")
@process_owners
def save(draft_id: int) -> tuple[Response, int]:
    """The editor saves here (JSON, with the X-CSRFToken header). 200 with the problems found;
    422 if it could not be saved, the draft as it was."""
    draft = _draft(draft_id)
    body: Any = request.get_json(silent=True)
    fields = [body.get(k) if isinstance(body, dict) else None for k in ("bpmn_xml", "dmn_xml", "forms_json")]
    texts = [t for t in fields if isinstance(t, str)]
    if len(texts) != 3:
        refused = [
            Problem("The editor sent something that is not a diagram: reload the page.", "bad_request")
        ]
        return jsonify(saved=False, problems=[p.as_json() for p in refused]), 422
    try:
        checked = services.save(draft, texts[0], texts[1], texts[2], me())
    except services.DraftRefused as exc:
        return jsonify(saved=False, problems=[p.as_json() for p in exc.problems]), 422
    return jsonify(saved=True, problems=[p.as_json() for p in checked.problems]), 200


def _compare_page(name: str, old: tuple[str, str, str], new: tuple[str, str, str], **labels: Any) -> str:
    changes = diff.compare(old, new)
    return render_template("revisions/compare.html", name=name, changes=changes, **labels)


@bp.get("/<process_id>/compare")
@process_owners
def compare(process_id: str) -> Page:
    """Two versions side by side: what the newer one added, removed and changed."""
    versions = queries.versions_of(process_id)
    if not versions:
        abort(404)
    numbers = [v.number for v in versions]
    newest = max(numbers)
    to_number = request.args.get("to", type=int) or newest
    to_number = to_number if to_number in numbers else newest
    from_number = request.args.get("from", type=int) or max(
        (n for n in numbers if n < to_number), default=to_number
    )
    from_number = from_number if from_number in numbers else to_number
    old, new = _version(process_id, from_number), _version(process_id, to_number)
    return _compare_page(
        new.name,
        (old.bpmn_xml, old.dmn_xml, old.forms_json),
        (new.bpmn_xml, new.dmn_xml, new.forms_json),
        old_label=f"Version {old.number}",
        new_label=f"Version {new.number}",
        old_url=url_for("processes.diagram", process_id=process_id, number=old.number),
        new_url=url_for("processes.diagram", process_id=process_id, number=new.number),
        versions=versions,
        process_id=process_id,
        from_number=old.number,
        to_number=new.number,
    )


@bp.get("/drafts/<int:draft_id>/compare")
@process_owners
def compare_draft(draft_id: int) -> Page:
    """A draft against the version it started from (or the current one)."""
    draft = _draft(draft_id)
    base = draft.base_version or services.current_of(draft.process_id)
    if base is None:
        flash("This draft adds a new process: there is no version to compare it with")
        return redirect(url_for("revisions.draft_page", draft_id=draft.id))
    return _compare_page(
        draft.name,
        (base.bpmn_xml, base.dmn_xml, base.forms_json),
        (draft.bpmn_xml, draft.dmn_xml, draft.forms_json),
        old_label=f"Version {base.number}",
        new_label=f"Draft {draft.id}",
        old_url=url_for("processes.diagram", process_id=base.process_id, number=base.number),
        new_url=url_for("revisions.diagram", draft_id=draft.id),
        draft=draft,
        process_id=draft.process_id,
    )


@bp.get("/drafts/<int:draft_id>/running")
@process_owners
def against_running(draft_id: int) -> Page:
    """Could the cases running on the current version move to this draft, and what would change?"""
    draft = _draft(draft_id)
    checked = services.recheck(draft, me())
    current = services.current_of(draft.process_id)
    checks = None
    if checked.diagram is not None and checked.forms is not None and current is not None:
        checks = moves.dry_run_against(current, checked.diagram, checked.forms, f"draft {draft.id}")
        audit.record_view("moves.viewed", me(), [c.case_id for c in checks], page=request.full_path)
    return render_template(
        "revisions/against_running.html", draft=draft, current=current, checks=checks, errors=checked.errors
    )
