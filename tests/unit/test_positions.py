"""Where a workflow stands on its diagram, read without changing it (app/engine/positions.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.engine import Engine, parse_diagram
from app.engine.positions import read_positions
from app.workflow.helpers import diagram_helpers
from tests.fixtures.diagrams import HEAD, two_step, user_task, with_timer


@pytest.fixture
def engine() -> Engine:
    return Engine(diagram_helpers())


def start(engine: Engine, xml: bytes):
    return engine.start(parse_diagram(xml, "t.bpmn"), {"referral_date": "2026-12-04"})


def reload(engine: Engine, running, xml: bytes):
    return engine.load(running.dump(), parse_diagram(xml, "t.bpmn"))


def complete(running, bpmn_id: str, **data: object) -> None:
    [task] = [t for t in running.ready_tasks() if t.bpmn_id == bpmn_id]
    running.complete_task(task.id, data)


def test_a_new_instance_is_at_its_first_task(engine: Engine) -> None:
    running = start(engine, two_step())
    positions = read_positions(running, two_step())
    assert positions.markers() == {"start": "done", "first": "active", "f1": "taken"}
    assert positions.timers == []


def test_the_path_taken_through_a_gateway_is_marked_and_the_other_is_not(engine: Engine) -> None:
    xml = two_step()
    running = start(engine, xml)
    complete(running, "first", note="go")
    running = reload(engine, running, xml)  # read as a page would: from the saved state
    positions = read_positions(running, xml)
    assert positions.markers() == {
        "start": "done",
        "first": "done",
        "gw": "done",
        "second": "active",
        "f1": "taken",
        "f2": "taken",
        "f_go": "taken",
    }
    first = positions.elements["first"]
    assert first.kind == "user task" and first.name == "First step"
    [completed] = first.completed_at
    assert abs(completed - datetime.now(UTC)) < timedelta(minutes=1)
    assert [e.bpmn_id for _, e in positions.completed_steps()] == ["start", "first", "gw"]


def test_a_finished_instance_shows_its_end_and_nothing_active(engine: Engine) -> None:
    xml = two_step()
    running = start(engine, xml)
    complete(running, "first", note="stop")
    positions = read_positions(running, xml)
    assert positions.flows_taken == {"f1", "f2", "f_other"}
    assert positions.markers()["end_other"] == "done"
    assert "end" not in positions.elements and "second" not in positions.elements
    assert not any(e.active or e.waiting for e in positions.elements.values())


def test_reading_positions_changes_nothing(engine: Engine) -> None:
    xml = with_timer('"P2D"')
    running = start(engine, xml)
    before = running.dump()
    read_positions(running, xml)
    assert running.dump() == before


def test_a_waiting_timer_has_its_due_time_and_after_it_fires_its_path_is_taken(engine: Engine) -> None:
    xml = with_timer('"P2D"')
    running = start(engine, xml)
    positions = read_positions(running, xml)
    assert positions.markers() == {"start": "done", "work": "active", "deadline": "waiting", "f1": "taken"}
    [timer] = positions.timers
    assert timer.bpmn_id == "deadline"
    assert timer.due is not None and timer.due == running.next_timer_due()
    assert timedelta(days=2) - timedelta(minutes=1) < timer.due - datetime.now(UTC) <= timedelta(days=2)

    with time_machine.travel(datetime.now(UTC) + timedelta(days=3), tick=False):
        assert running.fire_due_timers()
    positions = read_positions(running, xml)
    assert positions.markers() == {
        "start": "done",
        "deadline": "done",
        "escalate": "active",
        "f1": "taken",
        "f3": "taken",
    }
    assert positions.timers == []
    assert positions.elements["deadline"].kind == "timer"
    assert "f2" not in positions.flows_taken  # the interrupted task never went on


def loop_diagram() -> bytes:
    """start -> review -> gw (again? back to review : end)."""
    return (
        HEAD
        + f"""<bpmn:process id="looping" name="Looping" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane1" name="Early Help">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>merge</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:exclusiveGateway id="merge" />
    {user_task("review", "Review the plan")}
    <bpmn:exclusiveGateway id="gw" default="f_done" />
    <bpmn:endEvent id="end" name="Closed" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="merge" />
    <bpmn:sequenceFlow id="f2" sourceRef="merge" targetRef="review" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="gw" />
    <bpmn:sequenceFlow id="f_again" sourceRef="gw" targetRef="merge">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">note == 'again'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_done" sourceRef="gw" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
    ).encode()


