"""The engine boundary without a database: run, save, load, guard, time."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.engine import Engine, EngineError, InvalidDiagram, TaskNotReady, parse_diagram
from app.workflow.helpers import diagram_helpers
from tests.fixtures.diagrams import boundary_timer, two_step, with_timer


@pytest.fixture
def engine() -> Engine:
    return Engine(diagram_helpers())


def start(engine: Engine, xml: bytes, **data: object):
    return engine.start(parse_diagram(xml, "test.bpmn"), {"referral_date": "2026-12-04", **data})


def reload(engine: Engine, running, xml: bytes):
    """Save and load again, as between two requests."""
    return engine.load(running.dump(), parse_diagram(xml, "test.bpmn"))


def test_parse_describes_user_tasks_with_form_keys_lanes_and_guidance() -> None:
    diagram = parse_diagram(two_step(), "t.bpmn")
    assert diagram.process_id == "two_step"
    first = diagram.user_tasks[0]
    assert (first.bpmn_id, first.name, first.lane, first.form_key) == (
        "first",
        "First step",
        "Early Help",
        "test.note",
    )
    assert first.documentation == "Do the first thing well."
    assert diagram.lanes == ["Early Help"]


def test_parse_rejects_files_that_are_not_diagrams() -> None:
    with pytest.raises(InvalidDiagram, match="not valid XML"):
        parse_diagram(b"<nope", "x.bpmn")
    with pytest.raises(InvalidDiagram, match="exactly one executable process"):
        parse_diagram(b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', "x.bpmn")


def test_a_run_survives_save_and_load_at_every_wait(engine: Engine) -> None:
    running = start(engine, two_step())
    [first] = running.ready_tasks()
    assert first.name == "First step"
    running = reload(engine, running, two_step())
    running.complete_task(first.id, {"note": "go", "seen_on": date(2026, 12, 4), "amount": Decimal("80.00")})
    running = reload(engine, running, two_step())
    [second] = running.ready_tasks()
    assert second.bpmn_id == "second"
    assert running.task_data(second.id)["seen_on"] == date(2026, 12, 4)
    assert running.task_data(second.id)["amount"] == Decimal("80.00")
    running.complete_task(second.id, {})
    assert running.is_completed()
    assert running.end_event_name() == "Done"


def test_due_date_expression_counts_working_days_from_the_referral(engine: Engine) -> None:
    running = start(engine, two_step())  # Friday 4 December 2026
    [first] = running.ready_tasks()
    assert running.due_at(first.id) == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # Monday, 17:00 London


def test_completing_a_task_twice_is_refused(engine: Engine) -> None:
    running = start(engine, two_step())
    [first] = running.ready_tasks()
    running.complete_task(first.id, {"note": "stop"})
    with pytest.raises(TaskNotReady):
        running.complete_task(first.id, {"note": "go"})
    assert running.end_event_name() == "Stopped early"


def test_a_failing_condition_raises_an_engine_error_naming_the_step(engine: Engine) -> None:
    running = start(engine, two_step(condition="missing_variable == 'x'"))
    [first] = running.ready_tasks()
    with pytest.raises(EngineError) as caught:
        running.complete_task(first.id, {"note": "go"})
    assert "could not move on" in caught.value.message


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os').getpid() > 0",
        "[c for c in ().__class__.__base__.__subclasses__()] == []",
        "open('/etc/passwd').read() != ''",
    ],
)
def test_diagram_expressions_cannot_reach_the_server(engine: Engine, condition: str) -> None:
    running = start(engine, two_step(condition=condition))
    [first] = running.ready_tasks()
    with pytest.raises(EngineError):
        running.complete_task(first.id, {"note": "go"})


def test_data_the_engine_could_not_load_again_is_refused(engine: Engine) -> None:
    running = start(engine, two_step())
    [first] = running.ready_tasks()
    with pytest.raises(ValueError, match="reserved"):
        running.complete_task(first.id, {"nested": {"typename": "x"}})


def test_due_timers_fire_and_cancel_the_interrupted_task(engine: Engine) -> None:
    running = start(engine, with_timer('"PT0.2S"'))
    [work] = running.ready_tasks()
    due = running.next_timer_due()
    assert due is not None and due > datetime.now(UTC)
    assert running.fire_due_timers() is False
    time.sleep(0.25)
    running = reload(engine, running, with_timer('"PT0.2S"'))
    assert running.fire_due_timers() is True
    [escalate] = running.ready_tasks()
    assert escalate.name == "Record the reason for the delay"
    assert running.next_timer_due() is None
    with pytest.raises(TaskNotReady):
        running.complete_task(work.id, {})


def test_a_later_form_replaces_a_list_rather_than_splicing_into_it(engine: Engine) -> None:
    running = start(engine, two_step())
    [first] = running.ready_tasks()
    running.complete_task(first.id, {"note": "go", "needs": ["housing", "health", "parenting"]})
    [second] = running.ready_tasks()
    running.complete_task(second.id, {"needs": ["attendance"]})
    assert running.data["needs"] == ["attendance"]


def test_a_node_no_flow_reaches_is_an_error_not_silently_dropped() -> None:
    xml = two_step().replace(b'<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="end" />', b"")
    with pytest.raises(InvalidDiagram, match="'end' cannot be reached"):
        parse_diagram(xml, "t.bpmn")


def test_start_up_refuses_a_diagram_whose_form_key_has_no_form(tmp_path) -> None:
    from app.workflow.library import ProcessLibrary

    (tmp_path / "two_step.bpmn").write_bytes(two_step().replace(b"test.note", b"nobody.wrote.this"))
    library = ProcessLibrary(tmp_path, Engine(diagram_helpers()))
    with pytest.raises(
        InvalidDiagram, match=re.escape("'nobody.wrote.this', which forms/two_step.json does not define")
    ):
        library.load_shipped()


def test_the_outcome_is_the_main_path_end_not_a_reminder_branch_end(engine: Engine) -> None:
    xml = boundary_timer('"PT0.1S"', interrupting=False, process_id="reminded")
    running = engine.start(parse_diagram(xml, "r.bpmn"), {})
    time.sleep(0.15)
    running.fire_due_timers()
    tasks = {t.name: t.id for t in running.ready_tasks()}
    running.complete_task(tasks["Do the work"], {})  # the main path ends first...
    running.complete_task(tasks["Timer task"], {})  # ...the reminder branch last
    assert running.is_completed()
    assert running.end_event_name() == "Done"
