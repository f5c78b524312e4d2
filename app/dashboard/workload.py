"""Workload now: open tasks by team and by person, overdue and due soon, caseloads, cases by pathway
and stage, and work nobody holds.

Each figure is one aggregate query over the human_task projection (GROUP BY, read along its
state-and-team indexes); nothing loads a workflow or a row per task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from app.dashboard.scope import Scope
from app.extensions import db
from app.models import HumanTask, ProcessVersion, Role, TaskState, User, team_members

CONSENT_PROCESS, CONSENT_TASK = "referral_to_early_help", "seek_consent"
# The steps of the child and family assessment due on its 45th working day (processes/cas_assessment.bpmn):
# writing it, and the manager's authorisation. Past their due date, the assessment is past 45 working days.
ASSESSMENT_PROCESS = "cas_assessment"
PAST_45_STEPS = ("assessment", "authorise_assessment")
# How long families have been waiting to be asked, or to answer, in working days (the diagram
# asks for consent within 5 working days of the referral).
CONSENT_WAITS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_5", "Under 5 working days", 0, 4),
    ("5_10", "5 to 10 working days", 5, 10),
    ("over_10", "More than 10 working days", 11, None),
)


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    unallocated: int = 0  # nobody holds it, and it has waited longer than the page's number of days
    caseload: int = 0  # distinct cases (people only)


@dataclass
class TeamRow:
    team_id: int
    name: str
    counts: Counts


@dataclass
class PersonRow:
    user_id: int
    name: str
    counts: Counts
    teams: list[str] = field(default_factory=list)


@dataclass
class StageRow:
    process_id: str
    process_name: str
    bpmn_id: str
    name: str
    cases: int


@dataclass
class PathwayRow:
    process_id: str
    process_name: str
    cases: int
    stages: list[StageRow]


@dataclass
class Workload:
    teams: list[TeamRow]
    people: list[PersonRow]
    pathways: list[PathwayRow]
    total: Counts


def _how_many(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SQL: how many rows of the group meet the condition."""
    return cast(ColumnElement[int], func.sum(case((condition, 1), else_=0)))


def _overdue(now: datetime) -> ColumnElement[int]:
    return _how_many(HumanTask.due_at < now)


def _due_soon(now: datetime, soon_until: datetime) -> ColumnElement[int]:
    return _how_many(and_(HumanTask.due_at >= now, HumanTask.due_at < soon_until))


def _open_work(
    scope: Scope, now: datetime, soon_until: datetime, unallocated_before: datetime
) -> list[tuple[Any, ...]]:
    """Open tasks in scope counted by team and holder, in one index-only scan in index order
    (ix_human_task_open_work, no sort): tasks, overdue, due soon, nobody holds and waiting long.
    On the connection, not through the ORM: the ORM's row handling would cost more than the query."""
    unheld = and_(HumanTask.assignee_id.is_(None), HumanTask.created_at < unallocated_before)
    return list(
        db.session.connection().execute(
            select(
                HumanTask.team_id,
                HumanTask.assignee_id,
                func.count(),
                _overdue(now),
                _due_soon(now, soon_until),
                _how_many(unheld),
            )
            .where(HumanTask.state == TaskState.OPEN, scope.condition())
            .group_by(HumanTask.team_id, HumanTask.assignee_id)
        ).all()
    )


def _stages(scope: Scope) -> dict[tuple[str, str, str], int]:
    """Open cases in scope by the step they wait at (a case with two tasks at one step counts once).
    Apart from the counts by holder: grouped together, a large authority's scope makes tens of
    thousands of groups for a hundred steps."""
    rows = db.session.connection().execute(
        select(
            HumanTask.process_name,
            HumanTask.bpmn_id,
            HumanTask.name,
            func.count(HumanTask.case_id.distinct()),
        )
        .where(HumanTask.state == TaskState.OPEN, scope.condition())
        .group_by(HumanTask.process_name, HumanTask.bpmn_id, HumanTask.name)
    ).all()
    return {(process, bpmn_id, name): int(n) for process, bpmn_id, name, n in rows}


def _distinct_cases(scope: Scope, column: ColumnElement[Any]) -> dict[Any, int]:
    """Open cases in scope by one column of their open tasks (a case with two tasks counts once)."""
    rows = db.session.connection().execute(
        select(column, func.count(HumanTask.case_id.distinct()))
        .where(HumanTask.state == TaskState.OPEN, scope.condition())
        .group_by(column)
    ).all()
    # No "is not null" in SQL: it would steer SQLite off the covering index onto one by holder.
    return {key: int(n) for key, n in cast(list[tuple[Any, int]], rows) if key is not None}


