"""Diagrams drawn for another engine: Camunda 7 and Flowable write conditions in JUEL (`${…}`),
Camunda 8 in FEEL (`=…`), timers as bare ISO 8601 values, and bind tasks to Java classes, job
workers and their own forms. The engine parses all of these and fails only when a case reaches
them, so they are found here, at upload, each with the fix in the product's language."""

from __future__ import annotations

import re

from lxml import etree

from app.engine.checks.problems import ElementIndex, Problem, describe
from app.engine.checks.structure import B, local

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
FLOWABLE = "http://flowable.org/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ENGINES = {CAMUNDA: "Camunda 7", ZEEBE: "Camunda 8", FLOWABLE: "Flowable", ACTIVITI: "Activiti"}

_BARE_ISO = re.compile(r"^(R\d*/.*|P(?=\d|T\d)[\dYMWDTHS.,]*|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-][\d:]+)?)?)$")
_CONNECTOR_ATTRIBUTES = ("class", "delegateExpression", "expression", "type", "topic")


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _language_problem(text: str) -> tuple[str, str] | None:
    """(the language, the fix) if an expression is written for another engine."""
    if text.startswith(("${", "#{")):
        inner = text[2:-1].strip() if text.endswith("}") else text[2:]
        return (
            "JUEL, for Camunda 7 or Flowable",
            f"write it in Python without the ${{ }}, for example `{inner}`",
        )
    if text.startswith("=") and not text.startswith("=="):
        return "FEEL, for Camunda 8", f"write it in Python without the '=', for example `{text[1:].strip()}`"
    return None


def dialect_problems(process: etree._Element, index: ElementIndex) -> list[Problem]:
    problems: list[Problem] = []
    for flow in process.iter(f"{B}sequenceFlow"):
        condition = flow.find(f"{B}conditionExpression")
        language = (condition.get("language") or "").lower() if condition is not None else ""
        found = _language_problem(_text(condition))
        if found is None and language and language not in ("python", "text/x-python"):
            found = (language, "write it in Python")
        if found:
            problems.append(
                index.problem(
                    flow,
                    f"The condition `{_text(condition)}` on {describe(flow)} is written in {found[0]}; "
                    f"the product reads conditions as Python: {found[1]}.",
                    "foreign_expression",
                )
            )
    for timer in process.iter(f"{B}timerEventDefinition"):
        problems += _timer_problems(timer, index)
    for script in process.iter(f"{B}scriptTask"):
        form = (script.get("scriptFormat") or "python").strip().lower()
        if form not in ("python", "text/x-python", "py"):
            problems.append(
                index.problem(
                    script,
                    f"The script of {describe(script)} is written in {form}; the product runs Python "
                    "scripts only. Rewrite it in Python.",
                    "foreign_script",
                )
            )
    for element in process.iter():
        if isinstance(element.tag, str):
            problems += _binding_problems(element, index)
    bound = {p.element_id for p in problems if p.reason == "connector"}
    for task in process.iter(f"{B}serviceTask"):
        if task.get("id") not in bound:
            problems.append(
                index.problem(
                    task,
                    f"{describe(task, capital=True)} calls a service, and the product has no service "
                    "connectors. Use a user task for work people do, or a script task for a calculation.",
                    "connector",
                )
            )
    return problems


def _timer_problems(timer: etree._Element, index: ElementIndex) -> list[Problem]:
    event = timer.getparent()
    values = [
        (local(child), _text(child))
        for child in timer
        if local(child) in ("timeDuration", "timeDate", "timeCycle")
    ]
    where = describe(event) if event is not None else "a timer"
    if not any(text for _kind, text in values):
        return [
            index.problem(
                event,
                f"The timer of {where} has no duration, date or cycle. Give it one, for example "
                '"P10D" for ten days, or add_working_days(referral_date, 45).',
                "timer_empty",
            )
        ]
    problems = []
    for _kind, text in values:
        found = _language_problem(text)
        if found:
            problems.append(
                index.problem(
                    event,
                    f"The timer `{text}` of {where} is written in {found[0]}; the product reads timers "
                    f"as Python expressions: {found[1]}.",
                    "foreign_expression",
                )
            )
        elif _BARE_ISO.match(text):
            problems.append(
                index.problem(
                    event,
                    f"The timer of {where} is the bare value {text}. The product reads a timer as an "
                    f'expression, so put the value in quotes: "{text}".',
                    "bare_timer",
                )
            )
    return problems


def _binding_problems(element: etree._Element, index: ElementIndex) -> list[Problem]:
    """Tasks bound to another engine's Java classes, job workers, forms or decision references."""
    kind = local(element)
    problems: list[Problem] = []
    for namespace, engine in ENGINES.items():
        bound = [a for a in _CONNECTOR_ATTRIBUTES if element.get(f"{{{namespace}}}{a}")]
        definitions = element.findall(f".//{{{namespace}}}taskDefinition")
        if kind in ("serviceTask", "sendTask", "businessRuleTask", "scriptTask") and (bound or definitions):
            problems.append(
                index.problem(
                    element,
                    f"{describe(element, capital=True)} is bound to {engine}'s connector "
                    f"({', '.join(bound) or 'a job worker'}), which the product does not have. Use a user "
                    "task for work people do, or a script task for a calculation.",
                    "connector",
                )
            )
        foreign_form = element.get(f"{{{namespace}}}formKey") or element.get(f"{{{namespace}}}formRef")
        if kind == "userTask" and (
            foreign_form or element.find(f".//{{{namespace}}}formDefinition") is not None
        ):
            problems.append(
                index.problem(
                    element,
                    f"{describe(element, capital=True)} names its form the {engine} way. In the product "
                    "a user task names its form with the property formKey, and the form is one of the "
                    "diagram's forms: add the form, then set formKey to its id.",
                    "foreign_form",
                )
            )
        if kind == "businessRuleTask" and element.get(f"{{{namespace}}}decisionRef"):
            problems.append(
                index.problem(
                    element,
                    f"{describe(element, capital=True)} names its decision table the {engine} way "
                    "(decisionRef). Name it with the property calledDecisionId, the id of a decision in "
                    "the diagram's decision tables.",
                    "foreign_decision",
                )
            )
        if kind == "callActivity" and element.find(f".//{{{namespace}}}calledElement") is not None:
            problems.append(
                index.problem(
                    element,
                    f"{describe(element, capital=True)} names the process it calls the {engine} way. "
                    "Set its calledElement to the id of a process in the same file.",
                    "foreign_call",
                )
            )
    return problems
