"""Several app processes sweeping the same database: every timer still fires exactly once."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, TaskState
from app.workflow import instances
from tests import factories
from tests.fixtures.diagrams import boundary_timer

# The sweeping processes have connections of their own: they must see what the test commits.
pytestmark = pytest.mark.commits

INSTANCES = 40
PROCESSES = 3


def sweep_in_a_new_process(database_url: str, instance_dir: str, go_at: float) -> int:
    """Runs in a spawned process: its own app, engine, connection pool and scheduler code."""
    from app import create_app
    from app.config import ROOT, Settings
    from app.scheduling import sweep

    app = create_app(
        Settings(
            env="test",
            secret_key="x",
            database_url=database_url,
            instance_dir=Path(instance_dir),
            processes_dir=ROOT / "processes",
        )
    )
    time.sleep(max(0.0, go_at - time.time()))  # all processes sweep at the same moment
    return sum(sweep(app) for _ in range(3))


def test_three_processes_sweeping_fire_each_timer_once(ctx, people) -> None:
    factories.publish_test_diagram(boundary_timer('"PT0.5S"', process_id="race"))
    started = []
    for _ in range(INSTANCES):
        case = factories.bare_case(people["practitioner"])
        started.append(instances.start_process(case, "race", {}, None).id)
    db.session.commit()
    time.sleep(0.6)

    settings = ctx.extensions["settings"]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(PROCESSES) as pool:
        fired = pool.starmap(
            sweep_in_a_new_process,
            [(settings.database_url, str(settings.instance_dir), time.time() + 4)] * PROCESSES,
        )

    assert sum(fired) == INSTANCES, fired
    db.session.expire_all()
    per_instance = dict(
        db.session.execute(
            select(AuditEvent.instance_id, func.count())
            .where(AuditEvent.action == "timer.fired")
            .group_by(AuditEvent.instance_id)
        ).all()
    )
    assert per_instance == {instance_id: 1 for instance_id in started}
    timer_tasks = db.session.scalar(
        select(func.count()).where(HumanTask.name == "Timer task", HumanTask.state == TaskState.OPEN)
    )
    assert timer_tasks == INSTANCES
