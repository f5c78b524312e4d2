"""How fast the case list and the process list answer with 100,000 cases.

Fills a database with N cases (a child, a case, a process instance of one of the published
processes, and three tasks each: two completed, one open, spread over the teams, half of the
open ones held by someone, due dates from three weeks ago to two months ahead) and 300 users,
then times the pages' queries for an administrator, a manager of every team and a
practitioner, and the whole pages through the test client (sign-in cookie, queries, the view's
audit rows, rendering, commit).
Usage: .venv/bin/python bench/case_search_scale.py [--cases 100000] [--database-url URL] [--keep FILE]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app.auth.services import create_user  # noqa: E402
from app.cases import listing  # noqa: E402
from app.cases.search import CaseFilters  # noqa: E402
from app.demo.people import ensure_people  # noqa: E402
from app.extensions import db  # noqa: E402
from app.instances import queries as instance_queries  # noqa: E402
from app.instances.filters import InstanceFilters  # noqa: E402
from app.models import Case, Child, HumanTask, ProcessInstance, ProcessVersion, Role, Team, User  # noqa: E402
from app.workflow.library import get_library, publish_shipped  # noqa: E402
from bench.scale_app import bench_app, settle  # noqa: E402

BATCH = 5000
SURNAMES = ["Begum", "Smith", "Jones", "Khan", "Taylor", "Brown", "Williams", "Patel", "Wilson", "Evans"]


def fill(n: int) -> None:
    rng = random.Random(1)
    teams = list(db.session.scalars(select(Team)))
    for k in range(300 - db.session.scalar(select(func.count()).select_from(User))):
        create_user(
            f"bench{k}@example.org",
            f"Bench Worker {k}",
            "bench-password-1",
            Role.PRACTITIONER,
            [rng.choice(teams)],
        )
    db.session.commit()
    users = list(db.session.scalars(select(User)))
    members = {t.id: [u.id for u in users if t in u.teams] for t in teams}
    versions = list(db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current)))
    steps = {v.id: [(u.bpmn_id, u.name) for u in get_library().diagram_for(v).user_tasks] for v in versions}
    now = datetime.now(UTC)
    for start in range(0, n, BATCH):
        ids = range(start + 1, min(n, start + BATCH) + 1)
        db.session.execute(
            insert(Child),
            [
                {
                    "id": i,
                    "first_name": f"Child{i}",
                    "last_name": f"{SURNAMES[i % 10]}{i % 997}",
                    "date_of_birth": date(2010, 1, 1) + timedelta(days=i % 3000),
                    "school": f"School {i % 120}",
                    "year_group": "Year 5",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(Case),
            [
                {
                    "id": i,
                    "reference": f"C{i:07d}",
                    "child_id": i,
                    "attendance_percent": 80,
                    "concern_reasons": "x",
                    "referrer_name": "x",
                    "referrer_role": "x",
                    "referrer_organisation": "x",
                    "referral_date": date(2025, 1, 1) + timedelta(days=i % 700),
                    "created_by_id": users[i % len(users)].id,
                    "created_at": now,
                    "status": "closed" if i % 10 == 0 else "open",
                }
                for i in ids
            ],
        )
        chosen = {i: rng.choice(versions) for i in ids}
        db.session.execute(
            insert(ProcessInstance),
            [
                {
                    "id": i,
                    "case_id": i,
                    "process_version_id": chosen[i].id,
                    "state": b"",
                    "serializer_version": "1.5",
                    "version": 1,
                    "status": "completed" if i % 10 == 0 else rng.choice(["running"] * 20 + ["incident"]),
                    "started_at": now - timedelta(days=i % 700),
                    "updated_at": now - timedelta(minutes=rng.randint(0, 100_000)),
                }
                for i in ids
            ],
        )
        rows = []
        for i in ids:
            team = rng.choice(teams)
            for state in ("completed", "completed", "open" if i % 10 else "completed"):
                bpmn_id, name = rng.choice(steps[chosen[i].id] or [("step", "A step")])
                rows.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128))),
                        "instance_id": i,
                        "case_id": i,
                        "bpmn_id": bpmn_id,
                        "name": name,
                        "process_name": chosen[i].name,
                        "form_key": "x",
                        "lane": team.lane,
                        "documentation": "",
                        "team_id": team.id,
                        "assignee_id": rng.choice(members[team.id])
                        if members[team.id] and rng.random() < 0.5
                        else None,
                        "state": state,
                        "due_at": now + timedelta(days=rng.randint(-20, 60)),
                        "created_at": now - timedelta(days=rng.randint(0, 90)),
                        "child_name": f"x{i}",
                    }
                )
        db.session.execute(insert(HumanTask), rows)
        db.session.commit()


def timed(fn, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


CASE_CHECKS = {
    "newest referrals, page 1": CaseFilters(),
    "newest referrals, page 2000": CaseFilters(page=2000),
    "by reference": CaseFilters(sort="reference", dir="asc"),
    "by child's name": CaseFilters(sort="child", dir="asc"),
    "by next due date": CaseFilters(sort="due", dir="asc"),
    "by next due date, descending": CaseFilters(sort="due", dir="desc"),
    "name 'begum1'": CaseFilters(q="begum1"),
    "reference C0054321": CaseFilters(q="C0054321"),
    "school 'school 7'": CaseFilters(school="school 7"),
    "overdue": CaseFilters(overdue=True),
    "due soon, by due": CaseFilters(due_soon=True, sort="due", dir="asc"),
    "unallocated over 30 days": CaseFilters(unallocated_days=30),
    "referred in March 2025": CaseFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)),
    "all statuses": CaseFilters(status="all"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="an SQLite file to fill once and reuse")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    app = bench_app(args.database_url, Path(args.keep) if args.keep else None)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        publish_shipped()
        db.session.commit()
        if not db.session.scalar(select(func.count()).select_from(Case)):
            t = time.perf_counter()
            fill(args.cases)
            settle()
            print(f"filled {args.cases} cases in {time.perf_counter() - t:.1f} s")
        print(f"database: {db.engine.dialect.name}")
        people = {
            role: db.session.scalar(select(User).where(User.email == f"{role}@example.org"))
            for role in ("admin", "manager", "practitioner")
        }
        pathway = db.session.scalar(select(ProcessVersion.process_id).where(ProcessVersion.is_current))
        task = db.session.scalar(select(HumanTask).where(HumanTask.state == "open").limit(1))
        checks = dict(CASE_CHECKS)
        checks[f"pathway {pathway}"] = CaseFilters(pathway=pathway)
        checks[f"stage {task.bpmn_id}"] = CaseFilters(stage=task.bpmn_id)
        checks["team, overdue, by due"] = CaseFilters(team=task.team_id, overdue=True, sort="due", dir="asc")
        print(f"{'case list query':44} {'who':>12} {'median ms':>10} {'p95 ms':>8} {'cases':>7}")
        for label, f in checks.items():
            for who, user in people.items():
                page = listing.case_page(user, f)
                median, p95 = timed(lambda user=user, f=f: listing.case_page(user, f), args.repeats)
                print(f"{label:44} {who:>12} {median:10.1f} {p95:8.1f} {page.total:7d}")
        instance_checks = {
            "processes, latest change first": InstanceFilters(),
            "processes, by reference": InstanceFilters(sort="reference", dir="asc"),
            "processes running, by start": InstanceFilters(status="running", sort="started"),
            f"processes of {pathway}": InstanceFilters(process=pathway),
        }
        for label, f in instance_checks.items():
            for who in ("admin", "manager"):
                user = people[who]
                page = instance_queries.instance_page(user, f)
                median, p95 = timed(
                    lambda user=user, f=f: instance_queries.instance_page(user, f), args.repeats
                )
                print(f"{label:44} {who:>12} {median:10.1f} {p95:8.1f} {page.total:7d}")
        time_pages(app, args.repeats)


def time_pages(app, repeats: int) -> None:
    pages = {
        "page: cases, manager": ("manager@example.org", "/cases"),
        "page: cases, manager, overdue by due": ("manager@example.org", "/cases?overdue=1&sort=due&dir=asc"),
        "page: cases, admin, page 300": ("admin@example.org", "/cases?page=300"),
        "page: cases, practitioner": ("practitioner@example.org", "/cases"),
        "page: processes, manager": ("manager@example.org", "/instances"),
    }
    print(f"{'page (GET, 200, committed)':44} {'':>12} {'median ms':>10} {'p95 ms':>8}")
    for label, (email, url) in pages.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "demo"})
        client.get(url)

        def get(client=client, url=url) -> None:
            assert client.get(url).status_code == 200

        median, p95 = timed(get, repeats)
        print(f"{label:44} {'':>12} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
