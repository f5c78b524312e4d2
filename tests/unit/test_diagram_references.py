"""References the engine would answer with raw errors (messages, signals, decisions, called
processes, data stores and associations), and every message said in plain words."""

from __future__ import annotations

import pytest
from lxml import etree

from app.engine.checks import Problem
from app.engine.checks.problems import ElementIndex, describe
from app.engine.errors import scrub
from app.engine.isolated import plain_engine_message
from tests.unit.diagram_snippets import (
    CLEAN_BODY,
    DMN,
    FILENAME,
    SECOND,
    UNCLEAR,
    assert_pinned,
    data_association,
    diagram,
    flow_condition,
    gateway,
    message_diagram,
    problems,
    rule_task,
    script,
    subprocess_diagram,
    task,
    the_one,
    timer,
    with_reason,
)

# -- references ------------------------------------------------------------------------------------


def test_a_message_without_a_name_is_refused() -> None:
    xml = message_diagram('<bpmn:message id="m1" />', 'messageRef="m1"')
    problem = the_one(xml, "unnamed_message")
    assert_pinned(problem, xml, "m1")
    assert "m1" in problem.message
    assert problems(message_diagram('<bpmn:message id="m1" name="hand_on" />', 'messageRef="m1"')) == []


@pytest.mark.parametrize(
    ("ref", "said"),
    [('messageRef="m2"', "'m2'"), ('messageRef="semantic:m2"', "'m2'"), ("", "names no message")],
    ids=["unknown", "prefixed-unknown", "none"],
)
def test_a_message_reference_that_resolves_to_nothing_is_refused(ref: str, said: str) -> None:
    xml = message_diagram('<bpmn:message id="m1" name="hand_on" />', ref)
    problem = the_one(xml, "unknown_reference")
    assert_pinned(problem, xml, "end")
    assert said in problem.message
    assert "semantic:" not in problem.message


def test_a_message_reference_with_a_qname_prefix_resolves() -> None:
    assert (
        problems(message_diagram('<bpmn:message id="m1" name="hand_on" />', 'messageRef="semantic:m1"')) == []
    )


@pytest.mark.parametrize(
    ("definition", "attribute", "declared", "kind"),
    [
        ("signalEventDefinition", "signalRef", '<bpmn:signal id="s1" name="Go" />', "signal"),
        ("errorEventDefinition", "errorRef", '<bpmn:error id="s1" name="Failed" />', "error"),
        ("escalationEventDefinition", "escalationRef", '<bpmn:escalation id="s1" name="Up" />', "escalation"),
    ],
)
def test_signal_error_and_escalation_references_must_resolve(
    definition: str, attribute: str, declared: str, kind: str
) -> None:
    def xml_for(ref: str) -> bytes:
        return diagram(
            CLEAN_BODY.replace(
                '<bpmn:endEvent id="end" name="Done" />',
                '<bpmn:endEvent id="end" name="Done">'
                f'<bpmn:{definition} {attribute}="{ref}" /></bpmn:endEvent>',
            ),
            before=declared,
        )

    xml = xml_for("missing_one")
    problem = the_one(xml, "unknown_reference")
    assert_pinned(problem, xml, "end")
    assert f"{kind} 'missing_one'" in problem.message
    assert problems(xml_for("s1")) == []
    assert problems(xml_for("x:s1")) == []


def test_an_error_end_event_without_a_reference_is_accepted() -> None:
    xml = diagram(
        CLEAN_BODY.replace(
            '<bpmn:endEvent id="end" name="Done" />',
            '<bpmn:endEvent id="end" name="Failed"><bpmn:errorEventDefinition /></bpmn:endEvent>',
        )
    )
    assert problems(xml) == []


def test_a_signal_event_without_a_reference_is_refused() -> None:
    xml = diagram(
        CLEAN_BODY.replace(
            '<bpmn:endEvent id="end" name="Done" />',
            '<bpmn:endEvent id="end" name="Done"><bpmn:signalEventDefinition /></bpmn:endEvent>',
        )
    )
    problem = the_one(xml, "unknown_reference")
    assert "names no signal" in problem.message


def test_a_data_store_is_refused() -> None:
    xml = diagram(
        CLEAN_BODY + '\n<bpmn:dataStoreReference id="store" name="Council records" />',
        before='<bpmn:dataStore id="ds" name="Records" />',
    )
    found = with_reason(problems(xml), "data_store")
    assert sorted(p.element_id for p in found) == ["ds", "store"]
    for problem in found:
        assert_pinned(problem, xml, problem.element_id)
    assert "data store" in found[0].message


