"""The case list's queries: one page of cases, or every matching case for a download.

A page is found in two steps: the page's case ids, in an indexed order with LIMIT and OFFSET,
and then, for those ids only, the cases with their children, their open tasks (one query) and
the pathways running on them (one query). Every query is limited by `case_visibility`.
Filters about work waiting now (stage, overdue, due soon, unallocated) are about one open task:
a case matches when one of its open tasks meets all of them (with the team and the worker),
so "overdue in this team" is never an overdue task in another team.

At 100,000 cases (bench/case_search_scale.py): the total is counted to COUNT_LIMIT at most; a
name, a school or a reference is looked up in an index, never scanned for; and the order by due
date is read from the open tasks in due-date order where that finds the page soonest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.access import case_visibility
from app.cases.search import CaseFilters
from app.extensions import db
from app.lists import filters
from app.models import (
    Case,
    Child,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    User,
)
from app.timescales.status import due_soon_until

FINISHED = (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED)
# The list counts this many matching cases at most, and pages that far: past it, narrow the filters.
COUNT_LIMIT = 2_000
# Open tasks read in due-date order before the due-date order is worked out case by case instead.
DUE_WINDOW = 2_000


@dataclass(frozen=True)
class CaseRow:
    case: Case
    pathways: list[str]
    open_tasks: list[HumanTask]  # soonest due first

    @property
    def stages(self) -> list[str]:
        return list(dict.fromkeys(t.name for t in self.open_tasks))

    @property
    def workers(self) -> list[str]:
        return list(dict.fromkeys(t.assignee.name for t in self.open_tasks if t.assignee is not None))

    @property
    def next_due(self) -> datetime | None:
        return min((t.due_at for t in self.open_tasks if t.due_at is not None), default=None)


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int  # at most COUNT_LIMIT
    page: int
    pages: int
    more: bool = False  # more cases match than COUNT_LIMIT


def _task_conditions(f: CaseFilters, now: datetime) -> list[ColumnElement[bool]]:
    """Conditions on one task of the case, or [] when no filter is about tasks."""
    open_only = f.looks_at_open_tasks or f.status == "open"
    conditions: list[ColumnElement[bool]] = []
    if f.stage:
        conditions.append(HumanTask.bpmn_id == f.stage)
        if f.pathway:
            conditions.append(
                HumanTask.instance_id.in_(
                    select(ProcessInstance.id).where(
                        ProcessInstance.process_version_id.in_(filters.version_ids(f.pathway))
                    )
                )
            )
    if f.team is not None:
        conditions.append(HumanTask.team_id == f.team)
    if f.worker is not None:
        held = HumanTask.assignee_id == f.worker
        conditions.append(held if open_only else or_(held, HumanTask.completed_by_id == f.worker))
    if f.overdue:
        conditions.append(HumanTask.due_at < now)
    if f.due_soon:
        conditions.append(HumanTask.due_at >= now)
        conditions.append(HumanTask.due_at < due_soon_until(now))
    if f.unallocated_days is not None:
        conditions.append(HumanTask.assignee_id.is_(None))
        conditions.append(HumanTask.created_at < now - timedelta(days=f.unallocated_days))
    if conditions and open_only:
        conditions.insert(0, HumanTask.state == TaskState.OPEN)
    return conditions


def conditions(
    user: User, f: CaseFilters, now: datetime, *, walking_tasks: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE conditions on a case. `walking_tasks`: the query reads open tasks in due-date
    order, so the task filters are asked of each case as it comes (not a list to start from)."""
    found: list[ColumnElement[bool]] = [case_visibility(user)]
    if f.status != "all":
        # By the child's name, the cases are read in the child table's index order: the status
        # (most cases are open) is then tested on each, not used to choose the order to read in.
        status = Case.status.concat("") if f.sort == "child" else Case.status
        found.append(status == f.status)
    if f.q:
        found.append(filters.name_or_reference(f.q))
    if f.dob is not None:
        found.append(Child.date_of_birth == f.dob)
    if f.school:
        found.append(filters.starts_with(func.lower(Child.school), f.school.lower()))
    if f.date_from is not None:
        found.append(Case.referral_date >= f.date_from)
    if f.date_to is not None:
        found.append(Case.referral_date <= f.date_to)
    if f.pathway:
        running: ColumnElement[bool] = ProcessInstance.process_version_id.in_(filters.version_ids(f.pathway))
        if f.status == "open":
            running = and_(running, ProcessInstance.status.not_in(FINISHED))
        found.append(Case.id.in_(select(ProcessInstance.case_id).where(running)))
    if tasks := _task_conditions(f, now):
        if walking_tasks:  # "+ 0": a value to test, not an index to start from (SQLite would)
            found.append((Case.id + 0).in_(select(HumanTask.case_id).where(*tasks)))
        else:
            found.append(Case.id.in_(select(HumanTask.case_id).where(*tasks)))
    return found


