"""A runaway diagram expression, end to end (issue 8, item 8).

Through a page submit and through the timer job, a condition, script, due date or timer that
would run for ever (or build gigabytes) answers within about the limit, leaves the case as it
was, raises an incident in plain words, and leaves the case's row lock free at once: a second
request, or a second database connection, can take the case straight away.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select, text

from app import scheduling
from app.engine import MB, Limits
from app.extensions import db
from app.models import AuditEvent, Case, Incident, InstanceStatus, ProcessInstance, TaskState
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import due_step, script_step, stepped, timer_step, two_step

# A second connection checks the case's row lock is free, and the timer job runs on its own.
pytestmark = pytest.mark.commits

LIMITS = Limits(seconds=0.3, memory_bytes=16 * MB)
SOON = LIMITS.seconds + 2.0  # the issue: under 3 s with a 1 s limit; here a 0.3 s limit
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

FOREVER = "sum(1 for a in range(10**5) for b in range(10**5))"  # about an hour unchecked


@pytest.fixture
def small_limits(ctx: Flask) -> Iterator[Limits]:
    """The app's engine with a short limit, so these tests stay quick."""
    engine = ctx.extensions["engine"]
    environment = engine.script_engine.environment
    saved = engine.limits, environment.limits
    engine.limits = environment.limits = LIMITS
    yield LIMITS
    engine.limits, environment.limits = saved


def start(people, xml: bytes, process_id: str) -> tuple[Case, ProcessInstance]:
    factories.publish_test_diagram(xml)
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, process_id, {"referral_date": "2026-12-01"}, None)
    db.session.commit()
    return case, instance


def snapshot(instance_id: int) -> tuple[bytes, datetime | None, list[tuple[str, TaskState]]]:
    """The saved workflow, its next timer and its open tasks (the incident itself changes the
    row's status and version, nothing else)."""
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance is not None
    tasks = [(t.name, t.state) for t in factories.open_tasks(instance.case)]
    return instance.state, instance.next_timer_at, tasks


def assert_row_lock_is_free(ctx: Flask, instance_id: int) -> None:
    """A second connection can lock the instance's row at once (NOWAIT), or on SQLite start a
    write transaction at once: nothing is still holding the case."""
    with db.engine.connect() as other:
        began = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            other.execute(text("set lock_timeout = '100ms'"))
            locked = other.execute(
                text("select id from process_instance where id = :id for update nowait"), {"id": instance_id}
            ).scalar_one()
            assert locked == instance_id
        else:
            other.exec_driver_sql("begin immediate")
            other.execute(
                text("update process_instance set version = version where id = :id"), {"id": instance_id}
            )
        other.rollback()
        assert time.perf_counter() - began < 0.5


def assert_incident(instance_id: int, message: str) -> None:
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance is not None and instance.status == InstanceStatus.INCIDENT
    [incident] = db.session.scalars(select(Incident).where(Incident.instance_id == instance_id)).all()
    assert re.fullmatch(message, incident.message), incident.message


PAGE_CASES = [
    (
        two_step(condition=escape("sum(range(10**11)) > 0"), process_id="runaway_page"),
        "A condition .* would make a range.*",
    ),
    (
        two_step(condition=escape("len('a' * 10**9) > 0"), process_id="runaway_page"),
        "A condition .* memory.*",
    ),
    (two_step(condition=escape(f"{FOREVER} > 0"), process_id="runaway_page"), "A condition .* took longer.*"),
    (
        stepped(script_step("while True:\n    pass"), process_id="runaway_page"),
        "A script .* took longer .*'Work it out'",
    ),
    (
        stepped(due_step(f"add_days(today(), {FOREVER})"), process_id="runaway_page"),
        "The due date .* took longer .*'Then this'",
    ),
    (
        stepped(timer_step("'a' * 10**9"), process_id="runaway_page"),
        "A timer .* memory .*'Wait for the date'",
    ),
    (
        stepped(due_step("add_working_days(today(), 10**9)"), process_id="runaway_page"),
        ".*due date.*at most 5,200.*",
    ),
]


@pytest.mark.expects_server_error
@pytest.mark.parametrize(
    ("xml", "message"), PAGE_CASES, ids=["range", "repeat", "loop", "script", "due", "timer", "helper"]
)
def test_a_runaway_expression_on_a_page_answers_within_the_limit(
    ctx, client, people, small_limits, xml: bytes, message: str
) -> None:
    case, instance = start(people, xml, "runaway_page")
    before = snapshot(instance.id)
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")

    began = time.perf_counter()
    response = client.post(f"/tasks/{task.id}", data={"note": "My careful note"})
    took = time.perf_counter() - began

    assert took < SOON, f"the page took {took:.2f} s"
    assert response.status_code == 500  # the step failed: said on the page, with what was typed
    page = response.get_data(as_text=True)
    assert "My careful note" in page and "Traceback" not in page
    assert snapshot(instance.id) == before  # the step was rolled back: nothing moved
    assert_incident(instance.id, message)
    assert_row_lock_is_free(ctx, instance.id)

    # A second request on the same case works at once.
    manager = ctx.test_client()
    login(manager, "manager@example.org")
    began = time.perf_counter()
    assert manager.get(f"/cases/{case.reference}").status_code == 200
    assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    assert time.perf_counter() - began < 1.0


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (
            script_step("while True:\n    pass"),
            "A script in the diagram took longer than 0.3 seconds at 'Work it out'",
        ),
        (script_step("text = 'a'\nwhile True:\n    text = text + text"), "A script .* memory .*"),
        (due_step(f"add_days(today(), {FOREVER})"), "The due date in the diagram took longer .*'Then this'"),
        (
            timer_step(f"add_days(today(), {FOREVER})"),
            "A timer in the diagram took longer .*'Wait for the date'",
        ),
    ],
    ids=["loop", "memory", "due", "timer"],
)
def test_a_runaway_expression_in_the_timer_job_fails_within_the_limit_and_the_job_goes_on(
    ctx, people, small_limits, step: str, message: str
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        _, runaway = start(people, stepped(step, wait='"PT1H"', process_id="runaway_timer"), "runaway_timer")
        _, healthy = start(
            people, stepped(script_step("n = 1"), wait='"PT1H"', process_id="healthy_timer"), "healthy_timer"
        )
        before = snapshot(runaway.id)
        clock.move_to(T0 + timedelta(hours=1, seconds=1))

        began = time.perf_counter()
        moved = scheduling.sweep(ctx)
        took = time.perf_counter() - began

        assert took < SOON, f"the sweep took {took:.2f} s"
        assert moved == 1  # the healthy case still moved on
        assert snapshot(runaway.id) == before
        assert_incident(runaway.id, message)
        assert_row_lock_is_free(ctx, runaway.id)
        assert [name for name, _ in snapshot(healthy.id)[2]] == ["After"]

        began = time.perf_counter()
        scheduling.sweep(ctx)  # the next sweep tries again, fails as fast, and raises no second incident
        assert time.perf_counter() - began < SOON
        assert_incident(runaway.id, message)
        fired = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.instance_id == runaway.id)
        ).all()
        assert "timer.fired" not in fired
