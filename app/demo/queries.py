"""What the demo reads back while it builds cases: the one module of the package that queries.

The demo writes only through the product's services; these reads find the task a service just
opened so the next step can complete it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Case, HumanTask, InstanceStatus, ProcessInstance, ProcessVersion, TaskState, Team


def open_tasks(case: Case) -> list[HumanTask]:
    """The case's open tasks, in whatever order the database returns them."""
    return list(
        db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
        )
    )


def open_task(case: Case, form_key: str | None = None) -> HumanTask | None:
    """An open task of the case (the one with `form_key`, if given), or None."""
    query = select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
    if form_key is not None:
        query = query.where(HumanTask.form_key == form_key)
    return db.session.scalar(query)


def teams_by_name() -> dict[str, Team]:
    """Every team, by name."""
    return {team.name: team for team in db.session.scalars(select(Team))}


def has_cases() -> bool:
    """Whether any case exists (the demo caseload is made once, on an empty database)."""
    return db.session.scalar(select(Case.id).limit(1)) is not None


def due_timers(until: datetime, case_id: int | None = None) -> list[tuple[int, datetime]]:
    """(instance id, due time) of the running instances (the case's, if given) whose next timer
    is due by `until`, soonest first: what the scheduler's sweep would fire (app/scheduling.py)."""
    query = (
        select(ProcessInstance.id, ProcessInstance.next_timer_at)
        .where(
            ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.INCIDENT]),
            ProcessInstance.next_timer_at <= until,
        )
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
    )
    if case_id is not None:
        query = query.where(ProcessInstance.case_id == case_id)
    return [(i, due) for i, due in db.session.execute(query) if due is not None]


def waiting_tasks(process_id: str) -> list[HumanTask]:
    """The open tasks of the process's running instances, oldest instance first."""
    return list(
        db.session.scalars(
            select(HumanTask)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
            .where(
                ProcessVersion.process_id == process_id,
                ProcessInstance.status == InstanceStatus.RUNNING,
                HumanTask.state == TaskState.OPEN,
            )
            .order_by(ProcessInstance.id, HumanTask.created_at, HumanTask.bpmn_id)
        )
    )


def open_team_tasks(lanes: list[str]) -> list[HumanTask]:
    """Every open task nobody holds in those teams' queues, oldest first."""
    return list(
        db.session.scalars(
            select(HumanTask)
            .where(
                HumanTask.state == TaskState.OPEN,
                HumanTask.assignee_id.is_(None),
                HumanTask.lane.in_(lanes),
                HumanTask.required_role == "",
            )
            .order_by(HumanTask.created_at, HumanTask.case_id, HumanTask.bpmn_id)  # task ids are random
        )
    )
