"""Referral to Early Help: the diagram itself, as drawn and as the engine parses it.

Its process, lanes, tasks and their forms, documentation, gateways, the review loop, the
expressions it evaluates and the drawing (DI). Every path through it is in
test_referral_walks.py; the forms of its tasks in test_referral_forms.py.
"""

from __future__ import annotations

import ast
import re
from itertools import pairwise
from typing import Any

from flask import Flask
from wtforms import RadioField, SelectMultipleField

from app.engine import ParsedDiagram
from app.formkit.base import TaskForm
from app.workflow.helpers import diagram_helpers
from tests.unit.referral_support import (
    CLOSED,
    HELPERS,
    LANES,
    LEGAL,
    NS,
    SCHOOL_CLOSED,
    START_DATA,
    STEPPED_UP,
    flow_nodes,
    form_fields,
    local_name,
    process,
    process_form_keys,
)


# -- (a) the diagram --------------------------------------------------------------------------------
def test_the_file_holds_one_executable_process_that_parses(diagram: ParsedDiagram, root: Any) -> None:
    assert (diagram.process_id, diagram.name) == ("referral_to_early_help", "Referral to Early Help")
    assert root.nsmap["spiffworkflow"] == NS["spiffworkflow"]
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == ["referral_to_early_help"]


def test_every_node_in_the_file_is_reachable(diagram: ParsedDiagram, root: Any) -> None:
    # SpiffWorkflow silently drops nodes no flow reaches, so compare the file with the parse.
    nodes = flow_nodes(root)
    parsed = {spec.bpmn_id for spec in diagram.spec.task_specs.values() if getattr(spec, "bpmn_id", None)}
    assert set(nodes) == parsed
    user_tasks = {i for i, el in nodes.items() if local_name(el) == "userTask"}
    assert {t.bpmn_id for t in diagram.user_tasks} == user_tasks
    assert len(user_tasks) == 8  # CAS and ACE take their decisions in their own processes


def test_every_user_task_names_a_registered_form_and_a_due_date(
    diagram: ParsedDiagram, registry: dict[str, type[TaskForm]]
) -> None:
    for task in diagram.user_tasks:
        assert task.form_key in registry, task.bpmn_id
        assert task.due_expression, task.bpmn_id
    assert len(set(process_form_keys(diagram))) == len(diagram.user_tasks)


