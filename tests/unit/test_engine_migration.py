"""Moving a running workflow onto another version of its diagram (app/engine/migration.py), with
no database: VersionChange.check() says whether it can move, why not and what changes for it;
move() puts it on the new version in place, its open tasks keeping their ids and its waiting
timers their due dates.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
import time_machine

from app.engine import Engine, ParsedDiagram, RunningWorkflow, parse_diagram
from app.engine.migration import VersionChange
from app.workflow.helpers import diagram_helpers
from tests.fixtures.diagrams import boundary_timer
from tests.fixtures.moves.diagrams import chain, task, wait

ENGINE = Engine(diagram_helpers())
STARTED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # a Monday morning
MOVED = STARTED + timedelta(days=3, hours=5)
DUE = STARTED + timedelta(days=10)  # what "P10D" from the start gives


@cache
def diagram(xml: bytes) -> ParsedDiagram:
    """Parsed once, as the library does: a workflow is compared with the spec it runs on."""
    return parse_diagram(xml, "moving.bpmn")


V1 = chain(task("a", "Alpha"), task("b", "Bravo"))


def start(xml: bytes = V1) -> RunningWorkflow:
    return ENGINE.start(diagram(xml), {"referral_date": "2027-01-04"})


def only_ready(running: RunningWorkflow) -> tuple[str, str, str]:
    """(task id, BPMN id, name) of the one ready task."""
    ready = running.ready_tasks()
    assert len(ready) == 1, ready
    return ready[0].id, ready[0].bpmn_id, ready[0].name


def complete(running: RunningWorkflow, note: str = "done") -> None:
    running.complete_task(only_ready(running)[0], {"note": note})


def saved_and_loaded(running: RunningWorkflow, xml: bytes) -> RunningWorkflow:
    """The workflow as the product keeps it: dumped, and loaded again on the version it is on."""
    return ENGINE.load(running.dump(), diagram(xml))


# -- renaming, inserting, removing ------------------------------------------------------------


def test_renaming_the_open_task_keeps_its_id_and_takes_the_new_name() -> None:
    running = start()
    task_id, _, _ = only_ready(running)
    v2 = chain(task("a", "Alpha, renamed"), task("b", "Bravo"))
    change = VersionChange(diagram(V1), diagram(v2))

    check = change.check(running)
    assert check.can_move is True and check.reasons == []
    renamed = [c for c in check.changes if "'Alpha'" in c and "'Alpha, renamed'" in c]
    assert len(renamed) == 1, check.changes
    assert check.open_forms == {"a": "test.note"}

    change.move(running)
    assert only_ready(running) == (task_id, "a", "Alpha, renamed")
    # and so it stays when saved and loaded on the new version
    assert only_ready(saved_and_loaded(running, v2)) == (task_id, "a", "Alpha, renamed")


def test_a_task_inserted_after_the_open_one_is_reached_when_that_one_is_done() -> None:
    running = start()
    task_id, _, _ = only_ready(running)
    v2 = chain(task("a", "Alpha"), task("x", "Inserted"), task("b", "Bravo"))
    change = VersionChange(diagram(V1), diagram(v2))

    check = change.check(running)
    assert check.can_move is True and check.reasons == []
    assert [c for c in check.changes if "'Inserted'" in c], check.changes

    change.move(running)
    assert only_ready(running) == (task_id, "a", "Alpha")
    complete(running)
    assert only_ready(running)[1:] == ("x", "Inserted")
    complete(running)
    assert only_ready(running)[1:] == ("b", "Bravo")
    complete(running)
    assert running.is_completed()


def test_a_task_inserted_before_the_open_one_does_not_send_the_case_back() -> None:
    running = start()
    complete(running)
    task_id, _, _ = only_ready(running)
    v2 = chain(task("a", "Alpha"), task("x", "Inserted"), task("b", "Bravo"))
    change = VersionChange(diagram(V1), diagram(v2))
    assert change.check(running).can_move is True
    change.move(running)
    assert only_ready(running) == (task_id, "b", "Bravo")


def test_data_gathered_before_the_move_is_still_there_after_it() -> None:
    running = start()
    complete(running, note="seen the family")
    v2 = chain(task("a", "Alpha"), task("b", "Bravo, renamed"))
    change = VersionChange(diagram(V1), diagram(v2))
    assert change.check(running).can_move is True
    change.move(running)
    moved = saved_and_loaded(running, v2)
    assert moved.task_data(only_ready(moved)[0])["note"] == "seen the family"


def test_removing_the_open_task_refuses_the_move_naming_it() -> None:
    running = start()
    check = VersionChange(diagram(V1), diagram(chain(task("b", "Bravo")))).check(running)
    assert check.can_move is False
    assert check.reasons == ["Its open step 'Alpha' is not in the new version"]


def test_removing_a_step_already_passed_refuses_the_move() -> None:
    running = start()
    complete(running)
    assert only_ready(running)[1] == "b"
    check = VersionChange(diagram(V1), diagram(chain(task("b", "Bravo")))).check(running)
    assert check.can_move is False
    assert check.reasons == ["The step 'Alpha' it has passed is not in the new version"]


def test_renaming_a_step_already_passed_does_not_stop_the_move() -> None:
    running = start()
    complete(running)
    v2 = chain(task("a", "Alpha, renamed"), task("b", "Bravo"))
    check = VersionChange(diagram(V1), diagram(v2)).check(running)
    assert check.can_move is True and check.reasons == []


def test_removing_a_step_not_yet_reached_does_not_stop_the_move() -> None:
    running = start()
    task_id, _, _ = only_ready(running)
    change = VersionChange(diagram(V1), diagram(chain(task("a", "Alpha"))))
    check = change.check(running)
    assert check.can_move is True and check.reasons == []
    change.move(running)
    assert only_ready(running) == (task_id, "a", "Alpha")
    complete(running)
    assert running.is_completed()  # Bravo is gone from its future


def test_a_finished_instance_cannot_move() -> None:
    running = start()
    complete(running)
    complete(running)
    assert running.is_completed()
    v2 = chain(task("a", "Alpha, renamed"), task("b", "Bravo"))
    check = VersionChange(diagram(V1), diagram(v2)).check(running)
    assert check.can_move is False
    assert check.reasons == ["It has finished"]


def test_instances_move_only_between_versions_of_one_process() -> None:
    other = chain(task("a", "Alpha"), task("b", "Bravo"), process_id="another")
    with pytest.raises(ValueError, match="one process"):
        VersionChange(diagram(V1), diagram(other))


# -- waiting timers keep their due dates ------------------------------------------------------

BOUNDARY = boundary_timer('"P10D"')
WAITING = chain(task("a", "Alpha"), wait("wait", "Ten days"), task("after", "After the wait"))
# Each pair: the first version, and the second with a step renamed (so the move changes something).
TIMED = {
    "boundary timer": (BOUNDARY, BOUNDARY.replace(b'name="Do the work"', b'name="Do the work now"')),
    "intermediate timer": (
        WAITING,
        WAITING.replace(b'name="After the wait"', b'name="After ten days"'),
    ),
}


def _started_waiting(xml: bytes) -> RunningWorkflow:
    running = start(xml)
    if b"Ten days" in xml:
        complete(running)  # past Alpha, onto the wait
    return running


@pytest.mark.parametrize("kind", sorted(TIMED))
def test_a_waiting_timer_keeps_its_due_date_when_moved_days_later(kind: str) -> None:
    old, new = TIMED[kind]
    with time_machine.travel(STARTED, tick=False):
        running = _started_waiting(old)
        before = running.next_timer_due()
    assert before == DUE
    with time_machine.travel(MOVED, tick=False):
        change = VersionChange(diagram(old), diagram(new))
        check = change.check(running)
        assert check.can_move is True, check.reasons
        assert [c for c in check.changes if "keeps its due date" in c], check.changes
        change.move(running)
        assert running.next_timer_due() == before
        assert saved_and_loaded(running, new).next_timer_due() == before


@pytest.mark.parametrize("kind", sorted(TIMED))
def test_a_moved_timer_fires_on_its_old_due_date_into_the_new_version(kind: str) -> None:
    old, new = TIMED[kind]
    with time_machine.travel(STARTED, tick=False):
        running = _started_waiting(old)
    with time_machine.travel(MOVED, tick=False):
        VersionChange(diagram(old), diagram(new)).move(running)
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        assert running.fire_due_timers() is False
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        assert running.fire_due_timers() is True
    expected = "Timer task" if kind == "boundary timer" else "After ten days"
    assert only_ready(running)[2] == expected


def test_a_timer_whose_id_changed_keeps_its_due_date() -> None:
    # A modeller who redraws the timer gives it a new id; SpecDiff aligns it by position.
    new = BOUNDARY.replace(b'"deadline"', b'"deadline_redrawn"')
    with time_machine.travel(STARTED, tick=False):
        running = start(BOUNDARY)
    with time_machine.travel(MOVED, tick=False):
        change = VersionChange(diagram(BOUNDARY), diagram(new))
        check = change.check(running)
        assert check.can_move is True
        assert "Its waiting timer 'deadline' keeps its due date" in check.changes
        change.move(running)
        assert running.next_timer_due() == DUE  # fails: STARTED + 3 days 5 hours + 10 days
