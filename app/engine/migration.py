"""Moving a running instance onto another version of its process.

SpiffWorkflow compares two specs (SpecDiff: each task spec of the old one aligned to one of the
new by BPMN id, then by structure) and swaps a workflow's task specs along that alignment,
re-predicting the branches that are waiting. The library leaves the decision to the host; ours:

- an instance can move when every task it has open or waiting (a user task, a timer) exists in
  the new version, no step it is inside (a sub-process or call activity under way) has changed,
  and no step it has already passed was removed;
- changes to steps already passed (their name, guidance, where they lead) are fine: history is
  kept as it was, and the future is predicted from the new diagram;
- waiting timers keep their due dates (SpiffWorkflow would restart them from the migration).

The comparison of two specs is made once per pair of versions and reused for every instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, diff_dependencies, migrate_workflow
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine.diagrams import FORM_KEY, ParsedDiagram
from app.engine.errors import EngineError
from app.engine.runtime import RunningWorkflow
from app.engine.serialization import registry

OPEN = SpiffState.READY | SpiffState.WAITING
UNDER_WAY = SpiffState.STARTED
PASSED = SpiffState.COMPLETED


@dataclass
class MoveCheck:
    """Whether one instance can move, why not, and what would change for it."""

    can_move: bool = True
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    # The form each open user task would show after the move, by BPMN id (the caller checks the
    # new version defines it).
    open_forms: dict[str, str] = field(default_factory=dict)

    def refuse(self, reason: str) -> None:
        self.can_move = False
        self.reasons.append(reason)


def _named(spec: Any) -> str:
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return f"'{name}'"


def _is_visible(spec: Any) -> bool:
    """A step of the diagram (not one of SpiffWorkflow's own start, end or join markers)."""
    return bool(getattr(spec, "bpmn_id", None))


class VersionChange:
    """The comparison of two versions of a process, for moving its instances between them."""

    def __init__(self, old: ParsedDiagram, new: ParsedDiagram) -> None:
        if old.process_id != new.process_id:
            raise ValueError("Instances move only between versions of one process")
        self.old, self.new = old, new
        self.spec_diff = SpecDiff(registry(), old.spec, new.spec)
        self.dependency_diffs, _added = diff_dependencies(
            registry(), old.subprocess_specs, new.subprocess_specs
        )

    def _diffs(self, running: RunningWorkflow) -> tuple[WorkflowDiff, dict[Any, WorkflowDiff | None]]:
        workflow = running._wf  # the engine package's own object
        top = WorkflowDiff(workflow, self.spec_diff)
        subs: dict[Any, WorkflowDiff | None] = {}
        for sub_id, sub in workflow.subprocesses.items():
            spec_diff = self.dependency_diffs.get(sub.spec.name)
            subs[sub_id] = WorkflowDiff(sub, spec_diff) if spec_diff is not None else None
        return top, subs

    def check(self, running: RunningWorkflow) -> MoveCheck:
        result = MoveCheck()
        if running.is_completed():
            result.refuse("It has finished")
            return result
        workflow = running._wf
        top, subs = self._diffs(running)
        for sub_id, diff in subs.items():
            if diff is None:
                name = workflow.subprocesses[sub_id].spec.name
                result.refuse(
                    f"It is inside the called process '{name}', which the new version does not have"
                )
        for diff in [top, *(d for d in subs.values() if d is not None)]:
            for task in diff.removed:
                if not _is_visible(task.task_spec):
                    continue
                if task.state & OPEN:
                    result.refuse(f"Its open step {_named(task.task_spec)} is not in the new version")
                elif task.state & (PASSED | UNDER_WAY):
                    result.refuse(
                        f"The step {_named(task.task_spec)} it has passed is not in the new version"
                    )
            for task in diff.changed:
                if task.state & UNDER_WAY and _is_visible(task.task_spec):
                    result.refuse(f"The step {_named(task.task_spec)} it is inside has changed")
            for task, new_spec in diff.alignment.items():
                if not (task.state & OPEN) or not _is_visible(new_spec):
                    continue
                if task.state & SpiffState.READY and task.task_spec.manual:
                    props = (new_spec.extensions or {}).get("properties", {})
                    result.open_forms[new_spec.bpmn_id] = props.get(FORM_KEY, "")
                    if (new_spec.bpmn_name or "") != (task.task_spec.bpmn_name or ""):
                        result.changes.append(
                            f"Its open task {_named(task.task_spec)} is called {_named(new_spec)} from now on"
                        )
                if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                    result.changes.append(f"Its waiting timer {_named(task.task_spec)} keeps its due date")
        added = [s for s in self.spec_diff.added if _is_visible(s)]
        if added and result.can_move:
            result.changes.append("The new version adds the steps " + ", ".join(_named(s) for s in added))
        return result

    def move(self, running: RunningWorkflow) -> None:
        """Put the instance on the new version, in place (check() first). Its waiting timers keep
        their due dates; the engine then runs to the next wait, as after any step."""
        workflow = running._wf
        top, subs = self._diffs(running)
        # By task: a timer keeps its task when the engine matches it to a renamed or redrawn one.
        timers = {
            task.id: dict(task.internal_data)
            for task in workflow.get_tasks(state=SpiffState.WAITING)
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)
        }
        try:
            migrate_workflow(top, workflow, self.new.spec)
            for sub_id, sub in workflow.subprocesses.items():
                diff = subs.get(sub_id)
                if diff is None:
                    raise EngineError(f"The called process '{sub.spec.name}' is not in the new version")
                migrate_workflow(diff, sub, self.new.subprocess_specs.get(sub.spec.name))
            workflow.subprocess_specs = self.new.subprocess_specs
            for task in workflow.get_tasks(state=SpiffState.WAITING):
                saved = timers.get(task.id)
                if saved is not None:
                    task.internal_data.update(saved)
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"The instance could not be moved: {exc}") from exc
        running._step("move to the new version")