def test_lanes_are_the_four_team_queues_and_hold_every_node(diagram: ParsedDiagram, root: Any) -> None:
    assert set(diagram.lanes) == LANES - {"CAS", "ACE"}  # those lanes hold only the hand-offs to them
    lanes = process(root).findall("bpmn:laneSet/bpmn:lane", NS)
    assert {lane.get("name") for lane in lanes} == LANES
    refs = [ref.text for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(flow_nodes(root))  # each node in exactly one lane


def test_every_user_task_says_what_good_looks_like(diagram: ParsedDiagram) -> None:
    for task in diagram.user_tasks:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", task.documentation) if s]
        assert 2 <= len(sentences) <= 4, (task.bpmn_id, len(sentences))
        assert task.name[0].isupper() and not task.name.endswith(".")


def test_every_end_event_is_named_as_an_outcome(root: Any) -> None:
    names = {el.get("name") for el in flow_nodes(root).values() if local_name(el) == "endEvent"}
    assert names == {CLOSED, SCHOOL_CLOSED, STEPPED_UP, LEGAL}


def test_every_exclusive_gateway_has_a_default_and_conditions_on_its_other_flows(root: Any) -> None:
    flows = {f.get("id"): f for f in process(root).findall("bpmn:sequenceFlow", NS)}
    gateways = [el for el in flow_nodes(root).values() if local_name(el) == "exclusiveGateway"]
    assert len(gateways) == 9  # 5 decisions and 4 joins
    for gateway in gateways:
        outgoing = [flows[o.text] for o in gateway.findall("bpmn:outgoing", NS)]
        default = gateway.get("default")
        assert default in {f.get("id") for f in outgoing}, gateway.get("id")
        for f in outgoing:
            has_condition = f.find("bpmn:conditionExpression", NS) is not None
            assert has_condition == (f.get("id") != default), f.get("id")


def test_the_only_loop_is_the_review_standard_loop(root: Any) -> None:
    # Loops built from gateways stall the engine after ~333 rounds, so the flow graph must be acyclic.
    edges: dict[str, list[str]] = {}
    for f in process(root).findall("bpmn:sequenceFlow", NS):
        edges.setdefault(f.get("sourceRef"), []).append(f.get("targetRef"))
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in edges.get(node, []):
            assert state.get(nxt) != 1, f"a sequence-flow cycle through {nxt}"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    visit("start_referral")
    loops = process(root).findall(".//bpmn:standardLoopCharacteristics", NS)
    assert [loop.getparent().get("id") for loop in loops] == ["taf_review"]
    # testBefore would evaluate the condition before the first review, when review_outcome does not exist
    assert loops[0].get("testBefore", "false") == "false"
    assert loops[0].findtext("bpmn:loopCondition", namespaces=NS) == "review_outcome == 'continue'"


def test_expressions_read_only_start_data_form_fields_and_helpers(
    diagram: ParsedDiagram, root: Any, form_app: Flask
) -> None:
    fields: dict[str, Any] = {}
    for key in process_form_keys(diagram):
        fields.update(form_fields(form_app, key))
    assert set(HELPERS) <= set(diagram_helpers())  # the helpers the app really gives diagrams
    known = set(fields) | set(START_DATA) | set(HELPERS)
    conditions = [c.text for c in process(root).iter(f"{{{NS['bpmn']}}}conditionExpression")]
    conditions += [c.text for c in process(root).iter(f"{{{NS['bpmn']}}}loopCondition")]
    expressions = conditions + [t.due_expression for t in diagram.user_tasks]
    for expression in expressions:
        tree = ast.parse(expression, mode="eval")
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert names <= known, (expression, names - known)
    for condition in conditions:  # every `field == 'value'` compares a radio with one of its choices
        compare = ast.parse(condition, mode="eval").body
        assert isinstance(compare, ast.Compare) and isinstance(compare.ops[0], ast.Eq)
        name, value = compare.left.id, compare.comparators[0].value  # type: ignore[attr-defined]
        assert isinstance(fields[name], RadioField)
        assert value in {str(c.value) for c in fields[name].choices}, condition


def test_form_fields_are_safe_task_data_keys(diagram: ParsedDiagram, form_app: Flask) -> None:
    list_fields: list[str] = []
    owner: dict[str, str] = {}
    for key in process_form_keys(diagram):
        for name, field in form_fields(form_app, key).items():
            assert name != "typename"  # SpiffWorkflow cannot load data holding this key
            assert name not in HELPERS and name not in START_DATA
            if name in owner:  # only the review date is shared, on purpose (it drives the review's due date)
                assert name == "next_review_date", (name, owner[name], key)
            owner[name] = key
            if isinstance(field, SelectMultipleField):
                list_fields.append(name)
    # SpiffWorkflow merges lists element by element: a list key must never be written twice.
    assert len(list_fields) == len(set(list_fields))
    assert not any(
        isinstance(f, SelectMultipleField) for f in form_fields(form_app, "referral.review").values()
    )


def test_the_diagram_is_drawn_with_a_pool_lanes_shapes_and_edges(root: Any) -> None:
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    shapes = {
        s.get("bpmnElement"): [float(s.find("dc:Bounds", NS).get(k)) for k in ("x", "y", "width", "height")]
        for s in plane.findall("bpmndi:BPMNShape", NS)
    }
    edges = {
        e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.findall("di:waypoint", NS)]
        for e in plane.findall("bpmndi:BPMNEdge", NS)
    }
    lanes = process(root).findall("bpmn:laneSet/bpmn:lane", NS)
    assert root.find("bpmn:collaboration/bpmn:participant", NS).get("id") in shapes
    assert {lane.get("id") for lane in lanes} <= set(shapes)
    assert set(flow_nodes(root)) <= set(shapes)

    def inside(point: tuple[float, float], box: list[float], slack: float = 1.0) -> bool:
        x, y, w, h = box
        return x - slack <= point[0] <= x + w + slack and y - slack <= point[1] <= y + h + slack

    for f in process(root).findall("bpmn:sequenceFlow", NS):
        points = edges[f.get("id")]
        assert len(points) >= 2
        assert inside(points[0], shapes[f.get("sourceRef")]), f.get("id")
        assert inside(points[-1], shapes[f.get("targetRef")]), f.get("id")
        for (x1, y1), (x2, y2) in pairwise(points):
            assert x1 == x2 or y1 == y2, f"{f.get('id')} has a diagonal segment"
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x, y, w, h = shapes[ref.text]
            assert inside((x, y), shapes[lane.get("id")], 0) and inside(
                (x + w, y + h), shapes[lane.get("id")], 0
            )
    # left to right: every task starts right of the start event
    start_x = shapes["start_referral"][0]
    assert all(shapes[i][0] > start_x for i in flow_nodes(root) if i != "start_referral")