def test_a_loop_marks_each_pass_and_a_flow_taken_twice_is_still_taken(engine: Engine) -> None:
    xml = loop_diagram()
    running = start(engine, xml)
    complete(running, "review", note="again")
    complete(running, "review", note="again")
    running = reload(engine, running, xml)
    positions = read_positions(running, xml)
    review = positions.elements["review"]
    assert len(review.completed_at) == 2 and review.completed_at == sorted(review.completed_at)
    assert review.active == 1 and review.marker == "active"
    assert positions.flows_taken == {"f1", "f2", "f3", "f_again"}
    assert len(positions.elements["merge"].completed_at) == 3

    complete(running, "review", note="done")
    positions = read_positions(running, xml)
    assert positions.flows_taken == {"f1", "f2", "f3", "f_again", "f_done"}
    assert positions.markers()["review"] == "done"
    assert len(positions.elements["review"].completed_at) == 3


def embedded_diagram() -> bytes:
    """start -> an embedded subprocess (inner start -> inner task -> inner end) -> after -> end."""
    return (
        HEAD
        + f"""<bpmn:process id="embedding" name="Embedding" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane1" name="Early Help">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>sub</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>inner</bpmn:flowNodeRef><bpmn:flowNodeRef>after</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:subProcess id="sub" name="Gather the views">
      <bpmn:startEvent id="sub_start" />
      {user_task("inner", "Ask the school")}
      <bpmn:endEvent id="sub_end" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="inner" />
      <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="sub_end" />
    </bpmn:subProcess>
    {user_task("after", "Decide")}
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
    <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="after" />
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
    ).encode()


def test_an_embedded_subprocess_is_read_inside_the_same_diagram(engine: Engine) -> None:
    xml = embedded_diagram()
    running = start(engine, xml)
    positions = read_positions(running, xml)
    assert positions.markers() == {
        "start": "done",
        "sub": "active",  # running its inside
        "sub_start": "done",
        "inner": "active",
        "f1": "taken",
        "s1": "taken",
    }
    complete(running, "inner")
    positions = read_positions(running, xml)
    assert positions.flows_taken == {"f1", "s1", "s2", "f2"}
    assert positions.markers()["sub"] == "done" and positions.markers()["after"] == "active"


def calling_diagram() -> bytes:
    """start -> a call activity of another process (its own start -> inner -> end) -> end."""
    lane = '<bpmn:laneSet id="{0}"><bpmn:lane id="{0}_lane" name="Early Help">{1}</bpmn:lane></bpmn:laneSet>'
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("start", "call", "end"))
    inner_refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("c_start", "inner", "c_end"))
    return (
        HEAD
        + f"""<bpmn:process id="caller" name="Caller" isExecutable="true">
    {lane.format("ls", refs)}
    <bpmn:startEvent id="start" />
    <bpmn:callActivity id="call" name="Plan" calledElement="callee" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
  </bpmn:process>
  <bpmn:process id="callee" name="Callee" isExecutable="true">
    {lane.format("ls2", inner_refs)}
    <bpmn:startEvent id="c_start" />
    {user_task("inner", "Inner step")}
    <bpmn:endEvent id="c_end" />
    <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="inner" />
    <bpmn:sequenceFlow id="c2" sourceRef="inner" targetRef="c_end" />
  </bpmn:process>
</bpmn:definitions>"""
    ).encode()


def test_a_called_process_is_left_to_its_own_diagram(engine: Engine) -> None:
    xml = calling_diagram()
    diagram = parse_diagram(xml, "t.bpmn", "caller")
    running = engine.start(diagram, {})
    assert [t.bpmn_id for t in running.ready_tasks()] == ["inner"]
    positions = read_positions(running, xml)
    assert positions.markers() == {"start": "done", "call": "active", "f1": "taken"}
    running.complete_task(running.ready_tasks()[0].id, {})
    positions = read_positions(running, xml)
    done = {"start": "done", "call": "done", "end": "done"}
    assert positions.markers() == done | {"f1": "taken", "f2": "taken"}