def _add(into: Counts, n: int, overdue: int | None, soon: int | None, unheld: int | None) -> None:
    into.open += n
    into.overdue += overdue or 0
    into.due_soon += soon or 0
    into.unallocated += unheld or 0


def _people(scope: Scope, counted: dict[int, Counts]) -> list[PersonRow]:
    """Everyone in the teams (practitioners and managers), and anyone else holding their work."""
    names = {t.id: t.name for t in scope.teams}
    teams_of: dict[int, list[str]] = {}
    memberships = db.session.execute(
        select(team_members.c.user_id, team_members.c.team_id).where(scope.condition(team_members.c.team_id))
    ).all()
    for user_id, team_id in cast(list[tuple[int, int]], memberships):
        if team_id in names:
            teams_of.setdefault(user_id, []).append(names[team_id])
    people = db.session.execute(
        select(User.id, User.name).where(
            or_(
                and_(
                    User.active,
                    User.role.in_((Role.PRACTITIONER, Role.MANAGER)),
                    User.id.in_(list(teams_of)),
                ),
                User.id.in_(list(counted)),
            )
        )
    ).all()
    result = [
        PersonRow(user_id, name, counted.get(user_id, Counts()), sorted(teams_of.get(user_id, [])))
        for user_id, name in people
    ]
    return sorted(result, key=lambda r: (-r.counts.open, r.name))


def process_ids() -> dict[str, str]:
    """Process names (as tasks carry them) to process ids, from the small version table."""
    rows = db.session.execute(select(ProcessVersion.name, ProcessVersion.process_id).distinct()).all()
    return {name: process_id for name, process_id in rows}


def overdue_cases_at(scope: Scope, now: datetime, bpmn_ids: tuple[str, ...]) -> dict[str, int]:
    """Cases whose open task at each of these steps is past its due date."""
    rows = db.session.execute(
        select(HumanTask.bpmn_id, func.count(HumanTask.case_id.distinct()))
        .where(
            HumanTask.state == TaskState.OPEN,
            HumanTask.bpmn_id.in_(bpmn_ids),
            HumanTask.due_at < now,
            scope.condition(),
        )
        .group_by(HumanTask.bpmn_id)
    ).all()
    found = dict(rows)
    return {b: found.get(b, 0) for b in bpmn_ids}


def workload(scope: Scope, now: datetime, soon_until: datetime, unallocated_days: int) -> Workload:
    """Open work in scope, by team, by person and by pathway and stage: four aggregate queries."""
    by_team: dict[int, Counts] = {}
    by_person: dict[int, Counts] = {}
    for team_id, holder, n, overdue, soon, unheld in _open_work(
        scope, now, soon_until, now - timedelta(days=unallocated_days)
    ):
        if team_id is not None:
            _add(by_team.setdefault(team_id, Counts()), n, overdue, soon, unheld)
        if holder is not None:
            _add(by_person.setdefault(holder, Counts()), n, overdue, soon, 0)
    # "+ 0" for some teams: grouped by the holder itself, SQLite walks the index by holder and reads
    # every row from the table for its team; by an expression, it stays on the covering index by
    # team (four times faster). For every team, the index by holder covers it, in order (a third faster).
    by_holder = HumanTask.assignee_id.expression if scope.team_ids is None else HumanTask.assignee_id + 0
    for holder, cases in _distinct_cases(scope, by_holder).items():
        by_person.setdefault(holder, Counts()).caseload = cases
    teams = [TeamRow(t.id, t.name, by_team.get(t.id, Counts())) for t in scope.teams]
    total = Counts()
    for row in teams:
        _add(total, row.counts.open, row.counts.overdue, row.counts.due_soon, row.counts.unallocated)
    return Workload(teams, _people(scope, by_person), _pathways(scope, _stages(scope)), total)


def _pathways(scope: Scope, stages: dict[tuple[str, str, str], int]) -> list[PathwayRow]:
    ids = process_ids()
    totals = _distinct_cases(scope, HumanTask.process_name.expression)
    grouped: dict[str, list[StageRow]] = {}
    for (process, bpmn_id, name), cases in stages.items():
        grouped.setdefault(process, []).append(StageRow(ids.get(process, ""), process, bpmn_id, name, cases))
    return [
        PathwayRow(ids.get(p, ""), p, totals.get(p, 0), sorted(grouped[p], key=lambda s: (-s.cases, s.name)))
        for p in sorted(grouped)
    ]
