"""Reading a case's chronology: one query per source, the names they mention in two more, and the
entries assembled by the pure functions of app/chronology/sources.py.

What a reader filters by (the kinds) and the order (newest or oldest first) come from the query
string; anything there that is not a kind is ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer

from app import audit
from app.chronology import events as trail
from app.chronology import sources
from app.chronology.entries import KINDS, Entry, FormText, Lookups, ProcessRun
from app.cme.services import REASONS
from app.extensions import db
from app.formkit.builder import form_class
from app.models import (
    AuditEvent,
    Case,
    CmeRecord,
    HumanTask,
    Incident,
    Meeting,
    PenaltyNotice,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    Team,
    User,
)
from app.pathways.registry import calculated_labels
from app.workflow.library import get_library


@dataclass(frozen=True)
class Chronology:
    """The entries to show, in the order asked for, and what the filter holds."""

    case: Case
    entries: list[Entry]
    counts: dict[str, int]  # entries of each kind on the whole case, filtered or not
    total: int  # entries on the whole case
    kinds: frozenset[str]  # the kinds asked for; empty for every kind
    newest_first: bool


def read_filter(kinds: Iterable[str], order: str | None) -> tuple[frozenset[str], bool]:
    """The kinds asked for (those that are kinds: anything else is ignored) and whether newest
    entries come first (unless `order` is "oldest")."""
    return frozenset(k for k in kinds if k in KINDS), order != "oldest"


def case_chronology(case: Case, kinds: frozenset[str] = frozenset(), newest_first: bool = True) -> Chronology:
    """The case's chronology, of the kinds asked for (every kind if none)."""
    everything = entries_of_case(case)
    counts = Counter(k for entry in everything for k in entry.kinds)
    shown = [e for e in everything if not kinds or e.kinds & kinds]
    if newest_first:
        shown.reverse()
    return Chronology(case, shown, dict(counts), len(everything), kinds, newest_first)


def entries_of_case(case: Case) -> list[Entry]:
    """Everything the chronology tells of the case, oldest first."""
    tasks = list(
        db.session.scalars(
            select(HumanTask).options(defer(HumanTask.documentation)).where(HumanTask.case_id == case.id)
        )
    )
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(audit.VIEW_ACTIONS))
            .order_by(AuditEvent.id)
        )
    )
    runs = _runs(case.id)
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.case_id == case.id)))
    incidents = list(db.session.scalars(select(Incident).where(Incident.case_id == case.id)))
    notices = list(db.session.scalars(select(PenaltyNotice).where(PenaltyNotice.case_id == case.id)))
    records = list(db.session.scalars(select(CmeRecord).where(CmeRecord.case_id == case.id)))
    lookups = Lookups(
        people=_names(User, _people_in(case, tasks, events, meetings, incidents, notices)),
        teams=_names(Team, {t.team_id for t in tasks if t.team_id is not None}),
        runs={run.id: run for run in runs},
        forms=_forms_of(tasks, {run.id: run.version_id for run in runs}),
        calculated=calculated_labels(),
    )
    steps = trail.timer_steps(events, tasks)
    escalations = {t.id for step in steps.values() for t in step.created}
    entries = [
        *sources.referral_entries(case, lookups),
        *sources.run_entries(runs, lookups, trail.step_actors(events)),
        *sources.task_entries(tasks, meetings, escalations, lookups),
        *trail.event_entries(events, {t.id: t for t in tasks}, steps, lookups),
        *sources.incident_entries(incidents, lookups),
        *sources.notice_entries(notices, lookups),
        *sources.register_entries(records, REASONS, lookups),
    ]
    return sorted(entries, key=lambda e: e.sort_key)


def record_chronology_viewed(case: Case, user: User, page: str) -> None:
    """The chronology was shown to the user: a view of this one case."""
    audit.record_view("chronology.viewed", user, [case.id], page=page, case=case)


def _runs(case_id: int) -> list[ProcessRun]:
    """The case's process instances, without their saved workflows."""
    rows = db.session.execute(
        select(
            ProcessInstance.id,
            ProcessVersion.process_id,
            ProcessVersion.name,
            ProcessInstance.process_version_id,
            ProcessInstance.status,
            ProcessInstance.started_at,
            ProcessInstance.completed_at,
            ProcessInstance.end_event,
            ProcessInstance.started_by_id,
            ProcessInstance.start_message,
        )
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessInstance.case_id == case_id)
        .order_by(ProcessInstance.id)
    )
    return [
        ProcessRun(
            id=row.id,
            process_id=row.process_id,
            name=row.name,
            version_id=row.process_version_id,
            status=str(row.status),
            started_at=row.started_at,
            completed_at=row.completed_at,
            end_event=row.end_event or "",
            started_by_id=row.started_by_id,
            start_message=row.start_message or "",
        )
        for row in rows
    ]


def _people_in(
    case: Case,
    tasks: Sequence[HumanTask],
    events: Sequence[AuditEvent],
    meetings: Sequence[Meeting],
    incidents: Sequence[Incident],
    notices: Sequence[PenaltyNotice],
) -> set[int]:
    """Every person the entries will name, so their names are read in one query."""
    ids: set[int | None] = {case.created_by_id}
    ids |= {t.completed_by_id for t in tasks}
    for event in events:
        ids.add(event.actor_id)
        for values in (event.before, event.after):
            if isinstance(values, dict) and isinstance(values.get("assignee_id"), int):
                ids.add(values["assignee_id"])
    ids |= {m.recorded_by_id for m in meetings}
    ids |= {i.raised_by_id for i in incidents} | {i.resolved_by_id for i in incidents}
    ids |= {n.created_by_id for n in notices}
    return {i for i in ids if i is not None}


def _names(model: type[User] | type[Team], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        row.id: row.name for row in db.session.execute(select(model.id, model.name).where(model.id.in_(ids)))
    }


def _forms_of(tasks: Sequence[HumanTask], versions: dict[int, int]) -> dict[str, FormText]:
    """The words of each completed task's form, as the version its process ran on defines it
    (read once per version: the library keeps each version's forms)."""
    library = get_library()
    found = {}
    for task in tasks:
        if task.state != TaskState.COMPLETED or task.instance_id not in versions:
            continue
        bundle = library.forms_for_version_id(versions[task.instance_id])
        if task.form_key in bundle.forms:
            form = form_class(bundle, task.form_key)
            found[task.id] = FormText(form.field_labels(), form.choice_labels())
    return found
