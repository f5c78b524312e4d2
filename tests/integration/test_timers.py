"""Timers fire on time, once: with a controlled clock through the sweep, and once for real."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app import scheduling
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskState
from app.tasks import services as tasks
from app.workflow import instances
from tests import factories
from tests.fixtures.diagrams import boundary_timer, intermediate_timer

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday


def start(people, xml: bytes, process_id: str, **data):
    factories.publish_test_diagram(xml)
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, process_id, {"referral_date": "2026-12-01", **data}, None)
    db.session.commit()
    return case, instance


def open_names(case) -> list[str]:
    return sorted(t.name for t in factories.open_tasks(case))


def fired_count(instance) -> int:
    return db.session.scalar(
        select(func.count()).where(AuditEvent.instance_id == instance.id, AuditEvent.action == "timer.fired")
    )


def test_an_interrupting_deadline_fires_once_when_due_and_cancels_the_task(ctx, people) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        case, instance = start(people, boundary_timer('"PT2H"'), "timed_boundary")
        assert instance.next_timer_at == T0 + timedelta(hours=2)
        assert scheduling.sweep(ctx) == 0  # not due yet
        assert open_names(case) == ["Do the work"]

        clock.move_to(T0 + timedelta(hours=2, seconds=1))
        assert scheduling.sweep(ctx) == 1
        assert scheduling.sweep(ctx) == 0  # idempotent: nothing left to fire
        db.session.expire_all()
        assert open_names(case) == ["Timer task"]
        cancelled = db.session.scalars(select(HumanTask).where(HumanTask.state == TaskState.CANCELLED)).all()
        assert [t.name for t in cancelled] == ["Do the work"]
        assert fired_count(instance) == 1
        assert db.session.get(ProcessInstance, instance.id).next_timer_at is None


def test_a_non_interrupting_reminder_leaves_the_task_open(ctx, people) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        case, _ = start(
            people, boundary_timer('"P1D"', interrupting=False, process_id="reminder"), "reminder"
        )
        clock.move_to(T0 + timedelta(days=1, seconds=1))
        scheduling.sweep(ctx)
        db.session.expire_all()
        assert open_names(case) == ["Do the work", "Timer task"]


def test_a_date_timer_from_working_days_fires_at_the_end_of_the_deadline_day(ctx, people) -> None:
    xml = boundary_timer("add_working_days(referral_date, 45)", kind="timeDate", process_id="deadline45")
    with time_machine.travel(T0, tick=False) as clock:
        case, instance = start(people, xml, "deadline45")
        due = datetime(2027, 2, 5, 17, 0, tzinfo=UTC)  # 45 working days from 1 Dec 2026, 17:00 London
        assert instance.next_timer_at == due
        clock.move_to(due - timedelta(minutes=1))
        assert scheduling.sweep(ctx) == 0
        clock.move_to(due + timedelta(seconds=1))
        assert scheduling.sweep(ctx) == 1
        db.session.expire_all()
        assert open_names(case) == ["Timer task"]


def test_an_intermediate_timer_waits_then_moves_the_case_on(ctx, people) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        case, _ = start(people, intermediate_timer("add_working_days(referral_date, 1)"), "timed_wait")
        assert open_names(case) == []
        clock.move_to(datetime(2026, 12, 2, 17, 0, 1, tzinfo=UTC))
        assert scheduling.sweep(ctx) == 1
        db.session.expire_all()
        assert open_names(case) == ["After the wait"]


def test_a_cycle_fires_each_round_and_catches_up_after_downtime_without_repeating(ctx, people) -> None:
    xml = boundary_timer('"R3/P1D"', kind="timeCycle", interrupting=False, process_id="cycle")
    with time_machine.travel(T0, tick=False) as clock:
        case, instance = start(people, xml, "cycle")
        clock.move_to(T0 + timedelta(days=1, seconds=1))
        scheduling.sweep(ctx)
        db.session.expire_all()
        assert open_names(case).count("Timer task") == 1
        clock.move_to(T0 + timedelta(days=5))  # the app was down for the last two rounds
        scheduling.sweep(ctx)
        scheduling.sweep(ctx)
        db.session.expire_all()
        assert open_names(case).count("Timer task") == 3  # three rounds in all, each once
        assert db.session.get(ProcessInstance, instance.id).next_timer_at is None


def test_a_submission_before_the_timer_is_fired_wins_and_the_timer_is_cancelled(ctx, people) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        case, instance = start(people, boundary_timer('"PT1H"'), "timed_boundary")
        clock.move_to(T0 + timedelta(hours=2))
        work = factories.only_open_task(case)
        tasks.complete_task(work, {"note": "done just in time"}, people["practitioner"])
        db.session.commit()
        assert scheduling.sweep(ctx) == 0
        db.session.expire_all()
        done = db.session.get(ProcessInstance, instance.id)
        assert done.status == InstanceStatus.COMPLETED and done.end_event == "Done"


@pytest.mark.commits  # the scheduler fires from its own thread
def test_the_real_scheduler_fires_a_short_timer_within_two_seconds(ctx, people) -> None:
    timers = scheduling.start_scheduler(ctx, sweep_seconds=3600)
    try:
        time.sleep(0.2)  # let the start-up sweep pass
        case, instance = start(people, boundary_timer('"PT1S"', process_id="short"), "short")
        due = instance.next_timer_at
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            db.session.expire_all()
            if open_names(case) == ["Timer task"]:
                break
            time.sleep(0.05)
        assert open_names(case) == ["Timer task"]
        fired_at = db.session.scalar(
            select(AuditEvent.at).where(
                AuditEvent.instance_id == instance.id, AuditEvent.action == "timer.fired"
            )
        )
        assert timedelta(0) <= fired_at - due < timedelta(seconds=2)
        assert timers.state() == "running"
    finally:
        scheduling.stop_scheduler(ctx)


@pytest.mark.parametrize("status", [InstanceStatus.COMPLETED, InstanceStatus.CANCELLED])
def test_finished_instances_are_never_fired(ctx, people, status) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        _, instance = start(people, boundary_timer('"PT1H"'), "timed_boundary")
        instance.status = status
        db.session.commit()
        clock.move_to(T0 + timedelta(hours=2))
        assert scheduling.sweep(ctx) == 0


@pytest.mark.commits  # the scheduler fires from its own thread
def test_timers_missed_while_no_scheduler_ran_fire_once_when_one_starts(ctx, people) -> None:
    case, instance = start(people, boundary_timer('"PT0.2S"', process_id="missed"), "missed")
    time.sleep(0.3)  # due while nothing was running
    scheduling.start_scheduler(ctx, sweep_seconds=3600)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and open_names(case) != ["Timer task"]:
            time.sleep(0.05)
            db.session.expire_all()
        assert open_names(case) == ["Timer task"]
        assert fired_count(instance) == 1
    finally:
        scheduling.stop_scheduler(ctx)
