"""How fast the audit search answers with 1,000,000 audit events, 100,000 cases and 300 users.

Fills a fresh database (the cases, instances and tasks of bench/worklist_scale.py, 300 users,
then N audit events a year long: case views with their case rows, list views that showed ten
cases each, claims, completions with before and after, sign-ins), then asks for the audit
search page through the test client (sign-in cookie, queries, rendering, the search's own view
event, commit) as an administrator, a manager of every team and a manager of one team, with
each filter and some combinations, and prints the median and 95th percentile.
Usage: .venv/bin/python bench/audit_search_scale.py [--events 1000000] [--cases 100000]
[--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app.auth.services import create_user  # noqa: E402
from app.demo.people import ensure_people  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent, Role, Team, User  # noqa: E402
from app.models.audit import AuditEventCase  # noqa: E402
from app.workflow.library import publish_shipped  # noqa: E402
from bench.scale_app import bench_app, settle  # noqa: E402
from bench.worklist_scale import fill as fill_cases  # noqa: E402

BATCH = 20_000
USERS = 300
CHANGES = ("task.claimed", "task.released", "task.assigned")


def add_people() -> None:
    teams = list(db.session.scalars(select(Team)))
    have = db.session.scalar(select(func.count()).select_from(User)) or 0
    for n in range(USERS - have):
        create_user(
            f"worker{n}@example.org", f"Worker {n}", "demo", Role.PRACTITIONER, [teams[n % len(teams)]]
        )
    create_user("one.team.manager@example.org", "One Team Manager", "demo", Role.MANAGER, [teams[0]])
    db.session.commit()


def fill_events(n: int, cases: int) -> None:
    rng = random.Random(2)
    users = list(db.session.scalars(select(User.id)))
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / n
    base = db.session.scalar(select(func.max(AuditEvent.id))) or 0  # publishing's own events
    for first in range(base + 1, base + n + 1, BATCH):
        events, links = [], []
        for i in range(first, min(first + BATCH, base + n + 1)):
            r, case = rng.random(), rng.randint(1, cases)
            row = {
                "id": i,
                "at": start + step * (i - base),
                "actor_id": rng.choice(users),
                "action": "case.viewed",
                "case_id": case,
                "instance_id": None,
                "task_id": None,
                "before": None,
                "after": None,
                "detail": f"/cases/C{case:07d}",
            }
            if r < 0.50:
                links.append({"event_id": i, "case_id": case})
            elif r < 0.60:
                row |= {"action": "cases.listed", "case_id": None, "detail": "/cases"}
                links += [{"event_id": i, "case_id": c} for c in set(rng.sample(range(1, cases + 1), 10))]
            elif r < 0.70:
                row |= {
                    "action": rng.choice(CHANGES),
                    "instance_id": case,
                    "before": {"assignee_id": rng.choice(users)},
                    "after": {"assignee_id": rng.choice(users)},
                    "detail": "Triage the referral",
                }
            elif r < 0.80:
                row |= {
                    "action": "task.completed",
                    "instance_id": case,
                    "after": {
                        "triage_decision": "seek_consent",
                        "triage_reasons": "Family asked for help " * 5,
                    },
                    "detail": "Triage the referral",
                }
            elif r < 0.86:
                row |= {"action": "auth.signed_in", "case_id": None, "detail": ""}
            else:
                row |= {"action": "task.viewed", "detail": "/tasks/x"}
                links.append({"event_id": i, "case_id": case})
            events.append(row)
        db.session.execute(insert(AuditEvent), events)
        db.session.execute(insert(AuditEventCase), links)
        db.session.commit()




def timed(client, urls: Callable[[random.Random], str], repeats: int) -> tuple[float, float]:
    rng = random.Random(3)
    samples = []
    for _ in range(repeats):
        url = urls(rng)
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def checks(n_events: int, n_cases: int, user_ids: list[int]) -> dict[str, Callable[[random.Random], str]]:
    def day(rng: random.Random) -> datetime:
        return datetime.now(UTC) - timedelta(days=rng.randint(8, 360))

    def week(rng: random.Random) -> str:
        d = day(rng)
        return f"from={d:%Y-%m-%d}&to={d + timedelta(days=6):%Y-%m-%d}"

    return {
        "no filter, newest": lambda rng: "/audit",
        "no filter, a page deep in the past": lambda rng: f"/audit?before={rng.randint(1000, n_events)}",
        "no filter, newer from deep": lambda rng: f"/audit?after={rng.randint(1000, n_events - 1000)}",
        "by case": lambda rng: f"/audit?case=C{rng.randint(1, n_cases):07d}",
        "by user": lambda rng: f"/audit?user={rng.choice(user_ids)}",
        "by action (claimed)": lambda rng: "/audit?action=task.claimed",
        "by action, views only": lambda rng: "/audit?action=views",
        "by action, changes only": lambda rng: "/audit?action=changes",
        "by action, sign-ins (no case)": lambda rng: "/audit?action=auth.signed_in",
        "by date range (a week)": lambda rng: f"/audit?{week(rng)}",
        "user + date range": lambda rng: f"/audit?user={rng.choice(user_ids)}&{week(rng)}",
        "action + date range": lambda rng: f"/audit?action=task.completed&{week(rng)}",
        "case + user": lambda rng: f"/audit?case=C{rng.randint(1, n_cases):07d}&user={rng.choice(user_ids)}",
        "user + action": lambda rng: f"/audit?user={rng.choice(user_ids)}&action=task.completed",
        "case + date range": lambda rng: f"/audit?case=C{rng.randint(1, n_cases):07d}&{week(rng)}",
    }


def time_pages(app: Flask, n_events: int, n_cases: int, repeats: int) -> None:
    user_ids = list(db.session.scalars(select(User.id)))
    readers = ("admin@example.org", "manager@example.org", "one.team.manager@example.org")
    print(f"{'GET /audit (median / p95 ms)':40} " + " ".join(f"{r.split('@')[0]:>20}" for r in readers))
    clients = []
    for email in readers:
        client = app.test_client()
        client.post("/login", data={"email": email, "password": "demo"})
        client.get("/audit")
        clients.append(client)
    worst = 0.0
    for label, urls in checks(n_events, n_cases, user_ids).items():
        cells = []
        for client in clients:
            median, p95 = timed(client, urls, repeats)
            worst = max(worst, p95)
            cells.append(f"{median:8.1f} / {p95:8.1f}")
        print(f"{label:40} " + " ".join(f"{c:>20}" for c in cells))
    print(f"worst p95: {worst:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        publish_shipped()
        db.session.commit()
        t = time.perf_counter()
        add_people()
        fill_cases(args.cases)
        fill_events(args.events, args.cases)
        settle()
        print(
            f"database: {db.engine.dialect.name}; {args.events} audit events, {args.cases} cases, "
            f"{USERS} users, filled in {time.perf_counter() - t:.0f} s"
        )
        time_pages(app, args.events, args.cases, args.repeats)


if __name__ == "__main__":
    main()
