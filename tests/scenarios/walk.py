"""One case on one process, walked through the product's services on a controlled clock.

The scenario tests each subclass `InstanceWalk` with their own `task()` and `do()`: which lane and
role a task must sit with, and who does it, differ from process to process. `TeamWalk` is the
common case: the lane's team does each task, and managers the ones reserved for them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask

from app import scheduling
from app.extensions import db
from app.models import Case, HumanTask, InstanceStatus, ProcessInstance, User
from app.tasks import services as tasks
from tests import factories
from tests.unit.referral_support import submit


def at(day: date, hour: int = 10) -> datetime:
    """That day at the hour, UTC."""
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def page_errors(task: HumanTask, page: dict[str, Any], user: User) -> dict[str, list[str]]:
    """Send a page (as posted: dates as three boxes, or ISO dates) through the one pipeline a
    user's page goes through: what the page would say needs correcting, the form's own checks and
    its named rules (app/pathways) alike, or {} if it would be accepted. Nothing of it is kept."""
    try:
        tasks.complete_task(task, page, user)
    except tasks.InvalidAnswers as refused:
        errors = dict(refused.form.errors)
    else:
        errors = {}
    db.session.rollback()
    return errors


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


class TeamWalk(InstanceWalk):
    """A walk where each task sits in its lane's team queue and is done by that team's worker,
    or by a manager where the diagram reserves it for managers. Subclasses say which."""

    form_prefix: str  # every form key of the process starts with it, e.g. "cpe."
    pages: dict[str, dict[str, Any]]  # good answers by form key
    lanes: dict[str, str]  # task name to the lane (and team) that holds it
    workers: dict[str, str]  # lane to the person (a key of the people fixture) who works it
    manager_tasks: set[str]  # task names the diagram reserves for managers

    def task(self, name: str) -> HumanTask:
        """The open task, in its lane's queue, with guidance and the role the diagram asks for."""
        [task] = [t for t in self.open_tasks() if t.name == name]
        assert (task.lane, task.team.name) == (self.lanes[name], self.lanes[name])
        assert task.form_key.startswith(self.form_prefix) and task.documentation
        assert (task.required_role == "manager") == (name in self.manager_tasks)
        return task

    def due(self, name: str) -> datetime | None:
        return self.task(name).due_at

    def do(self, name: str, on: date, **changes: Any) -> HumanTask:
        """Submit the task's form on that day, as the page would, with the good answers changed."""
        self.on(on)
        task = self.task(name)
        data = submit(self.app, task.form_key, {**self.pages[task.form_key], **changes})
        who = "manager" if name in self.manager_tasks else self.workers[self.lanes[name]]
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()
        return task

    def errors(self, name: str, on: date, **changes: Any) -> dict[str, list[str]]:
        """What the task's page, sent on that day as `do` would, must correct ({} if none); the
        task stays open either way."""
        self.on(on)
        task = self.task(name)
        who = "manager" if name in self.manager_tasks else self.workers[self.lanes[name]]
        return page_errors(task, {**self.pages[task.form_key], **changes}, self.people[who])
