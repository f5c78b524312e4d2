"""Moving running instances of a process from one version to another, instance by instance.

A Mover compares the two versions once; each instance is then checked (a dry run) or moved in
the caller's transaction: locked, loaded, moved (waiting timers keep their due dates), saved on
the new version, its open tasks kept as they were (their ids, assignees and due dates), with
what the new diagram says of them (name, form, guidance, queue), and one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from app import audit
from app.engine import ParsedDiagram, RunningWorkflow
from app.engine.migration import MoveCheck, VersionChange
from app.extensions import db, table_of
from app.formkit.definitions import FormBundle
from app.models import HumanTask, InstanceStatus, ProcessInstance, ProcessVersion, TaskState, User
from app.workflow.instances import _child_sort_name_of, _project, _state_of, lock_instance
from app.workflow.library import get_engine, get_library, team_for_lane
from app.workflow.timers import note_timer

TASKS = table_of(HumanTask)

__all__ = ["MOVABLE", "MoveCheck", "Moved", "Mover"]


# An instance stopped by an incident moves too: its saved state is the last good one (a failed
# step is never saved), and moving it onto a fixed version is how its incident is cured.
MOVABLE = (InstanceStatus.RUNNING, InstanceStatus.INCIDENT)


@dataclass(frozen=True)
class Moved:
    instance_id: int
    check: MoveCheck


class Mover:
    def __init__(self, source: ProcessVersion, target: ProcessVersion) -> None:
        if source.process_id != target.process_id:
            raise ValueError("Instances move only between versions of one process")
        if source.id == target.id:
            raise ValueError("Choose another version to move to")
        library = get_library()
        # Plain values, not the rows: a batch commits after each instance, which expires rows.
        self.source_id, self.source_number = source.id, source.number
        self.target_id: int | None = target.id
        self.target_number: int | str = target.number
        self.name = source.name
        self.change = VersionChange(library.diagram_for(source), library.diagram_for(target))
        self.forms = library.forms_for_version_id(target.id)

    @classmethod
    def against(cls, source: ProcessVersion, diagram: ParsedDiagram, forms: FormBundle, label: str) -> Mover:
        """A Mover that only checks: could the source's instances move to a diagram not yet
        published (a draft)? `label` names it in reasons."""
        mover = cls.__new__(cls)
        mover.source_id, mover.source_number, mover.name = source.id, source.number, source.name
        mover.target_id, mover.target_number = None, label
        mover.change = VersionChange(get_library().diagram_for(source), diagram)
        mover.forms = forms
        return mover

    def _load(self, instance: ProcessInstance) -> RunningWorkflow:
        return get_engine().load(instance.state, self.change.old)

    def check(self, instance: ProcessInstance, running: RunningWorkflow | None = None) -> MoveCheck:
        """Could the instance move, and what would change for it (nothing is written)."""
        if instance.process_version_id != self.source_id:
            result = MoveCheck()
            result.refuse(f"It is not on version {self.source_number}")
            return result
        if instance.status not in MOVABLE:
            result = MoveCheck()
            result.refuse(
                "It is suspended: a manager must resume it first"
                if instance.status == InstanceStatus.SUSPENDED
                else "It has finished"
            )
            return result
        result = self.change.check(running or self._load(instance))
        for bpmn_id, form_key in result.open_forms.items():
            if form_key and form_key not in self.forms.forms:
                result.refuse(
                    f"Its open task ({bpmn_id}) would show the form '{form_key}', which "
                    f"{_named_target(self.target_number)} does not define"
                )
        return result

    def move(self, instance_id: int, actor: User | None, reason: str) -> Moved:
        """Move one instance in the caller's transaction; nothing is written if it cannot move."""
        if self.target_id is None:
            raise ValueError("This comparison is with a draft: publish it before moving cases onto it")
        instance = lock_instance(instance_id)
        running = self._load(instance) if instance.process_version_id == self.source_id else None
        result = self.check(instance, running)
        if not result.can_move or running is None:
            return Moved(instance_id, result)
        self.change.move(running)
        values = _state_of(running, already_finished=False)
        for column, value in values.items():
            setattr(instance, column, value)
        instance.process_version_id = self.target_id
        db.session.flush()
        _refresh_open_tasks(instance, running)
        _project(instance, running, "")  # a task it reaches now takes the child's name below
        _name_new_tasks(instance)
        note_timer(instance.id, instance.next_timer_at)
        audit.record(
            "process.migrated",
            actor,
            instance=instance,
            detail=f"{self.name}: version {self.source_number} to {self.target_number}. {reason}",
            before={"version": self.source_number},
            after={"version": self.target_number, "changes": result.changes},
        )
        return Moved(instance_id, result)


_OPEN_ROWS = select(
    TASKS.c.id, TASKS.c.bpmn_id, TASKS.c.name, TASKS.c.form_key, TASKS.c.documentation, TASKS.c.lane,
    TASKS.c.required_role, TASKS.c.process_name,
).where(TASKS.c.instance_id == bindparam("p_instance"), TASKS.c.state == TaskState.OPEN)  # fmt: skip


def _named_target(label: int | str) -> str:
    return f"version {label}" if isinstance(label, int) else label


def _refresh_open_tasks(instance: ProcessInstance, running: RunningWorkflow) -> None:
    """Open task rows take what the new diagram says of their task (name, form, guidance, queue,
    role); who holds them and when they are due stay as they were."""
    ready = {t.id: t for t in running.ready_tasks()}
    for row in db.session.connection().execute(_OPEN_ROWS, {"p_instance": instance.id}):
        task = ready.get(row.id)
        if task is None:
            continue
        values: dict[str, object] = {
            "bpmn_id": task.bpmn_id,  # the engine may match a task to a redrawn one with a new id
            "name": task.name,
            "form_key": task.form_key,
            "documentation": task.documentation,
            "lane": task.lane,
            "required_role": task.role,
            "process_name": task.process_name,
        }
        if task.lane != row.lane:
            values["team_id"] = team_for_lane(task.lane)
        if any(getattr(row, k) != v for k, v in values.items() if k != "team_id") or "team_id" in values:
            db.session.connection().execute(update(TASKS).where(TASKS.c.id == row.id).values(**values))


def _name_new_tasks(instance: ProcessInstance) -> None:
    """Tasks the move made ready were written without the child's name: add it (rarely any)."""
    unnamed = (
        db.session.connection()
        .execute(select(TASKS.c.id).where(TASKS.c.instance_id == instance.id, TASKS.c.child_name == ""))
        .first()
    )
    if unnamed is not None:
        db.session.connection().execute(
            update(TASKS)
            .where(TASKS.c.instance_id == instance.id, TASKS.c.child_name == "")
            .values(child_name=_child_sort_name_of(instance.case_id))
        )


def instances_on(version: ProcessVersion, limit: int | None = None) -> list[int]:
    """Ids of the running instances on a version, oldest first."""
    query = (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.process_version_id == version.id, ProcessInstance.status.in_(MOVABLE)
        )
        .order_by(ProcessInstance.id)
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))
