"""Publishing a checked bundle as a new numbered version, and making an earlier version current
again (rolling back). New cases start on the current version; running cases keep theirs.

Nothing here commits: the request edge or the command does, so a refusal leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.extensions import db
from app.models import MigrationRun, MigrationStatus, ProcessVersion, User
from app.transactions import Refusal
from app.workflow import Problem
from app.workflow.library import content_hash_of, get_library
from app.workflow.validation import Checked, message_problem_texts

NOTE_MAX = 2000
MOVING_STALE_AFTER = timedelta(minutes=10)  # a batch of moves with no progress for this long died


class PublishRefused(Refusal):
    """The bundle was not published; `problems` say why (in words, each pinned where it can be)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _refuse(message: str, reason: str) -> PublishRefused:
    return PublishRefused([Problem(message, reason)])


def clean_note(note: str) -> str:
    """The change note, trimmed; PublishRefused if it is missing or too long."""
    note = " ".join(note.split())
    if not note:
        raise _refuse("Enter a change note: what changed, and why.", "note_missing")
    if len(note) > NOTE_MAX:
        raise _refuse(f"The change note must be {NOTE_MAX} characters or fewer.", "note_too_long")
    return note


@dataclass(frozen=True)
class Published:
    version: ProcessVersion
    restored: bool  # the content was an earlier version's, which is current again


def _refuse_while_moving(process_id: str) -> None:
    moving = db.session.scalar(
        select(MigrationRun.id).where(
            MigrationRun.process_id == process_id,
            MigrationRun.status == MigrationStatus.RUNNING,
            MigrationRun.updated_at > datetime.now(UTC) - MOVING_STALE_AFTER,  # else it died
        )
    )
    if moving is not None:
        raise _refuse(
            "Cases of this process are being moved between versions: publish when that has finished.",
            "migration_running",
        )


def publish(checked: Checked, actor: User | None, note: str) -> Published:
    """Make the checked bundle its process's current version, numbered after the last one.

    Content equal to an earlier version makes that version current again instead of a copy (a
    version is its content). PublishRefused if the bundle has errors, the note is missing, or the
    content is already current.
    """
    note = clean_note(note)
    if not checked.publishable or checked.diagram is None:
        raise PublishRefused(checked.errors or [Problem("The diagram could not be checked.", "unchecked")])
    diagram, bundle = checked.diagram, checked.bundle
    _refuse_while_moving(diagram.process_id)
    forms_text = checked.forms.text if checked.forms is not None else ""
    bpmn_text, dmn_text = bundle.bpmn.decode("utf-8-sig"), bundle.dmn.decode("utf-8-sig")
    digest = content_hash_of(bpmn_text, dmn_text, forms_text)
    versions = list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_id == diagram.process_id).with_for_update()
        )
    )
    same = next((v for v in versions if v.content_hash == digest), None)
    if same is not None and same.is_current:
        raise _refuse(
            f"This is version {same.number}, which is already current: nothing has changed.", "unchanged"
        )
    for version in versions:
        version.is_current = False
    if same is not None:
        same.is_current = True
        db.session.flush()
        _audit("process.rolled_back", same, actor, note)
        return Published(same, restored=True)
    version = ProcessVersion(
        process_id=diagram.process_id,
        name=diagram.name,
        filename=bundle.filename,
        content_hash=digest,
        bpmn_xml=bpmn_text,
        dmn_xml=dmn_text,
        forms_json=forms_text,
        number=max((v.number for v in versions), default=0) + 1,
        is_current=True,
        change_note=note,
        published_by=actor,
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
            db.session.flush()
    except IntegrityError:  # another publish of the process took this number (or content) first
        raise _refuse(
            "Another version of this process was published while this one was being published: "
            "look at its versions, then publish again if this is still needed.",
            "publish_clash",
        ) from None
    _audit("process.published", version, actor, note)
    return Published(version, restored=False)


def make_current(process_id: str, number: int, actor: User | None, note: str) -> ProcessVersion:
    """Roll back (or forward): make an earlier version the one new cases start on."""
    note = clean_note(note)
    _refuse_while_moving(process_id)
    versions = list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_id == process_id).with_for_update()
        )
    )
    chosen = next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise _refuse(f"There is no version {number} of this process.", "no_version")
    if chosen.is_current:
        raise _refuse(f"Version {number} is already current.", "unchanged")
    clashes = message_problem_texts(get_library().diagram_for(chosen))
    if clashes:
        raise PublishRefused([Problem(text, "message_receiver") for text in clashes])
    for version in versions:
        version.is_current = version is chosen
    db.session.flush()
    _audit("process.rolled_back", chosen, actor, note)
    return chosen


def _audit(action: str, version: ProcessVersion, actor: User | None, note: str) -> None:
    audit.record(
        action,
        actor,
        detail=f"{version.name} version {version.number}: {note}",
        after={"process_id": version.process_id, "version": version.number, "note": note},
    )
