"""What a process owner's test run of a draft needs from a workflow beyond running it: the
timers it waits on, and a clock moved forward without waiting for it (timers due by then fire,
as the scheduler would fire them on that day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine.runtime import RunningWorkflow


@dataclass(frozen=True)
class WaitingTimer:
    name: str
    due: datetime


def waiting_timers(running: RunningWorkflow) -> list[WaitingTimer]:
    """The timers the workflow waits on, soonest first (cycles that have run out are left out)."""
    found = []
    for task in running._wf.get_tasks(state=SpiffState.WAITING):  # the engine package's own object
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            value = definition.details(task).value
            if isinstance(value, str):
                name = task.task_spec.bpmn_name or task.task_spec.bpmn_id or "A timer"
                found.append(WaitingTimer(name, TimerEventDefinition.get_datetime(value)))
    return sorted(found, key=lambda t: t.due)


def fire_timers_due_by(running: RunningWorkflow, moment: datetime) -> list[str]:
    """Fire every waiting timer due by `moment` (in the future: the test's clock), as if that day
    had come; then run to the next wait. Returns the names of the timers fired, in order."""
    fired: list[str] = []
    for _ in range(50):  # a fired timer can start another one that is also due by then
        due = [t for t in running._wf.get_tasks(state=SpiffState.WAITING) if _due_by(t, moment)]
        if not due:
            break
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        for task in due:
            task._set_internal_data(event_value=past)
            fired.append(task.task_spec.bpmn_name or task.task_spec.bpmn_id or "A timer")
        running._step("fire a timer", refresh_first=True)
    return fired


def _due_by(task: object, moment: datetime) -> bool:
    definition = getattr(getattr(task, "task_spec", None), "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return False
    value = definition.details(task).value
    return isinstance(value, str) and TimerEventDefinition.get_datetime(value) <= moment
