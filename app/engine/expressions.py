"""Every expression a diagram holds, found where the engine will run it, so that publishing
can compile each one in the restricted environment and name the element if one does not.

A diagram's code otherwise fails only when a case first reaches it, perhaps weeks later and
as an incident; publishing is where a process owner can still fix it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask, MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from app.engine.diagrams import BPMN_NS, DUE_DATE, ParsedDiagram
from app.engine.scripting import compile_expression


@dataclass(frozen=True)
class Expression:
    """One piece of diagram code: where it is (in words), its text, and 'eval' or 'exec'."""

    where: str
    source: str
    mode: str = "eval"


def expression_problems(xml: bytes, diagram: ParsedDiagram, filename: str) -> list[str]:
    """Compile every expression of the diagram as the engine will run it; one message per failure.

    "attendance_support.bpmn: The condition on the flow 'Persistently absent' (Flow_1) does not
    compile: Line 1: SyntaxError: invalid syntax at statement: 'tier =='".
    """
    problems = []
    for expression in diagram_expressions(xml, diagram):
        try:
            compile_expression(expression.source, expression.mode)
        except SyntaxError as exc:
            problems.append(f"{filename}: {expression.where} does not compile: {_plain(exc)}")
    return problems


def _plain(exc: SyntaxError) -> str:
    return re.sub(r"\s+", " ", str(exc)).strip()


def diagram_expressions(xml: bytes, diagram: ParsedDiagram) -> list[Expression]:
    """Every expression the engine may evaluate for this diagram, each named by its element."""
    found = list(_flow_conditions(xml, diagram.process_id))
    for spec in [diagram.spec, *diagram.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            found.extend(_of_task(task_spec, _element(task_spec, spec)))
    return list(dict.fromkeys(found))  # a loop's wrapper and its task can both carry one


def _named(thing: str, name: str | None, element_id: str) -> str:
    return f"{thing} '{name}' ({element_id})" if name else f"{thing} {element_id}"


def _flow_conditions(xml: bytes, process_id: str) -> Iterator[Expression]:
    """Sequence-flow conditions, read from the file: the engine keeps no flow names or ids."""
    root = etree.fromstring(xml)
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        if process.get("id") != process_id:
            continue
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            condition = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            if condition is not None and (condition.text or "").strip():
                where = _named("The condition on the flow", flow.get("name"), flow.get("id", ""))
                yield Expression(where, condition.text or "")


def _element(task_spec: Any, process_spec: Any) -> str:
    """'Name' (id) of the element a task spec comes from, in words."""
    name = getattr(task_spec, "bpmn_name", None)
    inner = getattr(task_spec, "task_spec", None)  # a loop wraps the task that carries the name
    if not name and isinstance(task_spec, LoopTask) and isinstance(inner, str):
        name = getattr(process_spec.task_specs.get(inner), "bpmn_name", None)
    return _named("", name, getattr(task_spec, "bpmn_id", "") or "").strip()


def _of_task(task_spec: Any, element: str) -> Iterator[Expression]:
    if isinstance(task_spec, ScriptTask):
        yield Expression(f"The script of {element}", task_spec.script, "exec")
    for attribute, words in (("prescript", "The script before"), ("postscript", "The script after")):
        if getattr(task_spec, attribute, None):
            yield Expression(f"{words} {element}", getattr(task_spec, attribute), "exec")
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    if properties.get(DUE_DATE):
        yield Expression(f"The due date of {element}", properties[DUE_DATE])
    definition = getattr(task_spec, "event_definition", None)
    if definition is not None:
        yield from _of_event(definition, element)
    if isinstance(task_spec, MultiInstanceTask):
        if task_spec.cardinality:
            yield Expression(f"The number of instances of {element}", task_spec.cardinality)
        if task_spec.condition:
            yield Expression(f"The completion condition of {element}", task_spec.condition)
    elif isinstance(task_spec, LoopTask) and task_spec.condition:
        yield Expression(f"The loop condition of {element}", task_spec.condition)
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        yield Expression(f"The parameter '{name}' of {element}", str(param.get("value", "")))
    if isinstance(task_spec, BusinessRuleTaskMixin):
        yield from _of_decision_table(task_spec.dmnEngine.decision_table, element)


def _of_event(definition: Any, element: str) -> Iterator[Expression]:
    if isinstance(definition, MultipleEventDefinition):
        for each in definition.event_definitions:
            yield from _of_event(each, element)
        return
    if isinstance(definition, TimerEventDefinition):
        yield Expression(f"The timer of {element}", definition.expression)
    elif isinstance(definition, ConditionalEventDefinition):
        yield Expression(f"The condition of {element}", definition.expression)
    elif getattr(definition, "expression", None):  # message, signal, error and escalation payloads
        yield Expression(f"The payload of {element}", definition.expression)
    if isinstance(definition, MessageEventDefinition):
        for prop in definition.correlation_properties:
            yield Expression(f"The correlation '{prop.name}' of {element}", prop.retrieval_expression)


def _of_decision_table(table: Any, element: str) -> Iterator[Expression]:
    """The expressions SpiffWorkflow's DMN engine builds from a table (DMNEngine.evaluate):
    each input, each rule's test of an input (`<= 50.0` is appended to the input, a plain
    value becomes `(input) == (value)`, and `?` stands for the input), and each output."""
    called = f"the decision table called by {element}"
    for each in table.inputs:
        if each.expression:
            yield Expression(f"The input '{each.label or each.id}' of {called}", each.expression)
    for rule in table.rules:
        at = f"rule {rule.row_number} ({rule.id}) of {called}"
        for entry in rule.inputEntries:
            for test in entry.lhs:
                if test is not None and test.strip():
                    where = f"The test of '{entry.input.label or entry.input.id}' in {at}"
                    yield Expression(where, _rule_test(entry.input.expression or "", test))
        for output in rule.outputEntries:
            if getattr(output, "text", ""):
                yield Expression(f"The output '{output.output.label or output.id}' of {at}", output.text)


_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as DMNEngine.evaluate


def _rule_test(input_expression: str, test: str) -> str:
    """The text DMNEngine.evaluate gives the script engine for one cell."""
    if _QUESTION_MARK.search(test):
        return _QUESTION_MARK.sub("dmninputexpr", test)  # the input's value is given by that name
    try:
        ast.parse(test)
    except SyntaxError:  # an operator and a value: the engine appends it to the input
        return input_expression + test
    return f"({input_expression}) == ({test})"
