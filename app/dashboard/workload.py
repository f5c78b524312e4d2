"""Workload now: open tasks by team and by person, overdue and due soon, caseloads, cases by pathway
and stage, and work nobody holds.

Each figure is one aggregate query over the human_task projection (GROUP BY, read along its
state-and-team indexes); nothing loads a workflow or a row per task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from app.dashboard.scope import Scope
from app.extensions import db
from app.models import HumanTask, ProcessVersion, Role, TaskState, Team, User, team_members

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
    team: Team
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


def by_team(scope: Scope, now: datetime, soon_until: datetime, unallocated_before: datetime) -> list[TeamRow]:
    unheld = and_(HumanTask.assignee_id.is_(None), HumanTask.created_at < unallocated_before)
    rows = db.session.execute(
        select(
            HumanTask.team_id,
            func.count(),
            _overdue(now),
            _due_soon(now, soon_until),
            _how_many(unheld),
        )
        .where(HumanTask.state == TaskState.OPEN, scope.condition(), HumanTask.team_id.is_not(None))
        .group_by(HumanTask.team_id)
    ).all()
    counted = {team_id: Counts(n, o or 0, s or 0, u or 0) for team_id, n, o, s, u in rows}
    return [TeamRow(t, counted.get(t.id, Counts())) for t in scope.teams]


def by_person(scope: Scope, now: datetime, soon_until: datetime) -> list[PersonRow]:
    """Everyone in the teams (practitioners and managers) with their open tasks in those teams, and
    anyone else holding one of them."""
    rows = db.session.execute(
        select(
            HumanTask.assignee_id,
            func.count(),
            _overdue(now),
            _due_soon(now, soon_until),
            func.count(HumanTask.case_id.distinct()),
        )
        .where(HumanTask.state == TaskState.OPEN, scope.condition(), HumanTask.assignee_id.is_not(None))
        .group_by(HumanTask.assignee_id)
    ).all()
    counted = {user_id: Counts(n, o or 0, s or 0, 0, c) for user_id, n, o, s, c in rows}
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


def by_pathway(scope: Scope) -> list[PathwayRow]:
    """Open cases by process and by the open task they wait at (a case at two tasks counts at each)."""
    ids = process_ids()
    stage_rows = db.session.execute(
        select(
            HumanTask.process_name,
            HumanTask.bpmn_id,
            HumanTask.name,
            func.count(HumanTask.case_id.distinct()),
        )
        .where(HumanTask.state == TaskState.OPEN, scope.condition())
        .group_by(HumanTask.process_name, HumanTask.bpmn_id, HumanTask.name)
    ).all()
    totals = dict(
        db.session.execute(
            select(HumanTask.process_name, func.count(HumanTask.case_id.distinct()))
            .where(HumanTask.state == TaskState.OPEN, scope.condition())
            .group_by(HumanTask.process_name)
        ).all()
    )
    stages: dict[str, list[StageRow]] = {}
    for process_name, bpmn_id, name, n in stage_rows:
        stages.setdefault(process_name, []).append(
            StageRow(ids.get(process_name, ""), process_name, bpmn_id, name, n)
        )
    return [
        PathwayRow(ids.get(p, ""), p, totals.get(p, 0), sorted(stages[p], key=lambda s: -s.cases))
        for p in sorted(stages)
    ]


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
    teams = by_team(scope, now, soon_until, now - timedelta(days=unallocated_days))
    people = by_person(scope, now, soon_until)
    total = Counts(
        sum(r.counts.open for r in teams),
        sum(r.counts.overdue for r in teams),
        sum(r.counts.due_soon for r in teams),
        sum(r.counts.unallocated for r in teams),
    )
    return Workload(teams, people, by_pathway(scope), total)
