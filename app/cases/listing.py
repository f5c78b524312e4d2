"""The case list's queries: one page of cases, or every matching case for a download.

A page is found in two steps: the page's case ids, in an indexed order with LIMIT and OFFSET,
and then, for those ids only, the cases with their children, their open tasks (one query) and
the pathways running on them (one query). Every query is limited by `case_visibility`.
Filters about work waiting now (stage, overdue, due soon, unallocated) are about one open task:
a case matches when one of its open tasks meets all of them (with the team and the worker),
so "overdue in this team" is never an overdue task in another team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

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
from app.timescales.status import DUE_SOON_WORKING_DAYS
from app.timescales.working_days import LONDON, add_working_days

FINISHED = (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED)


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
    total: int
    page: int
    pages: int


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


def due_soon_until(now: datetime) -> datetime:
    """The end of the last day that counts as due soon (app/timescales/status.py's rule)."""
    today = now.astimezone(LONDON).date()
    return filters.end_of_day(add_working_days(today, DUE_SOON_WORKING_DAYS))


def _name_or_reference(q: str) -> ColumnElement[bool]:
    """A case reference (any case), or every word the start of the child's first or last name."""
    words = q.lower().split()[:4]
    by_name = [
        or_(
            func.lower(Child.first_name).startswith(word, autoescape=True),
            func.lower(Child.last_name).startswith(word, autoescape=True),
        )
        for word in words
    ]
    return or_(Case.reference == q.upper(), and_(*by_name))


def conditions(user: User, f: CaseFilters, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [case_visibility(user)]
    if f.status != "all":
        found.append(Case.status == f.status)
    if f.q:
        found.append(_name_or_reference(f.q))
    if f.dob is not None:
        found.append(Child.date_of_birth == f.dob)
    if f.school:
        found.append(func.lower(Child.school).contains(f.school.lower(), autoescape=True))
    if f.date_from is not None:
        found.append(Case.referral_date >= f.date_from)
    if f.date_to is not None:
        found.append(Case.referral_date <= f.date_to)
    if f.pathway:
        running = ProcessInstance.process_version_id.in_(filters.version_ids(f.pathway))
        if f.status == "open":
            running = and_(running, ProcessInstance.status.not_in(FINISHED))
        found.append(Case.id.in_(select(ProcessInstance.case_id).where(running)))
    if tasks := _task_conditions(f, now):
        found.append(Case.id.in_(select(HumanTask.case_id).where(*tasks)))
    return found


def _next_due() -> ColumnElement[datetime | None]:
    """The earliest due date of the case's open tasks (none: after every date, either way)."""
    return (
        select(func.min(HumanTask.due_at))
        .where(HumanTask.case_id == Case.id, HumanTask.state == TaskState.OPEN)
        .scalar_subquery()
    )


def _order(f: CaseFilters) -> list[ColumnElement[object]]:
    def way(column: ColumnElement[object]) -> ColumnElement[object]:
        return column.desc() if f.dir == "desc" else column.asc()

    if f.sort == "reference":
        return [way(Case.reference)]
    if f.sort == "child":
        return [way(Child.last_name), way(Child.first_name), way(Case.id)]
    if f.sort == "due":
        due = _next_due()
        return [due.is_(None), way(due), way(Case.id)]
    return [way(Case.referral_date), way(Case.id)]


def matching(user: User, f: CaseFilters, now: datetime | None = None) -> Select[tuple[int]]:
    """The ids of the cases the filters match, in the list's order."""
    now = now or datetime.now(UTC)
    return (
        select(Case.id)
        .join(Child, Child.id == Case.child_id)
        .where(*conditions(user, f, now))
        .order_by(*_order(f))
    )


def count(user: User, f: CaseFilters, now: datetime | None = None) -> int:
    query = select(func.count()).select_from(Case).join(Child, Child.id == Case.child_id)
    return db.session.scalar(query.where(*conditions(user, f, now or datetime.now(UTC)))) or 0


def case_page(user: User, f: CaseFilters, size: int = filters.PAGE_SIZE) -> CasePage:
    """One page of the list (past the end: the last page), with the total."""
    now = datetime.now(UTC)
    total = count(user, f, now)
    last = filters.pages(total, size)
    page = min(f.page, last)
    ids = list(db.session.scalars(matching(user, f, now).limit(size).offset((page - 1) * size)))
    return CasePage(rows=rows_for(ids), total=total, page=page, pages=last)


def all_ids(user: User, f: CaseFilters, limit: int) -> list[int]:
    """Every matching case id in order, at most `limit` of them."""
    return list(db.session.scalars(matching(user, f).limit(limit)))


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