def _needs_child(f: CaseFilters) -> bool:
    return bool(f.dob or f.school or f.sort == "child")


def _from_cases(query: Any, f: CaseFilters) -> Any:
    return query.join(Child, Child.id == Case.child_id) if _needs_child(f) else query


def _way(f: CaseFilters, column: Any) -> ColumnElement[Any]:
    return column.desc() if f.dir == "desc" else column.asc()


def _in_order(user: User, f: CaseFilters, now: datetime) -> Select[int]:
    """The matching case ids in the list's order (any order but by due date)."""
    if f.sort == "reference":
        order = [_way(f, Case.reference)]
    elif f.sort == "child":
        order = [_way(f, Child.last_name), _way(f, Child.first_name), _way(f, Child.id), _way(f, Case.id)]
    else:
        order = [_way(f, Case.referral_date), _way(f, Case.id)]
    return _from_cases(select(Case.id), f).where(*conditions(user, f, now)).order_by(*order)


def _walking_due_order(user: User, f: CaseFilters, now: datetime, window: int) -> Select[int]:
    """The matching cases whose earliest dated open task is among the first `window` open tasks
    in due-date order, in that order.

    Read from the open tasks in due-date order (an index range of at most `window` rows), keeping
    each case's earliest task only. The cases it finds are the first of the whole list, in the
    right order (a case whose earliest task lies beyond the window comes after all of them), so
    when it finds a whole page, that is the page; the work is bounded by the window whatever the
    filters and however few cases the user may see.
    """
    window_tasks = (
        select(HumanTask.id)
        .where(HumanTask.state == TaskState.OPEN, HumanTask.due_at.is_not(None))
        .order_by(_way(f, HumanTask.due_at), _way(f, HumanTask.case_id))
        .limit(window)
    )
    task, earlier = aliased(HumanTask), aliased(HumanTask)
    its_earliest = ~exists().where(
        earlier.case_id == task.case_id,
        earlier.state == TaskState.OPEN,
        earlier.due_at.is_not(None),
        or_(earlier.due_at < task.due_at, and_(earlier.due_at == task.due_at, earlier.id < task.id)),
    )
    query = select(task.case_id).join(Case, Case.id == task.case_id)
    return (
        _from_cases(query, f)
        .where(
            task.id.in_(window_tasks.scalar_subquery()),
            its_earliest,
            *conditions(user, f, now, walking_tasks=True),
        )
        .order_by(_way(f, task.due_at), _way(f, task.case_id))
    )


def _sorted_by_due(user: User, f: CaseFilters, now: datetime) -> Select[int]:
    """Every matching case by the earliest due date of its open tasks (none: last, either way),
    worked out for each matching case and sorted."""
    earliest = (
        select(func.min(HumanTask.due_at))
        .where(HumanTask.case_id == Case.id, HumanTask.state == TaskState.OPEN)
        .scalar_subquery()
        .label("next_due")
    )
    query = _from_cases(select(Case.id, earliest), f).where(*conditions(user, f, now))
    return query.order_by(_way(f, literal_column("next_due")).nulls_last(), _way(f, Case.id))


