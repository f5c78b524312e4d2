"""What the diagram pages show: one process instance where it stands, and a whole process's open
work per task. Reads only; the views recorded are the only writes."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app import audit
from app.access import can_see_case, case_visibility
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    User,
)
from app.timescales.working_days import LONDON
from app.workflow.library import get_library
from app.workflow.positions import Positions, positions_of

log = logging.getLogger(__name__)

# The audit actions that put a task in someone's hands (a later slice may add more: an action
# that is never written simply matches nothing).
HOLD_ACTIONS = ("task.claimed", "task.assigned", "task.reassigned")


class NotFound(LookupError):
    """No such case or instance for this user (the two look the same from outside)."""


# -- one instance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveTask:
    task: HumanTask
    holder: str  # the person's name, or "Unallocated"
    team: str
    held_since: datetime | None  # when the holder took it or was given it


@dataclass(frozen=True)
class DoneStep:
    name: str
    at: datetime | None
    by: str
    outcome: str  # "Completed", "Stopped" (cancelled by the process), "Deadline passed"


@dataclass(frozen=True)
class InstanceDiagram:
    case: Case
    instance: ProcessInstance
    positions: Positions | None  # None if the saved workflow could not be read
    active: list[ActiveTask]
    done: list[DoneStep]
    handed_on_to: list[ProcessInstance]  # the processes this one started on the case (hand-offs)

    @property
    def markers_json(self) -> str:
        return json.dumps(self.positions.markers() if self.positions else {}, sort_keys=True)

    @property
    def focus(self) -> str:
        """The elements the diagram first shows close up: where the case is now."""
        now = ("active", "waiting", "problem")
        elements = self.positions.elements.values() if self.positions else []
        return " ".join(sorted(e.bpmn_id for e in elements if e.marker in now))

    @property
    def notes_json(self) -> str:
        """Short labels on the diagram: who holds each active task and when it is due, when each
        waiting timer is due."""
        notes: dict[str, list[str]] = {}
        for entry in self.active:
            text = initials(entry.holder) if entry.task.assignee_id else "Unallocated"
            if entry.task.due_at is not None:
                text += f", due {short_date(entry.task.due_at)}"
            notes.setdefault(entry.task.bpmn_id, []).append(text)
        for timer in self.positions.timers if self.positions else []:
            if timer.due is not None:
                notes.setdefault(timer.bpmn_id, []).append(f"Due {short_date(timer.due)}")
        return json.dumps({k: "; ".join(v) for k, v in sorted(notes.items())})


def visible_case(reference: str, user: User) -> Case:
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not can_see_case(user, case):
        raise NotFound(reference)
    return case


def instance_of_case(case: Case, instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None or instance.case_id != case.id:
        raise NotFound(instance_id)
    return instance


def instance_diagram(case: Case, instance: ProcessInstance) -> InstanceDiagram:
    try:
        positions: Positions | None = positions_of(instance)
    except Exception:  # a saved workflow that cannot be read still leaves the tables to show
        log.exception("Could not read where process instance %s stands", instance.id)
        positions = None
    tasks = list(
        db.session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id == instance.id)
            .order_by(HumanTask.created_at, HumanTask.id)
        )
    )
    open_tasks = [t for t in tasks if t.state == TaskState.OPEN]
    held = _held_since([t.id for t in open_tasks if t.assignee_id is not None])
    active = [
        ActiveTask(
            task=t,
            holder=t.assignee.name if t.assignee else "Unallocated",
            team=t.team.name if t.team else "",
            held_since=held.get(t.id) if t.assignee_id else None,
        )
        for t in open_tasks
    ]
    onward = list(
        db.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.started_by_id == instance.id, ProcessInstance.case_id == case.id)
            .order_by(ProcessInstance.started_at, ProcessInstance.id)
        )
    )
    return InstanceDiagram(case, instance, positions, active, _done_steps(tasks, positions), onward)


def _held_since(task_ids: list[str]) -> dict[str, datetime]:
    if not task_ids:
        return {}
    rows = db.session.execute(
        select(AuditEvent.task_id, func.max(AuditEvent.at))
        .where(AuditEvent.task_id.in_(task_ids), AuditEvent.action.in_(HOLD_ACTIONS))
        .group_by(AuditEvent.task_id)
    )
    return {task_id: at for task_id, at in rows if task_id is not None}


def _done_steps(tasks: list[HumanTask], positions: Positions | None) -> list[DoneStep]:
    """The people's completed tasks, tasks the process stopped, and the deadlines that passed,
    in the order they happened."""
    steps = [
        DoneStep(t.name, t.completed_at, t.completed_by.name if t.completed_by else "", "Completed")
        for t in tasks
        if t.state == TaskState.COMPLETED
    ]
    steps += [
        DoneStep(t.name, t.completed_at, "", "Stopped by the process")
        for t in tasks
        if t.state == TaskState.CANCELLED
    ]
    for at, element in positions.completed_steps() if positions else []:
        if element.kind == "timer":
            steps.append(DoneStep(element.name, at, "", "Deadline passed"))
    return sorted(steps, key=lambda s: (s.at is None, s.at or datetime.min.replace(tzinfo=LONDON)))


def record_instance_viewed(view: InstanceDiagram, user: User, page: str) -> None:
    audit.record_view("case.diagram_viewed", user, [view.case.id], page=page, case=view.case)


# -- a whole process ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    bpmn_id: str
    name: str
    tasks: int
    cases: int
    on_diagram: bool  # the current version has this task (an older version's task is listed too)


@dataclass(frozen=True)
class TimersWaiting:
    """Running cases of the process with a deadline timer waiting, and the soonest due: read from
    each instance's next timer, so not per timer event (that would mean loading every workflow)."""

    cases: int
    soonest: datetime | None


