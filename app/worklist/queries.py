"""Worklist queries: they read the human_task projection only, never workflow state.

A queue can hold tens of thousands of open tasks across several teams. A page is found
without sorting the whole queue: for each team (or for the assignee), the first
`offset + page size` rows are read in index order, and only those few are merged and
sliced. Tasks with no due date come after those with one, on every database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, union_all
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Case, HumanTask, ProcessInstance, ProcessVersion, TaskState, Team, User

SORTS = {"due": "Due date", "age": "Oldest first", "child": "Child's name"}


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


def _scopes(user: User, f: WorklistFilter) -> list[ColumnElement[bool]]:
    """One condition per index range: each of the user's teams, or the user as assignee."""
    if f.view != "team":
        return [HumanTask.assignee_id == user.id]
    team_ids = [f.team_id] if f.team_id in user.team_ids else user.team_ids
    return [HumanTask.team_id == team_id for team_id in team_ids]


def _filters(f: WorklistFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [HumanTask.state == TaskState.OPEN]
    if f.view == "team" and f.unassigned_only:
        conditions.append(HumanTask.assignee_id.is_(None))
    if f.process:
        conditions.append(HumanTask.process_name == f.process)
    return conditions


def _ranges(f: WorklistFilter) -> list[tuple[list[ColumnElement[bool]], list[Any]]]:
    """(extra conditions, index order) pairs that together list a scope in sort order."""
    if f.sort == "age":
        return [([], [HumanTask.created_at, HumanTask.id])]
    if f.sort == "child":
        return [([], [HumanTask.child_name, HumanTask.id])]
    return [
        ([HumanTask.due_at.is_not(None)], [HumanTask.due_at, HumanTask.created_at, HumanTask.id]),
        ([HumanTask.due_at.is_(None)], [HumanTask.due_at, HumanTask.created_at, HumanTask.id]),
    ]


def _page_ids(user: User, f: WorklistFilter, offset: int) -> list[str]:
    needed = offset + f.page_size
    # Each part's row: id, no_due, due_at, created_at, child_name (union_all needs one shape).
    parts: list[Select[str, bool, datetime | None, datetime, str]] = []
    for scope in _scopes(user, f):
        for extra, order in _ranges(f):
            parts.append(
                select(
                    HumanTask.id,
                    HumanTask.due_at.is_(None).label("no_due"),
                    HumanTask.due_at,
                    HumanTask.created_at,
                    HumanTask.child_name,
                )
                .where(scope, *_filters(f), *extra)
                .order_by(*order)
                .limit(needed)
            )
    if not parts:
        return []
    merged = union_all(*[select(p.subquery()) for p in parts]).subquery()
    order = {
        "age": [merged.c.created_at, merged.c.id],
        "child": [merged.c.child_name, merged.c.id],
    }.get(f.sort, [merged.c.no_due, merged.c.due_at, merged.c.created_at, merged.c.id])
    return list(db.session.scalars(select(merged.c.id).order_by(*order).limit(f.page_size).offset(offset)))


def _count(user: User, f: WorklistFilter) -> int:
    scopes = _scopes(user, f)
    if not scopes:
        return 0
    return (
        db.session.scalar(select(func.count()).select_from(HumanTask).where(or_(*scopes), *_filters(f))) or 0
    )


def worklist(user: User, f: WorklistFilter) -> WorklistPage:
    """One page of the user's tasks or their teams' queue, filtered and sorted."""
    page = max(1, f.page)
    ids = _page_ids(user, f, (page - 1) * f.page_size)
    rows = {
        t.id: t
        for t in db.session.scalars(
            select(HumanTask)
            .where(HumanTask.id.in_(ids))
            .options(
                selectinload(HumanTask.case).joinedload(Case.child),
                selectinload(HumanTask.team),
                selectinload(HumanTask.assignee),
                selectinload(HumanTask.instance).load_only(ProcessInstance.status),
            )
        )
    }
    return WorklistPage(
        tasks=[rows[i] for i in ids if i in rows], total=_count(user, f), page=page, page_size=f.page_size
    )


def process_names() -> list[str]:
    """Names to filter by; read from the (small) version table, not the task table."""
    return list(db.session.scalars(select(ProcessVersion.name).distinct().order_by(ProcessVersion.name)))


def user_teams(user: User) -> list[Team]:
    return sorted(user.teams, key=lambda t: t.name)


def task_age_days(task: HumanTask, now: datetime) -> int:
    return max(0, (now - task.created_at).days)
