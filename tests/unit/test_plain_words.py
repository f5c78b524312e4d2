"""An incident's error in plain words, from the messages the engine really raises: what
happened, at which step, and what to do, never the expression's text or Python's names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
import time_machine

from app.engine import MB, Engine, EngineError, Limits, parse_diagram
from app.oversight.plain_words import FIX_DIAGRAM, explain
from app.workflow.helpers import diagram_helpers
from tests.fixtures.diagrams import script_step, stepped, timer_step, two_step


@pytest.fixture
def engine() -> Engine:
    return Engine(diagram_helpers())


def _submit_fails(engine: Engine, xml: bytes) -> str:
    running = engine.start(parse_diagram(xml, "test.bpmn"), {"referral_date": "2026-12-04"})
    [task] = running.ready_tasks()
    with pytest.raises(EngineError) as failed:
        running.complete_task(task.id, {"note": "stop"})
    return failed.value.message


def test_a_name_the_case_does_not_have(engine: Engine) -> None:
    message = _submit_fails(engine, two_step(condition="undefined_name == 1"))
    plain = explain(message, "First step")
    assert plain.what_happened == (
        "The case could not move on to its next step: the diagram uses ‘undefined_name’, which this case "
        "does not have (a misspelt name, or an answer no form asks for)."
    )
    assert plain.where == "After ‘First step’, at ‘gw’"
    assert plain.what_to_do == FIX_DIAGRAM


def test_a_decision_no_route_fits(engine: Engine) -> None:
    no_default = two_step().replace(b' default="f_other"', b"").replace(
        b'<bpmn:sequenceFlow id="f_other" sourceRef="gw" targetRef="end_other" />',
        b'<bpmn:sequenceFlow id="f_other" sourceRef="gw" targetRef="end_other">'
        b'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">note == "other"'
        b"</bpmn:conditionExpression>"
        b"</bpmn:sequenceFlow>",
    )
    plain = explain(_submit_fails(engine, no_default), "First step")
    assert "none of the routes out of the decision ‘gw’ fits this case's answers" in plain.what_happened
    assert plain.what_to_do == FIX_DIAGRAM


def test_a_failing_calculation(engine: Engine) -> None:
    plain = explain(_submit_fails(engine, stepped(script_step("x = 1 / 0"))), "First step")
    assert plain.what_happened.endswith("a calculation in the diagram failed (it divides by zero).")
    assert plain.where == "After ‘First step’, at ‘Work it out’"


def test_a_limit_exceeded_says_it_can_be_raised(engine: Engine) -> None:
    engine.limits = engine.script_engine.environment.limits = Limits(seconds=1.0, memory_bytes=8 * MB)
    plain = explain(_submit_fails(engine, two_step(condition=escape("sum(range(10**7)) > 0"))), "First step")
    assert plain.what_happened.startswith("A decision in the diagram went beyond what the system allows")
    assert "an administrator can raise it" in plain.what_to_do


def test_a_timer_that_cannot_be_worked_out(engine: Engine) -> None:
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with time_machine.travel(t0, tick=False) as clock:
        xml = stepped(timer_step("no_such_date"), wait='"PT1H"')
        running = engine.start(parse_diagram(xml, "test.bpmn"), {"referral_date": "2026-12-04"})
        clock.move_to(t0 + timedelta(hours=2))
        with pytest.raises(EngineError) as failed:
            running.fire_due_timers()
    plain = explain(failed.value.message, "")
    assert plain.what_happened.startswith("A deadline or wait on this case fell due, but the process")
    assert plain.where == "At ‘Wait for the date’"


def test_a_message_nobody_receives_and_a_fault_and_anything_else() -> None:
    plain = explain(
        "'Sender' hands the case on with the message 'to_cas', but no published process starts with it",
        "Decide",
    )
    assert plain.what_happened.startswith("‘Sender’ passes the case on to another process")
    assert "publish the process that starts with ‘to_cas’" in plain.what_to_do
    assert "support team" in explain("A timer could not be fired: disk full").what_to_do
    other = explain("Something nobody foresaw")
    assert (other.what_happened, other.where) == ("A step of the process failed.", "Not known")
