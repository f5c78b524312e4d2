"""Which process a diagram holds to run, and the modelling mistakes found before the engine reads
it: dead ends, implicit splits, unreachable steps, gateways, start events, unnamed ends."""

from __future__ import annotations

import pytest
from lxml import etree

from app.engine.checks.problems import ElementIndex
from app.engine.checks.structure import main_process, modelling_problems
from tests.unit.diagram_snippets import (
    CLEAN_BODY,
    FILENAME,
    NAMESPACES,
    SECOND,
    assert_pinned,
    diagram,
    gateway,
    problems,
    run,
    subprocess_diagram,
    the_one,
    with_reason,
)

# -- the process the file holds to run -----------------------------------------------------------


def test_xml_that_is_not_bpmn_is_refused_as_not_bpmn() -> None:
    [problem] = problems(b'<?xml version="1.0"?>\n<html><body /></html>')
    assert problem.reason == "not_bpmn"
    assert "definitions" in problem.message


def test_a_file_of_only_a_collaboration_is_refused_as_no_process() -> None:
    xml = (
        f'<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="x">\n'
        '<bpmn:collaboration id="c"><bpmn:participant id="pool" name="Pool" /></bpmn:collaboration>\n'
        "</bpmn:definitions>"
    ).encode()
    [problem] = problems(xml)
    assert problem.reason == "no_process"


def test_a_process_not_marked_executable_is_refused_pinned_to_the_process() -> None:
    xml = diagram(executable="false")
    [problem] = problems(xml)
    assert problem.reason == "not_executable"
    assert_pinned(problem, xml, "p")
    assert 'isExecutable="true"' in problem.message
    assert run(xml).process_id == ""


def test_main_process_returns_the_one_executable_process() -> None:
    root = etree.fromstring(diagram())
    process, found = main_process(root, ElementIndex(root, FILENAME))
    assert found == []
    assert process is not None and process.get("id") == "p"


def test_two_main_executable_processes_are_refused_naming_both() -> None:
    xml = diagram(after=SECOND)
    [problem] = problems(xml)
    assert problem.reason == "several_processes"
    assert_pinned(problem, xml, "p")
    assert "p, q" in problem.message


def test_a_second_process_is_allowed_when_it_is_called_or_not_executable() -> None:
    called = diagram(
        """<bpmn:startEvent id="start" />
<bpmn:callActivity id="call" name="Call Q" calledElement="q" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />""",
        after=SECOND,
    )
    result = run(called)
    assert result.problems == []
    assert result.process_id == "p"
    assert problems(diagram(after=SECOND.replace('isExecutable="true"', 'isExecutable="false"'))) == []


def test_a_called_process_is_checked_too() -> None:
    xml = diagram(
        """<bpmn:startEvent id="start" />
<bpmn:callActivity id="call" name="Call Q" calledElement="q" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />""",
        after=SECOND.replace('<bpmn:endEvent id="q_end" name="Q done" />', '<bpmn:endEvent id="q_end" />'),
    )
    problem = the_one(xml, "unnamed_end")
    assert_pinned(problem, xml, "q_end", "warning")


# -- modelling mistakes ---------------------------------------------------------------------------


def test_a_task_without_an_outgoing_flow_is_a_dead_end() -> None:
    body = CLEAN_BODY.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />',
        '<bpmn:sequenceFlow id="f2" sourceRef="start" targetRef="end" />\n'
        '<bpmn:userTask id="stuck" name="Stuck" />\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="start" targetRef="stuck" />',
    )
    xml = diagram(body)
    found = with_reason(problems(xml), "dead_end")
    assert sorted(p.element_id for p in found) == ["stuck", "work"]
    for problem in found:
        assert_pinned(problem, xml, problem.element_id)
        assert "outgoing" in problem.message
    assert "'Stuck' (stuck)" in next(p.message for p in found if p.element_id == "stuck")
    assert with_reason(problems(diagram()), "dead_end") == []