def _selective(f: CaseFilters) -> bool:
    """Filters whose cases are few, or (due soon: after every overdue task) far from the start of
    the due-date order: sorting their cases is quicker than reading a window of tasks first."""
    return bool(f.due_soon or f.stage or f.worker is not None or f.unallocated_days is not None)


def page_ids(user: User, f: CaseFilters, offset: int, size: int, now: datetime | None = None) -> list[int]:
    """`size` matching case ids from `offset`, in the list's order."""
    now = now or datetime.now(UTC)
    if f.sort != "due":
        return list(db.session.scalars(_in_order(user, f, now).limit(size).offset(offset)))
    if not _selective(f):
        window = max(DUE_WINDOW, (offset + size) * 4)
        walked = _walking_due_order(user, f, now, window).limit(size).offset(offset)
        found = list(db.session.scalars(walked))
        if len(found) == size:
            return found
    # Not a whole page among the first open tasks: sort every matching case instead.
    return list(db.session.scalars(_sorted_by_due(user, f, now).limit(size).offset(offset)))


def count(user: User, f: CaseFilters, limit: int, now: datetime | None = None) -> int:
    """How many cases match, counting no further than `limit` (a bound on the work, so a manager
    of every team is not kept waiting while 100,000 cases are counted)."""
    now = now or datetime.now(UTC)
    matching = _from_cases(select(Case.id), f).where(*conditions(user, f, now)).limit(limit)
    return db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0


def case_page(user: User, f: CaseFilters, size: int = filters.PAGE_SIZE) -> CasePage:
    """One page of the list (past the end: the last page), with the total (or that there are more
    than COUNT_LIMIT: the pages then go as far as COUNT_LIMIT)."""
    now = datetime.now(UTC)
    total = count(user, f, COUNT_LIMIT + 1, now)
    last = filters.pages(min(total, COUNT_LIMIT), size)
    page = min(f.page, last)
    ids = page_ids(user, f, (page - 1) * size, size, now)
    return CasePage(
        rows=rows_for(ids), total=min(total, COUNT_LIMIT), page=page, pages=last, more=total > COUNT_LIMIT
    )


def all_ids(user: User, f: CaseFilters, limit: int) -> list[int]:
    """Every matching case id in order, at most `limit` of them."""
    now = datetime.now(UTC)
    ordered = _sorted_by_due(user, f, now) if f.sort == "due" else _in_order(user, f, now)
    return list(db.session.scalars(ordered.limit(limit)))


def rows_for(ids: Sequence[int]) -> list[CaseRow]:
    """The cases with these ids, in this order, with their pathways and open tasks: three queries
    whatever the number of ids."""
    if not ids:
        return []
    cases = {
        c.id: c
        for c in db.session.scalars(select(Case).where(Case.id.in_(ids)).options(joinedload(Case.child)))
    }
    tasks: dict[int, list[HumanTask]] = {}
    for task in db.session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id.in_(ids), HumanTask.state == TaskState.OPEN)
        .options(joinedload(HumanTask.assignee), joinedload(HumanTask.team))
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at)
    ):
        tasks.setdefault(task.case_id, []).append(task)
    pathways: dict[int, list[str]] = {}
    for case_id, name in db.session.execute(
        select(ProcessInstance.case_id, ProcessVersion.name)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessInstance.case_id.in_(ids), ProcessInstance.status.not_in(FINISHED))
        .order_by(ProcessInstance.started_at, ProcessInstance.id)
    ):
        pathways.setdefault(case_id, []).append(name)
    return [
        CaseRow(cases[i], list(dict.fromkeys(pathways.get(i, []))), tasks.get(i, []))
        for i in ids
        if i in cases
    ]
