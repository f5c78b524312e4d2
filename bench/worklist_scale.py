"""How fast the worklist answers with 100,000 cases.

Fills a fresh database with N cases (each a child, a case, a process instance and an open
task spread over the four team queues, plus completed tasks), then times the queries the
worklist page runs, and the whole page through the test client (sign-in cookie, queries,
the view's audit rows, rendering, commit). Usage: .venv/bin/python bench/worklist_scale.py
[--cases 100000] [--database-url URL]
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
from sqlalchemy import insert, select  # noqa: E402

from app.demo.people import ensure_people  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Case, Child, HumanTask, ProcessInstance, ProcessVersion, Team, User  # noqa: E402
from app.workflow.library import publish_shipped  # noqa: E402
from app.worklist.queries import WorklistFilter, worklist  # noqa: E402
from bench.scale_app import bench_app, settle  # noqa: E402

BATCH = 5000


def fill(n: int) -> None:
    rng = random.Random(1)
    teams = list(db.session.scalars(select(Team)))
    users = list(db.session.scalars(select(User)))
    version = db.session.scalar(select(ProcessVersion))
    creator = users[0].id
    now = datetime.now(UTC)
    for start in range(0, n, BATCH):
        count = min(BATCH, n - start)
        ids = range(start + 1, start + count + 1)
        db.session.execute(
            insert(Child),
            [
                {
                    "id": i,
                    "first_name": f"Child{i}",
                    "last_name": f"Family{i % 997}",
                    "date_of_birth": date(2014, 1, 1),
                    "school": "Riverside",
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
                    "referral_date": date(2026, 9, 1),
                    "created_by_id": creator,
                    "created_at": now,
                    "status": "open",
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(ProcessInstance),
            [
                {
                    "id": i,
                    "case_id": i,
                    "process_version_id": version.id,
                    "state": b"",
                    "serializer_version": "1.5",
                    "version": 1,
                    "status": "running",
                    "started_at": now,
                    "updated_at": now,
                }
                for i in ids
            ],
        )
        rows = []
        for i in ids:
            team = rng.choice(teams)
            members = [u for u in users if team in u.teams]
            for state in ("completed", "completed", "open"):
                rows.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128))),
                        "instance_id": i,
                        "case_id": i,
                        "bpmn_id": "triage",
                        "name": "Triage the referral",
                        "process_name": "Referral to Early Help",
                        "form_key": "referral.triage",
                        "lane": team.lane,
                        "documentation": "",
                        "team_id": team.id,
                        "assignee_id": rng.choice(members).id if members and rng.random() < 0.5 else None,
                        "state": state,
                        "due_at": now + timedelta(days=rng.randint(-20, 60)),
                        "created_at": now - timedelta(days=rng.randint(0, 90)),
                    }
                )
        db.session.execute(insert(HumanTask), rows)
        db.session.commit()




def timed(fn, repeats: int = 20) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        publish_shipped()
        db.session.commit()
        t = time.perf_counter()
        fill(args.cases)
        settle()
        print(
            f"database: {db.engine.dialect.name}; filled {args.cases} cases, {args.cases * 3} tasks "
            f"in {time.perf_counter() - t:.1f} s"
        )
        manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
        practitioner = db.session.scalar(select(User).where(User.email == "practitioner@example.org"))
        checks = {
            "team queue (4 teams), page 1, by due date": (manager, WorklistFilter(view="team")),
            "team queue, page 200, by due date": (manager, WorklistFilter(view="team", page=200)),
            "team queue, unassigned only, by age": (
                manager,
                WorklistFilter(view="team", unassigned_only=True, sort="age"),
            ),
            "team queue, sorted by child name": (manager, WorklistFilter(view="team", sort="child")),
            "my tasks, page 1": (practitioner, WorklistFilter(view="mine")),
        }
        print(f"{'query':48} {'median ms':>10} {'p90 ms':>8} {'rows':>7}")
        for label, (user, f) in checks.items():
            page = worklist(user, f)
            median, p90 = timed(lambda user=user, f=f: worklist(user, f))
            print(f"{label:48} {median:10.1f} {p90:8.1f} {page.total:7d}")
        time_pages(app)


def time_pages(app, repeats: int = 40) -> None:
    """The worklist page end to end, as a signed-in user's browser asks for it, with its view
    audit (one event and its case rows) and, alternately, with the view audit switched off:
    the difference is what auditing views costs, measured under the same load."""
    import app.audit as audit_module

    recording = audit_module.record_view
    variants = {"audited": recording, "not audited": lambda *args, **kwargs: None}
    pages = {
        "page: team queue (4 teams), page 1": ("manager@example.org", "/worklist?view=team"),
        "page: team queue, page 200": ("manager@example.org", "/worklist?view=team&page=200"),
        "page: my tasks": ("practitioner@example.org", "/worklist"),
    }
    print(f"{'page (GET, 200, committed), median / p90 ms':48} {'audited':>15} {'not audited':>15}")
    for label, (email, url) in pages.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "demo"})
        client.get(url)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for i in range(repeats):
            order = list(variants.items()) if i % 2 else list(reversed(variants.items()))
            for name, record_view in order:
                audit_module.record_view = record_view
                t = time.perf_counter()
                assert client.get(url).status_code == 200
                samples[name].append((time.perf_counter() - t) * 1000)
        audit_module.record_view = recording
        cells = []
        for name in variants:
            ordered = sorted(samples[name])
            cells.append(f"{statistics.median(ordered):6.1f} / {ordered[int(len(ordered) * 0.9) - 1]:6.1f}")
        print(f"{label:48} {cells[0]:>15} {cells[1]:>15}")


if __name__ == "__main__":
    main()
