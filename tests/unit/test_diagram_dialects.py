"""Diagrams written for another engine: JUEL and FEEL conditions and timers, bare ISO timers,
scripts in other languages, connector bindings, Camunda forms and decision references."""

from __future__ import annotations

import pytest

from tests.unit.diagram_snippets import (
    assert_pinned,
    flow_condition,
    problems,
    script,
    task,
    the_one,
    timer,
    with_reason,
)

# -- another engine's dialect ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "said", "hint"),
    [
        ("${approved == true}", "", "JUEL", "`approved == true`"),
        ("#{approved}", "", "JUEL", "`approved`"),
        ("= approved", "", "FEEL", "`approved`"),
        ("approved", "javascript", "javascript", "Python"),
    ],
    ids=["juel", "juel-hash", "feel", "language"],
)
def test_a_condition_in_another_engine_s_language_is_refused(
    text: str, language: str, said: str, hint: str
) -> None:
    xml = flow_condition(text, language)
    problem = the_one(xml, "foreign_expression")
    assert_pinned(problem, xml, "f_a")
    assert said in problem.message and hint in problem.message


@pytest.mark.parametrize(("text", "language"), [("approved == True", ""), ("x == 1", "python")])
def test_a_python_condition_is_not_foreign(text: str, language: str) -> None:
    assert problems(flow_condition(text, language)) == []


@pytest.mark.parametrize(
    ("expression", "said"), [("${duration}", "JUEL"), ("=duration", "FEEL")], ids=["juel", "feel"]
)
def test_a_timer_in_another_engine_s_language_is_refused(expression: str, said: str) -> None:
    xml = timer(expression)
    problem = the_one(xml, "foreign_expression")
    assert_pinned(problem, xml, "deadline")
    assert said in problem.message and "`duration`" in problem.message


@pytest.mark.parametrize(
    ("expression", "kind"),
    [
        ("P10D", "timeDuration"),
        ("PT4H", "timeDuration"),
        ("2026-09-01", "timeDate"),
        ("R3/PT1H", "timeCycle"),
    ],
)
def test_a_bare_iso_timer_is_refused_with_the_quoted_value(expression: str, kind: str) -> None:
    xml = timer(expression, kind)
    problem = the_one(xml, "bare_timer")
    assert_pinned(problem, xml, "deadline")
    assert f'"{expression}"' in problem.message
    assert with_reason(problems(timer(f"&quot;{expression}&quot;", kind)), "bare_timer") == []


def test_a_timer_expression_is_not_a_bare_timer() -> None:
    assert problems(timer("add_working_days(referral_date, 45)")) == []


def test_a_timer_without_a_value_is_refused() -> None:
    xml = timer("")
    problem = the_one(xml, "timer_empty")
    assert_pinned(problem, xml, "deadline")


@pytest.mark.parametrize("script_format", ["javascript", "groovy", "JavaScript"])
def test_a_script_in_another_language_is_refused(script_format: str) -> None:
    xml = script(script_format)
    problem = the_one(xml, "foreign_script")
    assert_pinned(problem, xml, "work")
    assert script_format.lower() in problem.message and "Python" in problem.message


@pytest.mark.parametrize("script_format", ["", "python", "text/x-python", "Python"])
def test_a_python_script_is_accepted(script_format: str) -> None:
    assert problems(script(script_format)) == []


@pytest.mark.parametrize(
    ("element", "engine", "binding"),
    [
        ('<bpmn:serviceTask id="work" name="Call" camunda:class="org.example.Call" />', "Camunda 7", "class"),
        (
            '<bpmn:serviceTask id="work" name="Call" camunda:delegateExpression="${bean}" />',
            "Camunda 7",
            "delegateExpression",
        ),
        ('<bpmn:sendTask id="work" name="Send" camunda:topic="send" />', "Camunda 7", "topic"),
        (
            '<bpmn:serviceTask id="work" name="Call"><bpmn:extensionElements>'
            '<zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:serviceTask>',
            "Camunda 8",
            "job worker",
        ),
        ('<bpmn:serviceTask id="work" name="Call" flowable:class="org.example.Call" />', "Flowable", "class"),
        (
            '<bpmn:scriptTask id="work" name="Calc" camunda:class="org.example.Calc"><bpmn:script>x = 1'
            "</bpmn:script></bpmn:scriptTask>",
            "Camunda 7",
            "class",
        ),
    ],
    ids=["camunda-class", "camunda-delegate", "camunda-topic-send", "zeebe", "flowable", "script-class"],
)
def test_a_task_bound_to_another_engine_s_connector_is_refused_once(
    element: str, engine: str, binding: str
) -> None:
    xml = task(element)
    found = problems(xml)
    [problem] = with_reason(found, "connector")  # once, not again as a service task without one
    assert_pinned(problem, xml, "work")
    assert engine in problem.message and binding in problem.message


def test_a_service_task_without_a_connector_is_refused() -> None:
    xml = task('<bpmn:serviceTask id="work" name="Call the council" />')
    problem = the_one(xml, "connector")
    assert_pinned(problem, xml, "work")
    assert "'Call the council' (work)" in problem.message and "service" in problem.message


@pytest.mark.parametrize(
    ("element", "engine"),
    [
        ('<bpmn:userTask id="work" name="Fill in" camunda:formKey="embedded:app:form.html" />', "Camunda 7"),
        ('<bpmn:userTask id="work" name="Fill in" camunda:formRef="form1" />', "Camunda 7"),
        (
            '<bpmn:userTask id="work" name="Fill in"><bpmn:extensionElements>'
            '<zeebe:formDefinition formKey="f" /></bpmn:extensionElements></bpmn:userTask>',
            "Camunda 8",
        ),
        ('<bpmn:userTask id="work" name="Fill in" flowable:formKey="form1" />', "Flowable"),
    ],
    ids=["camunda-formKey", "camunda-formRef", "zeebe", "flowable"],
)
def test_a_user_task_with_another_engine_s_form_is_refused(element: str, engine: str) -> None:
    xml = task(element)
    problem = the_one(xml, "foreign_form")
    assert_pinned(problem, xml, "work")
    assert engine in problem.message and "formKey" in problem.message


def test_a_business_rule_task_with_a_camunda_decision_ref_is_said_once() -> None:
    xml = task('<bpmn:businessRuleTask id="work" name="Decide" camunda:decisionRef="tier" />')
    found = problems(xml)
    [problem] = with_reason(found, "foreign_decision")
    assert_pinned(problem, xml, "work")
    assert "Camunda 7" in problem.message and "calledDecisionId" in problem.message
    assert with_reason(found, "decision_missing") == []


def test_a_call_activity_naming_its_process_the_zeebe_way_is_said_once() -> None:
    xml = task(
        '<bpmn:callActivity id="work" name="Call"><bpmn:extensionElements>'
        '<zeebe:calledElement processId="q" /></bpmn:extensionElements></bpmn:callActivity>'
    )
    found = problems(xml)
    [problem] = with_reason(found, "foreign_call")
    assert_pinned(problem, xml, "work")
    assert "Camunda 8" in problem.message and "calledElement" in problem.message
    assert with_reason(found, "call_target") == []
