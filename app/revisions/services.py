"""Creating, saving, checking, publishing and deleting drafts. Nothing here commits (the request
edge does); a refusal leaves nothing behind."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete as delete_rows
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import DraftTrial, ProcessDraft, ProcessVersion, User
from app.processes.checks import Bundle, Checked, check
from app.processes.publishing import Published, publish
from app.processes.publishing import make_current as make_version_current
from app.transactions import Refusal
from app.workflow import Problem, Unreadable, with_called_diagrams


class DraftRefused(Refusal):
    """The files could not become a draft, or the draft could not be saved: `problems` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Upload:
    filename: str
    bpmn: bytes
    dmn: bytes = b""
    forms: bytes = b""
    called: tuple[tuple[str, bytes], ...] = ()  # diagrams of processes its call activities call


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftRefused(
            [Problem(f"The {what} file is not UTF-8 text: save it as UTF-8.", "not_utf8")]
        ) from None


def _current(process_id: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.is_current)
    )


def _checked_upload(upload: Upload) -> Checked:
    """Check the files; without a forms file, a revision of a published process keeps its forms."""
    bpmn = upload.bpmn
    if upload.called:
        limit = current_app.extensions["settings"].diagram_max_bytes
        try:
            bpmn = with_called_diagrams(bpmn, upload.filename, list(upload.called), limit)
        except Unreadable as exc:
            raise DraftRefused([exc.problem]) from None
    bundle = Bundle(upload.filename, bpmn, upload.dmn, _text(upload.forms, "forms"))
    checked = check(bundle)
    if not bundle.forms and checked.process_id:
        current = _current(checked.process_id)
        if current is not None and current.forms_json:
            checked = check(replace(bundle, forms=current.forms_json))
    return checked


def create_from_upload(upload: Upload, actor: User) -> tuple[ProcessDraft, Checked]:
    """A new draft from uploaded files. Files that cannot be read as one runnable process's
    diagram change nothing (DraftRefused); a diagram with problems is kept as a draft to fix."""
    checked = _checked_upload(upload)
    if not checked.process_id:
        raise DraftRefused(checked.errors)
    current = _current(checked.process_id)
    draft = ProcessDraft(
        process_id=checked.process_id,
        name=checked.diagram.name if checked.diagram else (current.name if current else checked.process_id),
        filename=upload.filename,
        bpmn_xml=checked.bundle.bpmn.decode("utf-8-sig"),
        dmn_xml=_text(upload.dmn, "decision tables"),
        forms_json=checked.bundle.forms,
        base_version_id=current.id if current else None,
        created_by=actor,
    )
    _keep_result(draft, checked)
    db.session.add(draft)
    db.session.flush()
    audit.record(
        "process.draft_created", actor, detail=f"{draft.name}: draft {draft.id} from {upload.filename}"
    )
    return draft, checked


def create_from_version(version: ProcessVersion, actor: User) -> ProcessDraft:
    """A new draft that starts as a copy of a published version."""
    draft = ProcessDraft(
        process_id=version.process_id,
        name=version.name,
        filename=version.filename,
        bpmn_xml=version.bpmn_xml,
        dmn_xml=version.dmn_xml,
        forms_json=version.forms_json,
        base_version=version,
        created_by=actor,
    )
    _keep_result(draft, check(bundle_of(draft)))
    db.session.add(draft)
    db.session.flush()
    audit.record(
        "process.draft_created", actor, detail=f"{draft.name}: draft {draft.id} from version {version.number}"
    )
    return draft


def bundle_of(draft: ProcessDraft) -> Bundle:
    return Bundle(
        draft.filename, draft.bpmn_xml.encode("utf-8"), draft.dmn_xml.encode("utf-8"), draft.forms_json
    )


def save(draft: ProcessDraft, bpmn_xml: str, dmn_xml: str, forms_json: str, actor: User) -> Checked:
    """Save an edited draft and check it. A diagram that cannot be read, or that now holds
    another process, is refused and the saved draft stays as it was."""
    bundle = Bundle(draft.filename, bpmn_xml.encode("utf-8"), dmn_xml.encode("utf-8"), forms_json)
    checked = check(bundle)
    if not checked.process_id:
        raise DraftRefused(checked.errors)
    if checked.process_id != draft.process_id:
        raise DraftRefused(
            [
                Problem(
                    f"The diagram's process id is now '{checked.process_id}', but this draft revises "
                    f"'{draft.process_id}'. Change the id back, or upload it as a new diagram.",
                    "process_changed",
                )
            ]
        )
    draft.bpmn_xml, draft.dmn_xml, draft.forms_json = bpmn_xml, dmn_xml, forms_json
    if checked.diagram is not None:
        draft.name = checked.diagram.name
    _keep_result(draft, checked)
    audit.record("process.draft_saved", actor, detail=f"{draft.name}: draft {draft.id}")
    return checked


def recheck(draft: ProcessDraft, actor: User) -> Checked:
    checked = check(bundle_of(draft))
    _keep_result(draft, checked)
    audit.record(
        "process.draft_checked",
        actor,
        detail=(
            f"{draft.name}: draft {draft.id}, {len(checked.errors)} errors, {len(checked.warnings)} warnings"
        ),
    )
    return checked


def publish_draft(draft: ProcessDraft, actor: User, note: str) -> Published:
    """Check the draft once more and publish it; the draft is then gone (the version is its record)."""
    checked = check(bundle_of(draft))
    _keep_result(draft, checked)
    published = publish(checked, actor, note)  # PublishRefused keeps the draft (and rolls back)
    _forget_trials(draft)
    db.session.delete(draft)
    return published


def delete(draft: ProcessDraft, actor: User) -> None:
    audit.record("process.draft_deleted", actor, detail=f"{draft.name}: draft {draft.id}")
    _forget_trials(draft)
    db.session.delete(draft)


def _forget_trials(draft: ProcessDraft) -> None:
    """A draft's tests go with it (the database's cascade too, where foreign keys are enforced)."""
    db.session.execute(delete_rows(DraftTrial).where(DraftTrial.draft_id == draft.id))


def problems_of(draft: ProcessDraft) -> list[Problem]:
    """The problems the draft's last check found."""
    return [Problem(**p) for p in json.loads(draft.problems_json or "[]")]


def _keep_result(draft: ProcessDraft, checked: Checked) -> None:
    draft.problems_json = json.dumps([p.as_json() for p in checked.problems])
    draft.has_errors = bool(checked.errors) or checked.diagram is None
    draft.updated_at = datetime.now(UTC)


def drafts_of(process_id: str | None = None) -> list[ProcessDraft]:
    query = select(ProcessDraft).order_by(ProcessDraft.updated_at.desc())
    if process_id is not None:
        query = query.where(ProcessDraft.process_id == process_id)
    return list(db.session.scalars(query))


def make_current(version: ProcessVersion, actor: User, note: str) -> ProcessVersion:
    """Roll back (or forward) to this version: new cases start on it."""
    return make_version_current(version.process_id, version.number, actor, note)


def find_draft(draft_id: int) -> ProcessDraft | None:
    return db.session.get(ProcessDraft, draft_id) if 0 < draft_id < 2**31 else None


def current_of(process_id: str) -> ProcessVersion | None:
    return _current(process_id)
