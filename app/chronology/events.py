"""The audit trail's part of a case's chronology: claims, releases and reassignments with their
reasons, suspensions and resumptions, timers fired and the work they escalated or stopped, and
any other change recorded on the case. Pure functions of events already read.

Views are never entries (they are in the audit trail, not the chronology), and events whose
facts come from rows of their own (a task's answers, a process's start and end, an incident) are
left to those rows (app/chronology/sources.py), so nothing is told twice.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.audit import VIEW_ACTIONS, action_label
from app.chronology.entries import RANK_EVENT, Entry, Lookups
from app.models import AuditEvent, HumanTask, TaskState

# Audit actions whose facts come from their own rows (the case, instances, tasks, incidents):
# turning the event into an entry too would tell the same thing twice.
TOLD_BY_ROWS = frozenset(
    {
        "case.referred",
        "case.pathway_started",
        "process.started",
        "process.handed_over",
        "process.completed",
        "task.completed",
        "incident.raised",
        "incident.resolved",
    }
)
ALLOCATIONS = frozenset({"task.claimed", "task.released", "task.assigned"})
SUSPENSIONS = {"process.suspended": "Suspended", "process.resumed": "Resumed"}
# Events that cannot create or stop tasks: a task made after one of these was made by the step before.
NOT_STEPS = ALLOCATIONS | VIEW_ACTIONS | frozenset(SUSPENSIONS) | {"incident.raised", "incident.resolved"}
# How long after a step's event it may still write the tasks it makes (see _cause).
STEP_TIME = timedelta(minutes=1)


def step_actors(events: Iterable[AuditEvent]) -> dict[tuple[str, int], int | None]:
    """Who started, handed on or finished each instance: (action, instance id) -> user id."""
    found: dict[tuple[str, int], int | None] = {}
    for event in events:
        if event.instance_id is not None and event.action in TOLD_BY_ROWS:
            found.setdefault((event.action, event.instance_id), event.actor_id)
    return found


@dataclass(frozen=True)
class TimerStep:
    """What one timer firing did to the case's work: tasks it created (an escalation such as
    "Record why the assessment is late") and tasks it stopped."""

    created: tuple[HumanTask, ...] = ()
    stopped: tuple[HumanTask, ...] = ()


def timer_steps(events: Iterable[AuditEvent], tasks: Iterable[HumanTask]) -> dict[int, TimerStep]:
    """Timer event id -> what it did. A task was made (or stopped) by the last step recorded on its
    instance at or before the moment it was made (or stopped): every step writes its event
    before it writes the tasks, so when that step is a timer firing, the timer did it."""
    steps: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in events:
        if event.instance_id is not None and event.action not in NOT_STEPS:
            steps[event.instance_id].append(event)
    for found in steps.values():
        found.sort(key=lambda e: (e.at, e.id))
    created: dict[int, list[HumanTask]] = defaultdict(list)
    stopped: dict[int, list[HumanTask]] = defaultdict(list)
    for task in tasks:
        on_instance = steps.get(task.instance_id, [])
        cause = _cause(on_instance, task.created_at)
        if cause is not None and cause.action == "timer.fired":
            created[cause.id].append(task)
        if task.state == TaskState.CANCELLED and task.completed_at is not None:
            cause = _cause(on_instance, task.completed_at)
            if cause is not None and cause.action == "timer.fired":
                stopped[cause.id].append(task)
    return {
        event_id: TimerStep(tuple(created.get(event_id, ())), tuple(stopped.get(event_id, ())))
        for event_id in created.keys() | stopped.keys()
    }


def _cause(steps: list[AuditEvent], moment: datetime) -> AuditEvent | None:
    at = bisect_right([e.at for e in steps], moment)
    if not at:
        return None
    cause = steps[at - 1]
    # A step writes its tasks within moments of its event; a task much later than the last
    # event was made by something that wrote its event afterwards (moving to a new version).
    return cause if moment - cause.at <= STEP_TIME else None


def event_entries(
    events: Iterable[AuditEvent],
    tasks: Mapping[str, HumanTask],
    steps: Mapping[int, TimerStep],
    lookups: Lookups,
) -> list[Entry]:
    """Claims, releases and reassignments (with their reasons), suspensions and resumptions, timers
    fired and what they escalated, and any other change recorded on the case. Never a view."""
    entries = []
    for event in events:
        if event.action in VIEW_ACTIONS or event.action in TOLD_BY_ROWS:
            continue
        task = tasks.get(event.task_id) if event.task_id else None
        instance_id = (
            event.instance_id if event.instance_id is not None else (task.instance_id if task else None)
        )
        common: dict[str, Any] = {
            "at": event.at,
            "who": lookups.person(event.actor_id),
            "process": lookups.process(instance_id),
            "rank": RANK_EVENT,
            "seq": event.id,
        }
        if event.action in ALLOCATIONS:
            name = task.name if task is not None else (event.detail or "a task")
            what = _allocation_words(event, name, lookups)
            entries.append(Entry(kind="allocation", what=what, detail=_reason(event, name), **common))
        elif event.action in SUSPENSIONS:
            what = f"{SUSPENSIONS[event.action]} {common['process'] or 'a process'}"
            entries.append(Entry(kind="suspension", what=what, detail=_reason(event, ""), **common))
        elif event.action == "timer.fired":
            entries.append(_timer_entry(steps.get(event.id, TimerStep()), lookups, common))
        else:
            kind = "incident" if event.action.startswith("incident.") else "other"
            entries.append(
                Entry(
                    kind=kind,
                    what=action_label(event.action),
                    detail=event.detail,
                    facts=_change_facts(event),
                    **common,
                )
            )
    return entries


def _allocation_words(event: AuditEvent, name: str, lookups: Lookups) -> str:
    before = _holder(event.before)
    if event.action == "task.claimed":
        return f"Claimed “{name}”"
    if event.action == "task.released":
        if before is None or before == event.actor_id:
            return f"Released “{name}” back to the team queue"
        return f"Released “{name}” from {lookups.person(before)} back to the team queue"
    after = _holder(event.after)
    words = f"Assigned “{name}” to {lookups.person(after)}"
    if before is not None and before != after:
        words += f", taking it from {lookups.person(before)}"
    return words


def _holder(values: dict[str, Any] | None) -> int | None:
    holder = (values or {}).get("assignee_id")
    return holder if isinstance(holder, int) else None


def _reason(event: AuditEvent, task_name: str) -> str:
    """The reason given for a claim, release, reassignment or suspension: a `reason` kept with the
    event, or its detail when that says more than the task's name (older events kept only that)."""
    for values in (event.after, event.before):
        if isinstance(values, dict) and values.get("reason"):
            return str(values["reason"])
    detail = (event.detail or "").strip()
    if not task_name:
        return detail
    if detail == task_name or detail.startswith(f"{task_name} to "):
        return ""
    return detail.removeprefix(f"{task_name}: ")


def _timer_entry(step: TimerStep, lookups: Lookups, common: dict[str, Any]) -> Entry:
    """A timer that stopped a task was a deadline on it; one that only brought new work may be a
    scheduled date (a review coming due) as well as an escalation, so it is told as what it did."""
    facts = tuple(("New task", _task_and_team(t, lookups)) for t in step.created) + tuple(
        ("Stopped", t.name) for t in step.stopped
    )
    if step.stopped:
        what = "A deadline passed" + (": the work was escalated" if step.created else "")
    elif step.created:
        what = "A set time was reached and new work was created"
    else:
        what = "A set time was reached"
    return Entry(kind="timer", what=what, facts=facts, **common)


def _task_and_team(task: HumanTask, lookups: Lookups) -> str:
    team = lookups.teams.get(task.team_id) if task.team_id is not None else None
    return f"{task.name} ({team})" if team else task.name


def _change_facts(event: AuditEvent) -> tuple[tuple[str, str], ...]:
    if event.action == "case.attendance_recorded" and isinstance(event.after, dict):
        return (("Attendance", f"{event.after.get('attendance_percent')}%"),)
    return ()
