"""How late timers fire, and how fast a burst of due timers drains.

1. Lateness: N instances whose timer falls due at spread-out moments over a few seconds,
   with the real scheduler running in this process. Lateness = when the timer's work was
   recorded (the `timer.fired` audit row) minus its due time; prints p50, p99 and the worst.
2. Burst: M instances (default 10,000) whose timers all fall due at the same moment, created
   with no scheduler running; then the scheduler starts (its first sweep gives each a date
   job) and the time from the due moment until the last one has fired is measured.

Usage: .venv/bin/python bench/timers.py [--lateness 200] [--burst 10000] [--database-url URL]
Targets (issue 3): p99 lateness under 1 s; 10,000 drained in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import passwords  # noqa: E402
from app.config import Settings  # noqa: E402
from app.demo.people import ensure_people  # noqa: E402
from app.engine import content_hash, parse_diagram  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent, Case, Child, ProcessInstance, ProcessVersion, User  # noqa: E402
from app.scheduling import start_scheduler, stop_scheduler  # noqa: E402
from app.workflow import instances  # noqa: E402
from tests.fixtures.diagrams import boundary_timer  # noqa: E402

PROCESS_ID = "bench_timer"


def attach(url: str, tmp: Path, workers: int) -> Flask:
    """An app on the database, as a second server process would have."""
    import tests.fixtures.forms  # noqa: F401 - the diagram's form

    settings = Settings(
        env="test",
        secret_key="bench",
        database_url=url,
        instance_dir=tmp,
        processes_dir=ROOT / "processes",
        scheduler_workers=workers,
    )
    return create_app(settings)


def run_scheduler_elsewhere(url: str, tmp: str, workers: int, seconds: float) -> None:
    """Runs in another process: a scheduler of its own on the same database."""
    app = attach(url, Path(tmp), workers)
    start_scheduler(app, sweep_seconds=30)
    time.sleep(seconds)
    stop_scheduler(app)


def build(url: str, tmp: Path, workers: int) -> Flask:
    """A fresh, migrated database with people and the timer diagram published."""
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = attach(url, tmp, workers)
    xml = boundary_timer("due_at", kind="timeDate", process_id=PROCESS_ID)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # a scratch database: start it empty
            db.session.execute(text("drop schema public cascade; create schema public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        diagram = parse_diagram(xml, "bench_timer.bpmn")
        db.session.add(
            ProcessVersion(
                process_id=PROCESS_ID,
                name=diagram.name,
                filename="bench_timer.bpmn",
                content_hash=content_hash(xml),
                bpmn_xml=xml.decode(),
                number=1,
                is_current=True,
            )
        )
        db.session.commit()
    return app


def create_instances(app: Flask, dues: list[datetime]) -> None:
    from datetime import date
    from decimal import Decimal

    with app.app_context():
        creator = db.session.scalar(select(func.min(User.id)))
        for n, due in enumerate(dues):
            case = Case(
                reference=f"B{time.time_ns() % 10**12}{n}"[:20],
                child=Child(
                    first_name="Bench",
                    last_name=f"Child{n}",
                    date_of_birth=date(2015, 1, 1),
                    school="Riverside",
                    year_group="Year 5",
                ),
                attendance_percent=Decimal("80"),
                concern_reasons="bench",
                referrer_name="b",
                referrer_role="b",
                referrer_organisation="b",
                referral_date=date.today(),
                created_by_id=creator,
            )
            db.session.add(case)
            db.session.flush()
            instances.start_process(case, PROCESS_ID, {"due_at": due.isoformat()}, None)
            if n % 200 == 199:
                db.session.commit()
        db.session.commit()
        db.session.remove()


def fired_times(app: Flask) -> dict[int, datetime]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.instance_id, AuditEvent.at).where(AuditEvent.action == "timer.fired")
        ).all()
        db.session.remove()
    return {instance_id: at for instance_id, at in rows}


def due_times(app: Flask) -> dict[int, datetime]:
    with app.app_context():
        rows = db.session.execute(select(ProcessInstance.id, ProcessInstance.next_timer_at)).all()
        db.session.remove()
    return {instance_id: due for instance_id, due in rows if due is not None}


def wait_for(app: Flask, count: int, timeout: float) -> float:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if len(fired_times(app)) >= count:
            return time.monotonic()
        time.sleep(0.1)
    raise SystemExit(f"only {len(fired_times(app))} of {count} timers fired within {timeout} s")


def lateness(app: Flask, n: int) -> None:
    start_scheduler(app, sweep_seconds=30)
    try:
        first = datetime.now(UTC) + timedelta(seconds=3)
        dues = [first + timedelta(seconds=10 * i / n) for i in range(n)]
        create_instances(app, dues)
        due_by_id = due_times(app)
        wait_for(app, n, timeout=60)
    finally:
        stop_scheduler(app)
    late = sorted((fired_times(app)[i] - due).total_seconds() * 1000 for i, due in due_by_id.items())
    p99 = late[max(0, int(len(late) * 0.99) - 1)]
    print(
        f"  lateness over {n} timers, ms: p50 {statistics.median(late):.0f}, p99 {p99:.0f}, "
        f"max {late[-1]:.0f}"
    )


def burst(app: Flask, m: int, processes: int = 1) -> None:
    # Time a few creations (due far away, never fired here) to set a due moment after all
    # of the burst will have been created.
    t, probe = time.perf_counter(), 200
    create_instances(app, [datetime.now(UTC) + timedelta(days=1)] * probe)
    rate = probe / (time.perf_counter() - t)
    due = datetime.now(UTC) + timedelta(seconds=m / rate * 1.3 + 10)
    create_instances(app, [due] * m)
    created = datetime.now(UTC)
    print(
        f"  created {m} instances due at the same moment "
        f"({(due - created).total_seconds():.0f} s after creation)"
    )
    others = []
    if processes > 1:  # more server processes, each with its own scheduler
        settings = app.extensions["settings"]
        spawn = multiprocessing.get_context("spawn")
        wait = (due - datetime.now(UTC)).total_seconds() + 120
        for _ in range(processes - 1):
            args = (settings.database_url, str(settings.instance_dir), settings.scheduler_workers, wait)
            others.append(spawn.Process(target=run_scheduler_elsewhere, args=args))
            others[-1].start()
    start_scheduler(app, sweep_seconds=30)
    try:
        time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
        began = time.monotonic()
        ended = wait_for(app, m, timeout=600)
    finally:
        stop_scheduler(app)
        for other in others:
            other.terminate()
    print(
        f"  {processes} process(es) drained {m} due timers in {ended - began:.1f} s "
        f"({m / (ended - began):.0f} per second)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lateness", type=int, default=200)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--processes", type=int, default=1, help="server processes with schedulers (burst)")
    parser.add_argument("--workers", type=int, default=Settings.scheduler_workers, help="scheduler threads")
    args = parser.parse_args()
    runs = (
        ("lateness", lateness, args.lateness),
        ("burst", lambda a, m: burst(a, m, args.processes), args.burst),
    )
    for label, run, size in runs:
        tmp = Path(tempfile.mkdtemp())
        url = args.database_url or f"sqlite:///{tmp / 'timers.db'}"
        app = build(url, tmp, args.workers)
        with app.app_context():
            print(f"{label}: {db.engine.dialect.name}, {args.workers} scheduler threads")
            if db.session.scalar(select(func.count()).select_from(ProcessInstance)):
                raise SystemExit("use an empty scratch database")
            db.session.remove()
        run(app, size)


if __name__ == "__main__":
    main()
