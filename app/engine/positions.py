"""Where a running (or finished) workflow stands on its diagram, read without changing it.

Per BPMN element of the instance's own diagram: when it completed (each time: a loop passes an
element more than once), whether it is active now (a task waiting for someone), whether it waits
(a timer, with its due time, or a message), whether it failed; and the sequence flows the
instance has taken. Elements of called processes (call activities) are left out: they belong to
another diagram. Those of embedded subprocesses are in this diagram and are included.

SpiffWorkflow keeps no sequence flow ids, so the flows taken are inferred: a task the engine
reached, whose nearest BPMN ancestor in the task tree completed, came along the flow from that
ancestor to it (looked up by source and target in the diagram's XML).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine.runtime import RunningWorkflow

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# States in which the engine has reached a task (a token arrived); FUTURE, LIKELY and MAYBE are
# only predictions. A CANCELLED task was reached if it had been active (a task a deadline
# interrupted); one cancelled while still predicted was not (see _reached).
REACHED = SpiffState.COMPLETED | SpiffState.READY | SpiffState.STARTED | SpiffState.WAITING | SpiffState.ERROR


@dataclass(frozen=True)
class Timer:
    """A timer event waiting for its time."""

    bpmn_id: str
    name: str
    due: datetime | None  # None for a cycle that has run all its rounds


@dataclass
class ElementPosition:
    bpmn_id: str
    name: str
    kind: str  # "user task", "timer", "gateway", "event", "task"...
    completed_at: list[datetime] = field(default_factory=list)  # each pass, oldest first
    active: int = 0  # tasks ready for someone (or a step running) now
    waiting: int = 0  # timers, messages and joins waiting now
    failed: bool = False
    timers: list[Timer] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return bool(self.completed_at)

    @property
    def marker(self) -> str:
        """The one marker a diagram draws on it: the most pressing of its states."""
        if self.failed:
            return "problem"
        if self.active:
            return "active"
        if self.waiting:
            return "waiting"
        return "done" if self.completed else ""


@dataclass(frozen=True)
class Positions:
    elements: Mapping[str, ElementPosition]
    flows_taken: frozenset[str]

    def markers(self) -> dict[str, str]:
        """Element id → marker kind, and each flow taken → "taken", for the diagram viewer."""
        marks = {e.bpmn_id: e.marker for e in self.elements.values() if e.marker}
        return marks | dict.fromkeys(sorted(self.flows_taken), "taken")

    @property
    def timers(self) -> list[Timer]:
        found = [t for e in self.elements.values() for t in e.timers]
        return sorted(found, key=lambda t: (t.due is None, t.due or datetime.max.replace(tzinfo=UTC)))

    def completed_steps(self) -> list[tuple[datetime, ElementPosition]]:
        """Every pass through a completed element, in the order they completed."""
        steps = [(at, e) for e in self.elements.values() for at in e.completed_at]
        return sorted(steps, key=lambda step: step[0])


def read_positions(running: RunningWorkflow, bpmn_xml: bytes) -> Positions:
    """Where the workflow stands on the diagram `bpmn_xml` it runs on (nothing is changed)."""
    workflow = running._wf
    flows = flow_ids(bpmn_xml)
    elements: dict[str, ElementPosition] = {}
    taken: set[str] = set()
    for tasks in _own_task_sets(workflow):
        for task in tasks:
            bpmn_id = _bpmn_id(task)
            if bpmn_id is None or not _reached(task):
                continue
            element = elements.get(bpmn_id) or elements.setdefault(bpmn_id, _element(task, bpmn_id))
            _note_state(element, task)
            source = _nearest_bpmn_ancestor(task)
            if source is not None and source.state == SpiffState.COMPLETED:
                taken.update(flows.get((_bpmn_id(source) or "", bpmn_id), ()))
    for element in elements.values():
        element.completed_at.sort()
    return Positions(elements, frozenset(taken))


@lru_cache(maxsize=64)
def flow_ids(bpmn_xml: bytes) -> dict[tuple[str, str], tuple[str, ...]]:
    """(source id, target id) → the ids of the sequence flows between them, in the whole file."""
    root = etree.fromstring(bpmn_xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target, flow_id = flow.get("sourceRef"), flow.get("targetRef"), flow.get("id")
        if source and target and flow_id:
            found[(source, target)].append(flow_id)
    return {pair: tuple(ids) for pair, ids in found.items()}


def _own_task_sets(workflow: Any) -> Iterable[Iterable[Any]]:
    """The tasks of the top workflow and of its embedded subprocesses, not of called processes.

    Read from each workflow's task dictionary, not by walking the tree: a long loop makes the
    tree deeper than the engine's iterator goes."""
    yield workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        if _embedded(workflow, sub):
            yield sub.tasks.values()


def _embedded(top: Any, sub: Any) -> bool:
    """A subprocess drawn inside this diagram (all the way up), not a called process."""
    while sub is not None and sub is not top:
        owner = sub.parent_workflow.tasks.get(sub.parent_task_id) if sub.parent_workflow else None
        if owner is None or isinstance(owner.task_spec, CallActivity):
            return False
        sub = sub.parent_workflow
    return True


def _bpmn_id(task: Any) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _reached(task: Any) -> bool:
    if task.state & REACHED:
        return True
    # Cancelled: reached if it had become ready or was waiting before it was cancelled; a
    # predicted task that is cancelled has a parent that never completed, or it was never run.
    return bool(
        task.state == SpiffState.CANCELLED
        and task.parent is not None
        and task.parent.state == SpiffState.COMPLETED
        and _bpmn_id(task) is not None
        and task.task_spec.manual
    )


def _element(task: Any, bpmn_id: str) -> ElementPosition:
    spec = task.task_spec
    return ElementPosition(bpmn_id=bpmn_id, name=spec.bpmn_name or bpmn_id, kind=_kind(spec))


def _kind(spec: Any) -> str:
    if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
        return "timer"
    if spec.manual:
        return "user task"
    name = type(spec).__name__
    if name.endswith("Gateway"):
        return "gateway"
    if name.endswith("Event"):
        return "event"
    return "task"


def _note_state(element: ElementPosition, task: Any) -> None:
    state = task.state
    if state == SpiffState.COMPLETED:
        element.completed_at.append(datetime.fromtimestamp(task.last_state_change, UTC))
    elif state in (SpiffState.READY, SpiffState.STARTED):
        element.active += 1
    elif state == SpiffState.WAITING:
        element.waiting += 1
        timer = _timer(task)
        if timer is not None:
            element.timers.append(timer)
    elif state == SpiffState.ERROR:
        element.failed = True


def _timer(task: Any) -> Timer | None:
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    value = definition.details(task).value
    due = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None
    if due is not None:
        due = due.replace(tzinfo=UTC) if due.tzinfo is None else due.astimezone(UTC)
    name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
    return Timer(bpmn_id=task.task_spec.bpmn_id, name=name, due=due)


def _nearest_bpmn_ancestor(task: Any) -> Any | None:
    parent = task.parent
    while parent is not None and _bpmn_id(parent) is None:
        parent = parent.parent
    return parent
