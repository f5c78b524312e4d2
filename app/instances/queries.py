"""The process list's queries: a page of instances (ids in an indexed order with LIMIT and
OFFSET, then the page's rows and their open tasks in two queries), or every matching id for a
download. Only instances on cases the user may see (`case_visibility`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import defer, joinedload

from app.access import case_visibility
from app.extensions import db
from app.instances.filters import InstanceFilters
from app.lists import filters
from app.models import Case, HumanTask, ProcessInstance, ProcessVersion, TaskState, User

# Counted, and paged, this far at most: past it, narrow the filters.
COUNT_LIMIT = 2_000


@dataclass(frozen=True)
class InstanceRow:
    instance: ProcessInstance
    open_tasks: list[HumanTask]

    @property
    def stages(self) -> list[str]:
        return list(dict.fromkeys(t.name for t in self.open_tasks))

    @property
    def teams(self) -> list[str]:
        return list(dict.fromkeys(t.team.name if t.team else t.lane for t in self.open_tasks))

    @property
    def workers(self) -> list[str]:
        return list(dict.fromkeys(t.assignee.name for t in self.open_tasks if t.assignee is not None))


@dataclass(frozen=True)
class InstancePage:
    rows: list[InstanceRow]
    total: int  # at most COUNT_LIMIT
    page: int
    pages: int
    more: bool = False  # more match than COUNT_LIMIT


def conditions(user: User, f: InstanceFilters) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [case_visibility(user)]
    if f.q:
        found.append(filters.name_or_reference(f.q))
    if f.process:
        found.append(ProcessInstance.process_version_id.in_(filters.version_ids(f.process)))
    if f.status:
        found.append(ProcessInstance.status == f.status)
    if f.date_from is not None:
        found.append(ProcessInstance.started_at >= filters.start_of_day(f.date_from))
    if f.date_to is not None:
        found.append(ProcessInstance.started_at < filters.end_of_day(f.date_to))
    tasks: list[ColumnElement[bool]] = []
    if f.stage:
        tasks.append(HumanTask.bpmn_id == f.stage)
    if f.team is not None:
        tasks.append(HumanTask.team_id == f.team)
    if tasks:
        # Where the work waits now; for finished processes, where it went.
        if f.stage or not f.finished_only:
            tasks.insert(0, HumanTask.state == TaskState.OPEN)
        found.append(ProcessInstance.id.in_(select(HumanTask.instance_id).where(*tasks)))
    return found


def _order(f: InstanceFilters) -> list[ColumnElement[Any]]:
    def way(column: Any) -> ColumnElement[Any]:
        return column.desc() if f.dir == "desc" else column.asc()

    column = {
        "started": ProcessInstance.started_at,
        "process": ProcessVersion.name,
        "reference": Case.reference,
    }.get(f.sort, ProcessInstance.updated_at)
    return [way(column), way(ProcessInstance.id)]


def _base(select_: Select[int], f: InstanceFilters) -> Select[int]:
    query = select_.join(Case, Case.id == ProcessInstance.case_id)
    if f.sort == "process":
        query = query.join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
    return query


def matching(user: User, f: InstanceFilters) -> Select[int]:
    return _base(select(ProcessInstance.id), f).where(*conditions(user, f)).order_by(*_order(f))


def count(user: User, f: InstanceFilters, limit: int) -> int:
    """How many instances match, counting no further than `limit`."""
    query = select(ProcessInstance.id).join(Case, Case.id == ProcessInstance.case_id)
    return (
        db.session.scalar(
            select(func.count()).select_from(query.where(*conditions(user, f)).limit(limit).subquery())
        )
        or 0
    )


def instance_page(user: User, f: InstanceFilters, size: int = filters.PAGE_SIZE) -> InstancePage:
    """One page (past the end: the last), with the total up to COUNT_LIMIT."""
    total = count(user, f, COUNT_LIMIT + 1)
    last = filters.pages(min(total, COUNT_LIMIT), size)
    page = min(f.page, last)
    ids = list(db.session.scalars(matching(user, f).limit(size).offset((page - 1) * size)))
    return InstancePage(
        rows=rows_for(ids), total=min(total, COUNT_LIMIT), page=page, pages=last, more=total > COUNT_LIMIT
    )


def all_ids(user: User, f: InstanceFilters, limit: int) -> list[tuple[int, int]]:
    """Every matching (instance id, case id), in order, at most `limit` of them."""
    query = matching(user, f).add_columns(ProcessInstance.case_id).limit(limit)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def rows_for(ids: Sequence[int]) -> list[InstanceRow]:
    """These instances in this order, with their cases, children, versions and open tasks."""
    if not ids:
        return []
    found = {
        i.id: i
        for i in db.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.id.in_(ids))
            .options(
                defer(ProcessInstance.state),  # the saved workflow: large, and not shown
                joinedload(ProcessInstance.case).joinedload(Case.child),
                joinedload(ProcessInstance.process_version),
            )
        )
    }
    tasks: dict[int, list[HumanTask]] = {}
    for task in db.session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id.in_(ids), HumanTask.state == TaskState.OPEN)
        .options(joinedload(HumanTask.assignee), joinedload(HumanTask.team))
        .order_by(HumanTask.created_at, HumanTask.id)
    ):
        tasks.setdefault(task.instance_id, []).append(task)
    return [InstanceRow(found[i], tasks.get(i, [])) for i in ids if i in found]
