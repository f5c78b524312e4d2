"""Moving running instances of a process from one version to another, instance by instance.

A Mover compares the two versions once; each instance is then checked (a dry run) or moved in
the caller's transaction: locked, loaded, moved (waiting timers keep their due dates), saved on
the new version, its open tasks kept as they were (their ids, assignees and due dates), with
what the new diagram says of them (name, form, guidance, queue), and one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from app import audit
from app.engine import RunningWorkflow
from app.engine.migration import MoveCheck, VersionChange
from app.extensions import db, table_of
from app.models import HumanTask, InstanceStatus, ProcessInstance, ProcessVersion, TaskState, User
from app.workflow.instances import _project, _state_of, child_sort_name, lock_instance
from app.workflow.library import get_engine, get_library, team_for_lane
from app.workflow.timers import note_timer

TASKS = table_of(HumanTask)

__all__ = ["MoveCheck", "Moved", "Mover"]


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
        self.source, self.target = source, target
        self.change = VersionChange(library.diagram_for(source), library.diagram_for(target))
        self.forms = library.forms_for_version_id(target.id)

    def _load(self, instance: ProcessInstance) -> RunningWorkflow:
        return get_engine().load(instance.state, self.change.old)

    def check(self, instance: ProcessInstance) -> MoveCheck:
        """Could the instance move, and what would change for it (nothing is written)."""
        if instance.process_version_id != self.source.id:
            result = MoveCheck()
            result.refuse(f"It is not on version {self.source.number}")
            return result
        if instance.status != InstanceStatus.RUNNING:
            result = MoveCheck()
            result.refuse(
                "It has finished"
                if instance.status == InstanceStatus.COMPLETED
                else "It is stopped by an incident"
            )
            return result
        result = self.change.check(self._load(instance))
        for bpmn_id, form_key in result.open_forms.items():
            if form_key and form_key not in self.forms.forms:
                result.refuse(
                    f"Its open task ({bpmn_id}) would show the form '{form_key}', which version "
                    f"{self.target.number} does not define"
                )
        return result

    def move(self, instance_id: int, actor: User | None, reason: str) -> Moved:
        """Move one instance in the caller's transaction; nothing is written if it cannot move."""
        instance = lock_instance(instance_id)
        result = self.check(instance)
        if not result.can_move:
            return Moved(instance_id, result)
        running = self._load(instance)
        self.change.move(running)
        values = _state_of(running, already_finished=False)
        for column, value in values.items():
            setattr(instance, column, value)
        instance.process_version_id = self.target.id
        db.session.flush()
        _refresh_open_tasks(instance, running)
        _project(instance, running, child_sort_name(instance.case))
        note_timer(instance.id, instance.next_timer_at)
        audit.record(
            "process.migrated",
            actor,
            case=instance.case,
            instance=instance,
            detail=f"{self.source.name}: version {self.source.number} to {self.target.number}. {reason}",
            before={"version": self.source.number},
            after={"version": self.target.number, "changes": result.changes},
        )
        return Moved(instance_id, result)


def _refresh_open_tasks(instance: ProcessInstance, running: RunningWorkflow) -> None:
    """Open task rows take what the new diagram says of their task (name, form, guidance, queue,
    role); who holds them and when they are due stay as they were."""
    ready = {t.id: t for t in running.ready_tasks()}
    rows = db.session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.OPEN)
    )
    for row in rows:
        task = ready.get(row.id)
        if task is None:
            continue
        values: dict[str, object] = {
            "name": task.name,
            "form_key": task.form_key,
            "documentation": task.documentation,
            "lane": task.lane,
            "required_role": task.role,
            "process_name": task.process_name,
        }
        if task.lane != row.lane:
            values["team_id"] = team_for_lane(task.lane)
        if any(getattr(row, k) != v for k, v in values.items()):
            db.session.execute(update(TASKS).where(TASKS.c.id == row.id).values(**values))


def instances_on(version: ProcessVersion, limit: int | None = None) -> list[int]:
    """Ids of the running instances on a version, oldest first."""
    query = (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.process_version_id == version.id, ProcessInstance.status == InstanceStatus.RUNNING
        )
        .order_by(ProcessInstance.id)
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))
