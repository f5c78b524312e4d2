"""Worklist queries: they read the human_task projection only, never workflow state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import Case, Child, HumanTask, ProcessVersion, TaskState, Team, User

SORTS = {
    "due": (HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at),
    "-due": (HumanTask.due_at.is_(None), HumanTask.due_at.desc(), HumanTask.created_at),
    "age": (HumanTask.created_at,),
    "-age": (HumanTask.created_at.desc(),),
    "child": (Child.last_name, Child.first_name, HumanTask.created_at),
    "task": (HumanTask.name, HumanTask.created_at),
}


@dataclass(frozen=True)
class WorklistFilter:
    view: str = "mine"  # "mine" or "team"
    team_id: int | None = None
    process: str = ""
    unassigned_only: bool = False
    sort: str = "due"
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class WorklistPage:
    tasks: list[HumanTask]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _base(user: User, f: WorklistFilter) -> Select[tuple[HumanTask]]:
    query = select(HumanTask).where(HumanTask.state == TaskState.OPEN)
    if f.view == "team":
        team_ids = [f.team_id] if f.team_id in user.team_ids else user.team_ids
        query = query.where(HumanTask.team_id.in_(team_ids))
        if f.unassigned_only:
            query = query.where(HumanTask.assignee_id.is_(None))
    else:
        query = query.where(HumanTask.assignee_id == user.id)
    if f.process:
        query = query.where(HumanTask.process_name == f.process)
    return query


def worklist(user: User, f: WorklistFilter) -> WorklistPage:
    """One page of the user's tasks or their team's queue, filtered and sorted."""
    base = _base(user, f)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    page = max(1, f.page)
    query = (
        base.join(Case, Case.id == HumanTask.case_id)
        .join(Child, Child.id == Case.child_id)
        .options(contains_eager(HumanTask.case).contains_eager(Case.child))
        .order_by(*SORTS.get(f.sort, SORTS["due"]), HumanTask.id)
        .limit(f.page_size)
        .offset((page - 1) * f.page_size)
    )
    tasks = list(db.session.scalars(query).unique())
    return WorklistPage(tasks=tasks, total=total, page=page, page_size=f.page_size)


def process_names() -> list[str]:
    """Names to filter by; read from the (small) version table, not the task table."""
    return list(db.session.scalars(select(ProcessVersion.name).distinct().order_by(ProcessVersion.name)))


def user_teams(user: User) -> list[Team]:
    return sorted(user.teams, key=lambda t: t.name)


def task_age_days(task: HumanTask, now: datetime) -> int:
    return max(0, (now - task.created_at).days)