@dataclass(frozen=True)
class ProcessPositions:
    version: ProcessVersion
    stages: list[StageCount]
    timers: TimersWaiting

    def counts_json(self, href: dict[str, str]) -> str:
        """Badges for the viewer: each task with open work → its count and the link behind it."""
        shown = [s for s in self.stages if s.tasks and s.on_diagram]
        counts = {s.bpmn_id: {"count": s.tasks, "href": href[s.bpmn_id]} for s in shown}
        return json.dumps(counts, sort_keys=True)

    @property
    def total(self) -> int:
        return sum(s.tasks for s in self.stages)


def current_version_of(process_id: str) -> ProcessVersion:
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.is_current)
    )
    if version is None:
        raise NotFound(process_id)
    return version


def process_positions(version: ProcessVersion, user: User) -> ProcessPositions:
    """Open tasks per task of the process (any version), on the cases this user may see."""
    # An alias: case_visibility's own test on human_task must not correlate with this one.
    task = aliased(HumanTask)
    rows = db.session.execute(
        select(task.bpmn_id, func.max(task.name), func.count(task.id), func.count(task.case_id.distinct()))
        .join(ProcessInstance, ProcessInstance.id == task.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .join(Case, Case.id == task.case_id)
        .where(
            ProcessVersion.process_id == version.process_id,
            task.state == TaskState.OPEN,
            case_visibility(user),
        )
        .group_by(task.bpmn_id)
    ).all()
    counted = {bpmn_id: (name, tasks, cases) for bpmn_id, name, tasks, cases in rows}
    stages = []
    for info in get_library().diagram_for(version).user_tasks:
        _, tasks, cases = counted.pop(info.bpmn_id, ("", 0, 0))
        stages.append(StageCount(info.bpmn_id, info.name, tasks, cases, on_diagram=True))
    for bpmn_id, (name, tasks, cases) in sorted(counted.items()):
        stages.append(StageCount(bpmn_id, name, tasks, cases, on_diagram=False))
    return ProcessPositions(version, stages, _timers_waiting(version.process_id, user))


def _timers_waiting(process_id: str, user: User) -> TimersWaiting:
    cases, soonest = db.session.execute(
        select(func.count(ProcessInstance.case_id.distinct()), func.min(ProcessInstance.next_timer_at))
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .join(Case, Case.id == ProcessInstance.case_id)
        .where(
            ProcessVersion.process_id == process_id,
            ProcessInstance.status == InstanceStatus.RUNNING,
            ProcessInstance.next_timer_at.is_not(None),
            case_visibility(user),
        )
    ).one()
    return TimersWaiting(cases or 0, soonest)


def record_process_viewed(view: ProcessPositions, user: User, page: str) -> None:
    """The page shows counts, not any child's data: the view is recorded without the cases
    counted (there may be tens of thousands; each child's own record would list a view that
    showed nothing about them). Opening a count's list of cases records those cases."""
    audit.record("process.positions_viewed", user, detail=page.rstrip("?")[:500])


# -- words -------------------------------------------------------------------------------------


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split() if part[:1].isalpha()).upper()[:3] or name[:3]


def short_date(value: datetime) -> str:
    """Day, month and time in London, short enough for a label on the diagram."""
    return value.astimezone(LONDON).strftime("%-d %b %H:%M")