@pytest.mark.parametrize(
    ("target", "said"),
    [("end", "the end event 'Done' (end), which is not a data object"), ("nowhere", "'nowhere'")],
    ids=["not-a-data-object", "missing"],
)
def test_a_data_association_must_reach_a_data_object(target: str, said: str) -> None:
    xml = data_association(target)
    problem = the_one(xml, "data_association")
    assert_pinned(problem, xml, "work")
    assert said in problem.message


def test_a_data_association_to_a_data_object_is_accepted() -> None:
    assert with_reason(problems(data_association("obj_ref")), "data_association") == []


def test_a_business_rule_task_without_a_decision_is_refused() -> None:
    xml = rule_task("")
    problem = the_one(xml, "decision_missing", DMN)
    assert_pinned(problem, xml, "work")
    assert "calledDecisionId" in problem.message


def test_a_business_rule_task_calling_an_unknown_decision_is_refused() -> None:
    xml = rule_task("band")
    problem = the_one(xml, "decision_missing", DMN)
    assert_pinned(problem, xml, "work")
    assert "'band'" in problem.message
    assert with_reason(problems(rule_task("tier"), DMN), "decision_missing") == []
    assert with_reason(problems(rule_task("tier")), "decision_missing") != []  # no decision tables at all


@pytest.mark.parametrize(("called", "said"), [("elsewhere", "'elsewhere'"), ("", "names no process")])
def test_a_call_activity_must_call_a_process_in_the_file(called: str, said: str) -> None:
    xml = task(f'<bpmn:callActivity id="work" name="Call" calledElement="{called}" />')
    problem = the_one(xml, "call_target")
    assert_pinned(problem, xml, "work")
    assert said in problem.message


# -- every message is plain ------------------------------------------------------------------------

FAULTY = [
    diagram(executable="false"),
    diagram(after=SECOND),
    gateway(cond_a="", cond_b=""),
    subprocess_diagram(0),
    flow_condition("${a}"),
    timer("P1D"),
    timer(""),
    script("groovy"),
    task('<bpmn:serviceTask id="work" name="Call" camunda:class="X" />'),
    task('<bpmn:userTask id="work" camunda:formKey="f" />'),
    task('<bpmn:businessRuleTask id="work" camunda:decisionRef="tier" />'),
    message_diagram('<bpmn:message id="m1" />', 'messageRef="m9"'),
    data_association("nowhere"),
    rule_task("band"),
    task('<bpmn:callActivity id="work" calledElement="elsewhere" />'),
    diagram(CLEAN_BODY + '\n<bpmn:dataStoreReference id="store" />'),
    b"<not xml",
    b"\xff\xfe<x/>",
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
]


def test_every_message_is_plain_words_with_a_reason() -> None:
    seen: set[str] = set()
    for xml in FAULTY:
        found = problems(xml, DMN)
        assert found, xml[:200]
        for problem in found:
            assert problem.reason and problem.message.strip(), problem
            assert not UNCLEAR.search(problem.message), problem.message
            assert "{http" not in problem.message, problem.message
            assert FILENAME not in problem.message, problem.message  # the file is said apart
            seen.add(problem.reason)
    assert len(seen) >= 15, seen


def test_describe_names_an_element_by_kind_name_and_id() -> None:
    root = etree.fromstring(diagram())
    index = ElementIndex(root, FILENAME)
    assert describe(index.by_id["work"]) == "the user task 'Do the work' (work)"
    assert describe(index.by_id["f1"], capital=True) == "The sequence flow f1"


def test_scrub_turns_object_addresses_and_raw_xml_into_words() -> None:
    text = scrub(
        "Bad ref <Element {http://www.omg.org/spec/BPMN/20100524/MODEL}targetRef at 0x7f3a2b1c9d80> in "
        'b\'<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />\' at 0x7f3a2b1c9d80'
    )
    assert "a targetRef element" in text and "an element" in text
    assert "<Element" not in text and "0x" not in text and "b'<" not in text


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (NotImplementedError("Compensation"), "does not support (Compensation)"),
        (KeyError("sourceRef"), "missing a name, id or reference"),
        (AttributeError(), "(AttributeError)"),
        (RuntimeError("<Element {urn:x}dataObject at 0xdeadbeef42>."), "(a dataObject element)"),
    ],
    ids=["not-implemented", "key", "empty", "address"],
)
def test_an_unexpected_engine_error_is_said_in_words(exc: BaseException, said: str) -> None:
    message = plain_engine_message(exc)
    assert said in message
    assert message.startswith("The ")
    assert not UNCLEAR.search(message), message


def test_a_problem_says_its_file_and_line() -> None:
    problem = Problem("Something is wrong.", "x", FILENAME, line=7)
    assert str(problem) == "t.bpmn, line 7: Something is wrong."
    assert problem.as_json()["reason"] == "x"
