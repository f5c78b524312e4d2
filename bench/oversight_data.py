"""A database the size of a large local authority's, for timing managers' pages.

`fill(cases, audit_events, users)` writes, with bulk INSERTs and no engine:
- `users` people over twenty teams (the demo's seven and thirteen more), a few managers each;
- `cases` children and cases referred over the past year, each with one to three process
  instances of the shipped processes, their completed and open tasks at realistic steps
  (assessments authorised, consent awaited, conferences and core groups held), meetings;
- `audit_events` audit rows in time order: views of one case (most of the trail, as in life),
  list views that showed twenty cases, and task completions with their answers.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from app.auth.services import create_team, create_user
from app.engine.checks.reading import read_xml
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    Child,
    HumanTask,
    Meeting,
    ProcessInstance,
    ProcessVersion,
    Role,
    Team,
    User,
)
from app.models.audit import AuditEventCase

BATCH = 5000
EXTRA_TEAMS = 13
SCHOOLS = [
    f"{name} {kind}"
    for name in (
        "Riverside",
        "Oakfield",
        "Hillcrest",
        "St Mary's",
        "Northgate",
        "Meadowbank",
        "Kingsway",
        "Ashford",
        "Brookside",
        "Elmwood",
    )
    for kind in ("Primary", "Academy")
]
FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Freya", "Arthur", "Zara", "Musa"]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Khan",
    "Patel",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Ahmed",
    "Clarke",
    "Begum",
]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def user_tasks(xml: str) -> list[tuple[str, str]]:
    """(id, name) of a diagram's user tasks, in document order."""
    root = read_xml(xml.encode(), "diagram.bpmn", 10_000_000)
    return [(t.get("id", ""), t.get("name", "")) for t in root.iter(f"{BPMN}userTask")]


def make_people(total: int) -> tuple[list[Team], list[User]]:
    """The demo's teams and people plus more, to `total` users (password 'demo')."""
    teams = list(db.session.scalars(select(Team).order_by(Team.id)))
    for n in range(EXTRA_TEAMS):
        teams.append(create_team(f"Locality team {n + 1}", f"Locality {n + 1}", "Bench"))
    existing = db.session.scalar(select(func.count()).select_from(User)) or 0
    for n in range(total - existing):
        home = teams[n % len(teams)]
        role = Role.MANAGER if n % 12 == 0 else Role.PRACTITIONER
        create_user(
            f"worker{n}@example.org", f"Worker {n}", "demo", role, [home, teams[(n + 7) % len(teams)]]
        )
    db.session.commit()
    return teams, list(db.session.scalars(select(User).order_by(User.id)))


def _ids(model: type[Any]) -> int:
    return int(db.session.scalar(select(func.max(model.id))) or 0)