def test_two_unconditioned_flows_out_of_a_task_are_an_implicit_split() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:endEvent id="end2" name="Also done" />
<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2" />"""
    )
    xml = diagram(body)
    problem = the_one(xml, "implicit_split")
    assert_pinned(problem, xml, "work")
    assert "2 outgoing" in problem.message and "gateway" in problem.message
    conditioned = body.replace(
        '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2" />',
        '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2">'
        "<bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
    assert with_reason(problems(diagram(conditioned)), "implicit_split") == []


def test_a_step_no_path_leads_to_is_unreachable() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:userTask id="orphan" name="Forgotten" />
<bpmn:sequenceFlow id="f3" sourceRef="orphan" targetRef="end" />"""
    )
    xml = diagram(body)
    problem = the_one(xml, "unreachable")
    assert_pinned(problem, xml, "orphan")
    assert "cannot be reached" in problem.message
    connected = body.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />',
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="orphan" />',
    )
    assert problems(diagram(connected)) == []


def test_a_boundary_event_is_reached_with_its_activity() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:boundaryEvent id="late" attachedToRef="work">
<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>
<bpmn:endEvent id="end_late" name="Late" />
<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end_late" />"""
    )
    assert problems(diagram(body)) == []


def test_an_exclusive_gateway_without_a_default_is_a_warning_only() -> None:
    xml = gateway()
    found = problems(xml)
    [problem] = found
    assert problem.reason == "gateway_default"
    assert_pinned(problem, xml, "gw", "warning")
    assert "default" in problem.message
    assert problems(gateway(default="f_b")) == []


def test_an_inclusive_gateway_without_a_default_is_warned_of_too() -> None:
    xml = gateway().replace(b"exclusiveGateway", b"inclusiveGateway")
    assert [p.reason for p in problems(xml)] == ["gateway_default"]


def test_a_flow_out_of_a_gateway_without_a_condition_that_is_not_the_default() -> None:
    xml = gateway(default="f_a", cond_a="", cond_b="")
    problem = the_one(xml, "flow_condition")
    assert_pinned(problem, xml, "f_b")
    assert "(gw)" in problem.message and "condition" in problem.message
    assert with_reason(problems(gateway(default="f_a", cond_a="", cond_b="x > 1")), "flow_condition") == []


def test_both_unconditioned_flows_of_a_gateway_without_a_default_are_named() -> None:
    xml = gateway(cond_a="", cond_b="")
    found = problems(xml)
    assert sorted(p.element_id for p in with_reason(found, "flow_condition")) == ["f_a", "f_b"]
    assert [p.element_id for p in with_reason(found, "gateway_default")] == ["gw"]


def test_a_process_without_a_start_event_is_refused() -> None:
    body = """<bpmn:userTask id="work" name="Do the work" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />"""
    xml = diagram(body)
    [problem] = problems(xml)  # nothing is called unreachable when there is no start
    assert problem.reason == "no_start"
    assert_pinned(problem, xml, "p")
    assert "start event" in problem.message


@pytest.mark.parametrize(("starts", "said"), [(0, "no start events"), (2, "2 start events")])
def test_a_sub_process_needs_exactly_one_start_event(starts: int, said: str) -> None:
    xml = subprocess_diagram(starts)
    problem = the_one(xml, "subprocess_start")
    assert_pinned(problem, xml, "sub")
    assert said in problem.message
    assert with_reason(problems(subprocess_diagram(1)), "subprocess_start") == []


def test_an_event_sub_process_is_not_asked_for_one_start_event() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:subProcess id="evsub" name="On cancel" triggeredByEvent="true">
<bpmn:endEvent id="evsub_end" name="Cancelled" />
</bpmn:subProcess>"""
    )
    found = problems(diagram(body))
    assert with_reason(found, "subprocess_start") == []
    assert with_reason(found, "unreachable") == []


def test_an_end_event_without_a_name_is_a_warning() -> None:
    xml = diagram(CLEAN_BODY.replace('<bpmn:endEvent id="end" name="Done" />', '<bpmn:endEvent id="end" />'))
    [problem] = problems(xml)
    assert problem.reason == "unnamed_end"
    assert_pinned(problem, xml, "end", "warning")


def test_modelling_problems_finds_every_instance_in_one_pass() -> None:
    body = """<bpmn:startEvent id="start" />
<bpmn:userTask id="a" name="A" />
<bpmn:userTask id="b" name="B" />
<bpmn:endEvent id="e1" />
<bpmn:endEvent id="e2" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a" />
<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e1" />
<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e2" />"""
    root = etree.fromstring(diagram(body))
    index = ElementIndex(root, FILENAME)
    process, _ = main_process(root, index)
    assert process is not None
    found = {(p.reason, p.element_id) for p in modelling_problems(process, index)}
    assert found == {
        ("unnamed_end", "e1"),
        ("unnamed_end", "e2"),
        ("unreachable", "b"),
        ("unreachable", "e2"),
    }
