"""One case on one process, walked through the product's services on a controlled clock.

The scenario tests each subclass `InstanceWalk` with their own `task()` and `do()`: which lane and
role a task must sit with, and who does it, differ from process to process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask

from app import scheduling
from app.extensions import db
from app.models import Case, HumanTask, InstanceStatus, ProcessInstance, User
from tests import factories


def at(day: date, hour: int = 10) -> datetime:
    """That day at the hour, UTC."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


class InstanceWalk:
    """The primitives of a walk: subclasses set `case` and `instance` when they start the process."""

    case: Case
    instance: ProcessInstance

    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        self.app, self.people, self.clock = app, people, clock

    def on(self, moment: date | datetime, hour: int = 10) -> None:
        """Move the clock to the moment, or to the hour (10:00 UTC unless told) of a day."""
        self.clock.move_to(moment if isinstance(moment, datetime) else at(moment, hour))

    def open_tasks(self) -> list[HumanTask]:
        """The open tasks of this instance (not of those it handed the case to)."""
        return [t for t in factories.open_tasks(self.case) if t.instance_id == self.instance.id]

    def open(self) -> set[str]:
        """The names of the open tasks of this instance."""
        return {t.name for t in self.open_tasks()}

    def state(self) -> ProcessInstance:
        """The instance's row, read again."""
        db.session.expire_all()
        return db.session.get(ProcessInstance, self.instance.id)

    def sweep(self, moment: datetime) -> int:
        """Sweep the scheduler at the moment; how many timers fired."""
        self.on(moment)
        fired = scheduling.sweep(self.app)
        db.session.expire_all()
        return fired

    def ended_at(self) -> str:
        """The end event of the instance, which must have completed with none of its tasks open."""
        instance = self.state()
        assert instance.status == InstanceStatus.COMPLETED
        assert self.open_tasks() == []
        return instance.end_event

    def handed_to(self) -> list[ProcessInstance]:
        """The instances this one handed the case to by message, oldest first."""
        db.session.expire_all()
        handed = db.select(ProcessInstance).where(ProcessInstance.started_by_id == self.instance.id)
        return list(db.session.scalars(handed.order_by(ProcessInstance.id)))

    def next_tasks(self) -> dict[str, tuple[str, datetime | None]]:
        """The open tasks of the instances handed to: name to (team, due)."""
        ids = {i.id for i in InstanceWalk.handed_to(self)}  # the instances, whatever a subclass reports
        return {
            t.name: (t.team.name, t.due_at) for t in factories.open_tasks(self.case) if t.instance_id in ids
        }
