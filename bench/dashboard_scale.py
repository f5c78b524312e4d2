"""How fast the managers' dashboard answers with 100,000 cases and 300 people.

Fills a fresh database with N cases spread over the pathways the dashboard reads: child and family
assessments authorised over the past year (and some still open, some past 45 working days), Early
Help cases waiting for consent, child protection enquiries with strategy discussions and initial
conferences, plans with core groups and review conferences, and open work in every team queue,
held or not. Then times the dashboard and a list behind one of its figures through the test
client (sign-in cookie, queries, rendering, the list's view audit, commit), as a manager of every
team and as an administrator.

    .venv/bin/python bench/dashboard_scale.py [--cases 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app.dashboard.figures import KEPT  # noqa: E402
from app.demo.people import ensure_people  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Case,
    Child,
    HumanTask,
    Meeting,
    ProcessInstance,
    ProcessVersion,
    Role,
    Team,
    User,
    team_members,
)
from app.workflow.library import publish_shipped  # noqa: E402
from bench.scale_app import bench_app, settle  # noqa: E402

BATCH = 5000
PEOPLE = 300
# (share of cases, process id, lane, completed steps, open step)
KINDS = [
    (
        0.25,
        "cas_assessment",
        "CAS",
        ["referral_decision", "assessment", "authorise_assessment"],
        "assessment_outcome",
    ),
    (0.10, "cas_assessment", "CAS", ["referral_decision"], "assessment"),
    (0.15, "referral_to_early_help", "Early Help", ["triage"], "seek_consent"),
    (
        0.05,
        "child_protection_enquiry",
        "Child Protection Chairs",
        ["strategy_discussion", "hold_icpc"],
        "icpc_outcome",
    ),
    (0.05, "child_protection_plan", "CAS", ["core_group", "first_review_conference"], "next_core_group"),
    (0.40, "attendance_support", "Schools", ["triage"], "school_actions"),
]


def add_people(rng: random.Random) -> None:
    """Practitioners and managers up to PEOPLE, each in one or two teams."""
    teams = list(db.session.scalars(select(Team)))
    template = db.session.scalar(select(User.password_hash).limit(1))
    have = len(db.session.scalars(select(User.id)).all())
    now = datetime.now(UTC)
    start = 1000
    rows = [
        {
            "id": start + i,
            "email": f"person{i}@example.org",
            "name": f"Person {i}",
            "password_hash": template,
            "role": Role.MANAGER.value if i % 15 == 0 else Role.PRACTITIONER.value,
            "active": True,
            "created_at": now,
            "must_change_password": False,
        }
        for i in range(PEOPLE - have)
    ]
    db.session.execute(insert(User), rows)
    db.session.execute(
        insert(team_members),
        [{"team_id": rng.choice(teams).id, "user_id": r["id"]} for r in rows],
    )
    db.session.commit()


def fill(n: int) -> None:
    rng = random.Random(1)
    add_people(rng)
    teams = {t.lane: t for t in db.session.scalars(select(Team))}
    members: dict[int, list[int]] = {}
    for team_id, user_id in db.session.execute(select(team_members.c.team_id, team_members.c.user_id)):
        members.setdefault(team_id, []).append(user_id)
    versions = {
        v.process_id: v for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current))
    }
    creator = db.session.scalar(select(User.id).limit(1))
    now = datetime.now(UTC)
    meeting_id = 0
    for start in range(0, n, BATCH):
        ids = range(start + 1, min(n, start + BATCH) + 1)
        children, cases, instances, tasks, meetings = [], [], [], [], []
        for i in ids:
            _share, process_id, lane, done, open_step = _kind(rng)
            team = teams[lane]
            referred = (now - timedelta(days=rng.randint(0, 400))).date()
            children.append(
                {
                    "id": i,
                    "first_name": f"Child{i}",
                    "last_name": f"Family{i % 997}",
                    "date_of_birth": date(2014, 1, 1),
                    "school": "Riverside",
                    "year_group": "Year 5",
                    "created_at": now,
                }
            )
            cases.append(
                {
                    "id": i,
                    "reference": f"C{i:07d}",
                    "child_id": i,
                    "attendance_percent": 80,
                    "concern_reasons": "x",
                    "referrer_name": "x",
                    "referrer_role": "x",
                    "referrer_organisation": "x",
                    "referral_date": referred,
                    "created_by_id": creator,
                    "created_at": now,
                    "status": "open",
                }
            )
            started = datetime.combine(referred, datetime.min.time(), tzinfo=UTC)
            instances.append(
                {
                    "id": i,
                    "case_id": i,
                    "process_version_id": versions[process_id].id,
                    "state": b"",
                    "serializer_version": "1.5",
                    "version": 1,
                    "status": "running",
                    "started_at": started,
                    "updated_at": now,
                    "started_by_id": None,
                }
            )
            at = started
            people = members.get(team.id, [creator])
            for step in done:
                at = min(now, at + timedelta(days=rng.randint(1, 30)))
                task_id = str(uuid.UUID(int=rng.getrandbits(128)))
                tasks.append(
                    _task(
                        task_id,
                        i,
                        step,
                        versions[process_id].name,
                        team,
                        "completed",
                        started,
                        at,
                        rng.choice(people),
                        {"authorisation_decision": "authorised"} if step == "authorise_assessment" else {},
                    )
                )
                kind = {
                    "strategy_discussion": "strategy_discussion",
                    "hold_icpc": "icpc",
                    "core_group": "core_group",
                    "first_review_conference": "cp_review_conference",
                }.get(step)
                if kind:
                    meeting_id += 1
                    meetings.append(
                        {
                            "id": meeting_id,
                            "case_id": i,
                            "instance_id": i,
                            "task_id": task_id,
                            "kind": kind,
                            "held_on": at.date(),
                            "invited": "",
                            "attendees": "x",
                            "decisions": "x",
                            "actions": "",
                            "outcome": "",
                            "next_due": None,
                            "recorded_at": at,
                        }
                    )
            holder = rng.choice(people) if rng.random() < 0.6 else None
            tasks.append(
                _task(
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    i,
                    open_step,
                    versions[process_id].name,
                    team,
                    "open",
                    now - timedelta(days=rng.randint(0, 60)),
                    None,
                    holder,
                    None,
                    due=now + timedelta(days=rng.randint(-20, 40)),
                )
            )
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


def _kind(rng: random.Random) -> tuple[Any, ...]:
    roll, total = rng.random(), 0.0
    for kind in KINDS:
        total += kind[0]
        if roll < total:
            return kind
    return KINDS[-1]


def _task(
    task_id: str,
    i: int,
    step: str,
    process: str,
    team: Team,
    state: str,
    created: datetime,
    completed: datetime | None,
    user: int | None,
    data: dict[str, Any] | None,
    due: datetime | None = None,
) -> dict[str, Any]:
    return {
        "id": task_id,
        "instance_id": i,
        "case_id": i,
        "bpmn_id": step,
        "name": step.replace("_", " ").capitalize(),
        "process_name": process,
        "form_key": "x",
        "lane": team.lane,
        "documentation": "",
        "team_id": team.id,
        "assignee_id": user,
        "state": state,
        "due_at": due or (created + timedelta(days=30)),
        "created_at": created,
        "completed_at": completed,
        "completed_by_id": user if completed else None,
        "data": data,
        "child_name": f"Family{i % 997}, Child{i}",
    }




def time_pages(app: Flask, repeats: int) -> None:
    """Each page as a signed-in browser asks for it: "worked out" forgets the kept figures before
    every request (what the first request after a change costs), "kept" does not."""
    pages = {
        "dashboard, manager of 7 teams, this month": ("manager@example.org", "/dashboard"),
        "dashboard, manager, this quarter": ("manager@example.org", "/dashboard?period=quarter"),
        "dashboard, manager, last quarter": ("manager@example.org", "/dashboard?period=last_quarter"),
        "dashboard, manager, one team (CAS)": ("manager@example.org", "/dashboard?period=quarter&team=3"),
        "dashboard, administrator, this quarter": ("admin@example.org", "/dashboard?period=quarter"),
        "cases behind: assessments late, last quarter": (
            "manager@example.org",
            "/dashboard/cases/assessments?band=late&period=last_quarter",
        ),
    }
    print(f"{'page (GET 200, committed), median / p95 ms':48} {'worked out':>15} {'kept':>15}")
    for label, (email, url) in pages.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "demo"})
        assert client.get(url).status_code == 200
        cells = []
        for forget in (True, False):
            samples = []
            for _ in range(repeats):
                if forget:
                    KEPT.forget()
                t = time.perf_counter()
                assert client.get(url).status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            cells.append(f"{statistics.median(samples):6.1f} / {samples[int(len(samples) * 0.95) - 1]:6.1f}")
        print(f"{label:48} {cells[0]:>15} {cells[1]:>15}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("drop schema public cascade; create schema public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        publish_shipped()
        db.session.commit()
        t = time.perf_counter()
        fill(args.cases)
        settle()
        print(
            f"database: {db.engine.dialect.name}; filled {args.cases} cases "
            f"in {time.perf_counter() - t:.1f} s"
        )
    time_pages(app, args.repeats)


if __name__ == "__main__":
    main()
