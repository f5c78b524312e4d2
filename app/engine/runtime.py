"""Running workflows: start, list what waits for people, complete, fire timers, save.

Every operation that runs the engine either succeeds or raises EngineError; after an
EngineError the RunningWorkflow must be discarded (SpiffWorkflow leaves it half-run).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as AnyMessage
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask, MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine import serialization
from app.engine.diagrams import DUE_DATE, FORM_KEY, ROLE, ParsedDiagram
from app.engine.errors import EngineError, TaskNotReady
from app.engine.limits import DEFAULT_LIMITS, Budget, ExpressionLimit, Limits, within
from app.engine.scripting import RestrictedEnvironment

FORBIDDEN_KEYS = frozenset({"typename"})  # breaks SpiffWorkflow's loader at any depth
MAX_TIMER_ROUNDS = 100


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for someone, as the product sees it."""

    id: str
    bpmn_id: str
    name: str
    lane: str
    form_key: str
    documentation: str
    process_name: str
    role: str = ""


@dataclass(frozen=True)
class ThrownMessage:
    """A message a process sent to another process: a hand-off of the case."""

    name: str
    payload: dict[str, Any]


def check_data_keys(data: Any, path: str = "") -> None:
    """Refuse data the engine could save but never load again."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in FORBIDDEN_KEYS:
                raise ValueError(f"The field name {path}{key!r} is reserved by the workflow engine")
            check_data_keys(value, f"{path}{key}.")
    elif isinstance(data, list):
        for item in data:
            check_data_keys(item, path)


def _limit_breach(exc: BaseException) -> ExpressionLimit | None:
    """The limit an expression broke, if that is what this error (SpiffWorkflow wraps it) is."""
    chain: list[BaseException | None] = [exc]
    seen: set[int] = set()
    while chain:
        link = chain.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        if isinstance(link, ExpressionLimit):
            return link
        chain.extend([link.__cause__, link.__context__])
    return None


def _expression_kind(task_spec: Any, breach: ExpressionLimit) -> str:
    """What a process owner calls the expression that ran at this element."""
    definition = getattr(task_spec, "event_definition", None)
    if breach.in_script or isinstance(task_spec, ScriptTask):
        return "A script"
    if isinstance(task_spec, ExclusiveGateway | InclusiveGateway):
        return "A condition"
    if isinstance(definition, TimerEventDefinition):
        return "A timer"
    if isinstance(definition, AnyMessage):
        return "A message"
    if isinstance(task_spec, BusinessRuleTaskMixin):
        return "A decision table"
    if isinstance(task_spec, LoopTask | MultiInstanceTask):
        return "A loop expression"
    return "An expression"


def _engine_error(exc: Exception, action: str, kind: str = "") -> EngineError:
    task = getattr(exc, "task", None)
    task_name = ""
    task_id = None
    if task is not None:
        task_name = task.task_spec.bpmn_name or task.task_spec.bpmn_id or ""
        task_id = str(task.id)
    where = f" at '{task_name}'" if task_name else ""
    breach = _limit_breach(exc)
    if breach is not None:  # plain words: no expression text, no engine detail
        what = kind or _expression_kind(task.task_spec if task is not None else None, breach)
        return EngineError(
            f"{what} in the diagram {breach.reason}{where}", task_id=task_id, task_name=task_name
        )
    detail = str(exc).strip() or exc.__class__.__name__
    cause = exc.__cause__ or exc.__context__ or getattr(exc, "error", None)
    if cause is not None and str(cause) and str(cause) not in detail:
        detail = f"{detail} ({cause})"
    return EngineError(
        f"The process could not {action}{where}: {detail}", task_id=task_id, task_name=task_name
    )


class Engine:
    """Holds the script environment (with the app's helpers) shared by every workflow."""

    def __init__(
        self, helpers: Mapping[str, Callable[..., Any]] | None = None, limits: Limits | None = DEFAULT_LIMITS
    ) -> None:
        """`limits` bound every diagram expression; None turns them off (the bench compares)."""
        self.limits = limits
        self.script_engine = PythonScriptEngine(environment=RestrictedEnvironment(helpers, limits))

    def start(self, diagram: ParsedDiagram, data: Mapping[str, Any]) -> RunningWorkflow:
        """Create an instance of the diagram with the given start data and run it to its first wait.

        A process whose start event waits for a message is sent that message, carrying the
        start data as its payload: a hand-off and a direct start look the same to the diagram.
        """
        check_data_keys(dict(data))
        workflow = BpmnWorkflow(diagram.spec, diagram.subprocess_specs, script_engine=self.script_engine)
        for task in workflow.get_tasks(state=SpiffState.READY):
            task.data.update(data)
        running = RunningWorkflow(workflow, self)
        running._step("start")
        if diagram.start_message:
            running._receive(diagram.start_message, dict(data))
        return running

    def load(self, blob: bytes, diagram: ParsedDiagram) -> RunningWorkflow:
        """Restore a saved instance of `diagram` (the version it was started on)."""
        workflow = serialization.load(blob, diagram.spec, diagram.subprocess_specs)
        workflow.script_engine = self.script_engine
        return RunningWorkflow(workflow, self)

    def evaluate(self, expression: str, data: Mapping[str, Any]) -> Any:
        """Evaluate a diagram expression against some data, in the restricted environment."""
        return self.script_engine.environment.evaluate(expression, dict(data))


class RunningWorkflow:
    def __init__(self, workflow: BpmnWorkflow, engine: Engine) -> None:
        self._wf = workflow
        self._engine = engine
        # One time budget for all the expressions this workflow runs while it is loaded (one
        # request or timer job), so many expressions cannot hold the row lock for long either.
        self._budget = Budget(engine.limits.seconds) if engine.limits is not None else None

    @contextmanager
    def _limited(self) -> Iterator[None]:
        if self._budget is None:
            yield
            return
        with within(self._budget):
            yield

    # -- reading -------------------------------------------------------------------
    def ready_tasks(self) -> list[ReadyTask]:
        tasks = []
        for task in self._wf.get_tasks(state=SpiffState.READY, manual=True):
            spec = task.task_spec
            props = spec.extensions.get("properties", {}) if spec.extensions else {}
            tasks.append(
                ReadyTask(
                    id=str(task.id),
                    bpmn_id=spec.bpmn_id,
                    name=spec.bpmn_name or spec.bpmn_id,
                    lane=spec.lane or "",
                    form_key=props.get(FORM_KEY, "") if isinstance(spec, UserTask) else "",
                    documentation=(spec.documentation or "").strip(),
                    process_name=task.workflow.spec.description or task.workflow.spec.name,
                    role=props.get(ROLE, ""),
                )
            )
        return tasks

    def task_data(self, task_id: str) -> dict[str, Any]:
        task = self._wf.get_task_from_id(uuid.UUID(task_id))
        return dict(task.data)

    def due_at(self, task_id: str) -> datetime | None:
        """The task's due time from its `dueDate` expression, or None if it declares none."""
        task = self._wf.get_task_from_id(uuid.UUID(task_id))
        props = task.task_spec.extensions.get("properties", {}) if task.task_spec.extensions else {}
        expression = props.get(DUE_DATE)
        if not expression:
            return None
        try:
            with self._limited():
                value = self._wf.script_engine.evaluate(task, expression)
        except (SpiffWorkflowException, Exception) as exc:
            raise _engine_error(exc, "work out a due date", kind="The due date") from exc
        return _to_utc(value)

    @property
    def data(self) -> dict[str, Any]:
        """The data the process has gathered, as seen by its most recent task."""
        last = self._wf.last_task
        return dict(last.data) if last is not None else dict(self._wf.data)

    def is_completed(self) -> bool:
        return bool(self._wf.is_completed())

    def end_event_name(self) -> str:
        """The outcome: the end event the process's own path finished at ('' while running).

        End events of side branches started by non-interrupting boundary events (a reminder,
        a review meeting) are not outcomes; they count only if nothing else ended.
        """
        ends = [
            t
            for t in self._wf.get_tasks(state=SpiffState.COMPLETED)
            if isinstance(t.task_spec, EndEvent) and t.workflow is self._wf
        ]
        side = _side_branch_ends(self._wf.spec)
        main = [t for t in ends if t.task_spec.name not in side] or ends
        if not main:
            return ""
        last = max(main, key=lambda t: t.last_state_change)
        return str(last.task_spec.bpmn_name or last.task_spec.bpmn_id)

    def next_timer_due(self) -> datetime | None:
        """Earliest due time of the waiting timers, including those in called processes."""
        dues = []
        for task in self._wf.get_tasks(state=SpiffState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition):
                value = definition.details(task).value
                # A cycle that has run all its rounds reports its spent state (a dict), not a time.
                if isinstance(value, str):
                    dues.append(TimerEventDefinition.get_datetime(value))
        return min(dues) if dues else None

    # -- acting ----------------------------------------------------------------------
    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> None:
        """Record the form data on a READY human task and run the engine to the next wait.

        Raises TaskNotReady if the task is not waiting for input, EngineError if the
        diagram fails on the way.
        """
        check_data_keys(dict(data))
        try:
            task = self._wf.get_task_from_id(uuid.UUID(task_id))
        except (ValueError, SpiffWorkflowException, KeyError) as exc:
            raise TaskNotReady(task_id, "unknown") from exc
        if task is None:
            raise TaskNotReady(task_id, "unknown")
        if task.state != SpiffState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id, SpiffState.get_name(task.state).lower())
        try:
            # Replace, never deep-merge: SpiffWorkflow's merge would splice a shorter list into a
            # longer one already there (['a','b','c'] then ['d'] gives ['d','b','c']).
            variable = getattr(task.task_spec, "variable", None)
            task.set_data(**({variable: dict(data)} if variable else dict(data)))
            with self._limited():
                task.run()
        except Exception as exc:
            raise _engine_error(exc, "accept the form") from exc
        self._step("move on")

    def fire_due_timers(self) -> bool:
        """Fire every timer that is due; return True if anything fired."""
        before = self.next_timer_due()
        if before is None or before > datetime.now(UTC):
            return False
        for _ in range(MAX_TIMER_ROUNDS):  # cycle timers fire one cycle per refresh
            self._step("fire a timer", refresh_first=True)
            due = self.next_timer_due()
            if due is None or due > datetime.now(UTC):
                break
        return True

    def take_thrown_messages(self) -> list[ThrownMessage]:
        """The messages the last steps sent to other processes; each is given out once.

        Take them before dump(): a message left in the workflow would be saved with it.
        """
        return [
            ThrownMessage(event.event_definition.name, dict(event.payload or {}))
            for event in self._wf.get_events()
            if isinstance(event.event_definition, AnyMessage)
        ]

    def dump(self) -> bytes:
        return serialization.dump(self._wf)

    def _receive(self, name: str, payload: dict[str, Any]) -> None:
        try:
            with self._limited():
                self._wf.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))
        except Exception as exc:
            raise _engine_error(exc, f"receive the message '{name}'") from exc
        self._step("start")

    def _step(self, action: str, refresh_first: bool = False) -> None:
        try:
            with self._limited():
                if refresh_first:
                    self._wf.refresh_timers()
                self._wf.do_engine_steps()
                # do_engine_steps refreshes timers only at its end: a timer it found due is
                # READY but has not run. One more step runs it.
                if any(True for _ in self._wf.get_tasks(state=SpiffState.READY, manual=False)):
                    self._wf.do_engine_steps()
        except Exception as exc:
            raise _engine_error(exc, action) from exc


def _side_branch_ends(spec: Any) -> set[str]:
    """Names of end events reached only from non-interrupting boundary events."""
    side: set[str] = set()
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, BoundaryEvent) and not task_spec.cancel_activity:
            stack, seen = list(task_spec.outputs), set()
            while stack:
                node = stack.pop()
                if node.name in seen:
                    continue
                seen.add(node.name)
                if isinstance(node, EndEvent):
                    side.add(node.name)
                stack.extend(node.outputs)
    return side


def _to_utc(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 17, 0, tzinfo=UTC)
    raise TypeError(f"a due date must be a date or an ISO string, not {type(value).__name__}")