def fill_cases(n: int, teams: list[Team], users: list[User], rng: random.Random) -> None:
    versions = list(db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current)))
    tasks_of = {v.id: user_tasks(v.bpmn_xml) for v in versions}
    members = {t.id: [u.id for u in users if t in u.teams] for t in teams}
    now = datetime.now(UTC)
    first_child, first_instance = _ids(Child) + 1, _ids(ProcessInstance) + 1
    instance_id = first_instance
    for start in range(0, n, BATCH):
        ids = range(first_child + start, first_child + start + min(BATCH, n - start))
        children, cases, instances, tasks, meetings = [], [], [], [], []
        for i in ids:
            referred = now - timedelta(days=rng.randint(0, 365), hours=rng.randint(0, 23))
            closed = rng.random() < 0.3
            children.append(
                {
                    "id": i,
                    "first_name": rng.choice(FIRST),
                    "last_name": f"{rng.choice(LAST)}{i % 97}",
                    "date_of_birth": date(2008, 9, 1) + timedelta(days=rng.randint(0, 4000)),
                    "school": rng.choice(SCHOOLS),
                    "year_group": f"Year {rng.randint(1, 11)}",
                    "created_at": referred,
                }
            )
            cases.append(
                {
                    "id": i,
                    "reference": f"C{i:07d}",
                    "child_id": i,
                    "attendance_percent": rng.randint(40, 95),
                    "concern_reasons": "Attendance falling",
                    "referrer_name": "A. Teacher",
                    "referrer_role": "DSL",
                    "referrer_organisation": "School",
                    "referral_date": referred.date(),
                    "created_by_id": users[0].id,
                    "created_at": referred,
                    "status": "closed" if closed else "open",
                    "closed_at": referred + timedelta(days=120) if closed else None,
                }
            )
            for version in rng.sample(versions, rng.choice((1, 1, 2, 3))):
                steps = tasks_of[version.id]
                if not steps:
                    continue
                reached = rng.randint(0, len(steps) - 1)
                team = rng.choice(teams)
                started = referred + timedelta(days=rng.randint(0, 5))
                done = closed or rng.random() < 0.2
                instances.append(
                    {
                        "id": instance_id,
                        "case_id": i,
                        "process_version_id": version.id,
                        "state": b"",
                        "serializer_version": "1.5",
                        "version": 1,
                        "status": "completed" if done else "running",
                        "started_at": started,
                        "updated_at": started,
                        "completed_at": started if done else None,
                    }
                )
                at = started
                for step, (bpmn_id, name) in enumerate(steps[: reached + 1]):
                    is_open = step == reached and not done
                    took = timedelta(days=rng.randint(0, 30), hours=rng.randint(1, 9))
                    worker = rng.choice(members[team.id]) if members[team.id] else None
                    tasks.append(
                        {
                            "id": str(uuid.UUID(int=rng.getrandbits(128))),
                            "instance_id": instance_id,
                            "case_id": i,
                            "bpmn_id": bpmn_id,
                            "name": name,
                            "process_name": version.name,
                            "form_key": bpmn_id,
                            "lane": team.lane,
                            "documentation": "",
                            "team_id": team.id,
                            "required_role": "",
                            "assignee_id": worker if (not is_open or rng.random() < 0.6) else None,
                            "state": "open" if is_open else "completed",
                            "due_at": at + timedelta(days=rng.randint(1, 40)),
                            "created_at": at,
                            "child_name": f"{children[-1]['last_name']}, {children[-1]['first_name']}",
                            "completed_at": None if is_open else at + took,
                            "completed_by_id": None if is_open else worker,
                            "data": None if is_open else {"notes": "Seen at home; plan agreed."},
                        }
                    )
                    if bpmn_id in ("strategy_discussion", "hold_icpc", "core_group", "next_core_group"):
                        kind = {"strategy_discussion": "strategy_discussion", "hold_icpc": "icpc"}.get(
                            bpmn_id, "core_group"
                        )
                        if not is_open:
                            meetings.append(
                                {
                                    "case_id": i,
                                    "instance_id": instance_id,
                                    "task_id": tasks[-1]["id"],
                                    "kind": kind,
                                    "held_on": (at + took).date(),
                                    "attendees": "Family, school, social worker",
                                    "decisions": "Plan agreed",
                                    "outcome": "",
                                    "recorded_at": at + took,
                                }
                            )
                    at += took
                instance_id += 1
        for model, rows in (
            (Child, children),
            (Case, cases),
            (ProcessInstance, instances),
            (HumanTask, tasks),
            (Meeting, meetings),
        ):
            if rows:
                db.session.execute(insert(model), rows)
        db.session.commit()


def _events(
    n: int, cases: int, users: list[User], rng: random.Random
) -> Iterator[tuple[dict[str, Any], list[int]]]:
    """(event row, case ids it showed) in time order over the past year."""
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / max(n, 1)
    first_case = _ids(Case) - cases + 1
    for k in range(n):
        at, actor = start + step * k, rng.choice(users).id
        case_id = first_case + rng.randrange(cases)
        kind = rng.random()
        if kind < 0.6:
            yield (
                {
                    "at": at,
                    "actor_id": actor,
                    "action": "case.viewed",
                    "case_id": case_id,
                    "detail": f"/cases/C{case_id:07d}",
                },
                [case_id],
            )
        elif kind < 0.7:
            shown = [first_case + rng.randrange(cases) for _ in range(20)]
            yield (
                {"at": at, "actor_id": actor, "action": "cases.listed", "case_id": None, "detail": "/cases"},
                shown,
            )
        elif kind < 0.9:
            yield (
                {
                    "at": at,
                    "actor_id": actor,
                    "action": "task.completed",
                    "case_id": case_id,
                    "after": {"notes": "Visited; attendance 84%", "decision": "continue"},
                    "detail": "Review the family plan",
                },
                [],
            )
        else:
            yield (
                {
                    "at": at,
                    "actor_id": actor,
                    "action": "task.assigned",
                    "case_id": case_id,
                    "before": {"assignee": None},
                    "after": {"assignee": f"Worker {actor}"},
                    "detail": "Balancing caseloads",
                },
                [],
            )


def fill_audit(n: int, cases: int, users: list[User], rng: random.Random) -> None:
    next_id = _ids(AuditEvent) + 1
    rows: list[dict[str, Any]] = []
    links: list[dict[str, int]] = []
    for event, shown in _events(n, cases, users, rng):
        rows.append(
            {"id": next_id, "instance_id": None, "task_id": None, "before": None, "after": None} | event
        )
        links.extend({"event_id": next_id, "case_id": c} for c in dict.fromkeys(shown))
        next_id += 1
        if len(rows) >= BATCH * 4:
            _write_audit(rows, links)
            rows, links = [], []
    _write_audit(rows, links)


def _write_audit(rows: list[dict[str, Any]], links: list[dict[str, int]]) -> None:
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    if links:
        db.session.execute(insert(AuditEventCase), links)
    db.session.commit()


def fill(cases: int, audit_events: int, users: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    teams, people = make_people(users)
    fill_cases(cases, teams, people, rng)
    fill_audit(audit_events, cases, people, rng)
