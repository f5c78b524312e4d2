"""Checks of a diagram's structure, read from the XML before the engine sees it: which process
the file holds to run, and the modelling mistakes that would stop a case or surprise its owner
(bpmnlint's recommended rules, in the product's words). Each finds every instance, so a
process owner fixes them in one pass, and names the element."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from app.engine.checks.problems import BPMN_NS, ElementIndex, Problem, describe

B = f"{{{BPMN_NS}}}"
SCOPES = {"process", "subProcess", "transaction"}  # ad hoc sub-processes have no flows to check
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
ACTIVITIES = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
}  # fmt: skip
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
FLOW_NODES = GATEWAYS | ACTIVITIES | EVENTS


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def is_executable(process: etree._Element) -> bool:
    return (process.get("isExecutable") or "").strip().lower() == "true"


def main_process(root: etree._Element, index: ElementIndex) -> tuple[etree._Element | None, list[Problem]]:
    """The one executable process the file holds to run (others it calls may be beside it)."""
    processes = root.findall(f"{B}process")
    if local(root) != "definitions":
        return None, [
            index.problem(
                None, "The file is XML but not a BPMN diagram (it has no bpmn:definitions).", "not_bpmn"
            )
        ]
    if not processes:
        return None, [
            index.problem(
                None,
                "The file holds no process, only a collaboration, choreography or conversation. "
                "Draw the process's steps inside a pool and upload it again.",
                "no_process",
            )
        ]
    executable = [p for p in processes if is_executable(p)]
    if not executable:
        return None, [
            index.problem(
                processes[0],
                "No process in this file is marked executable, so it is a descriptive diagram the "
                "product cannot run. If it is meant to run, mark the process executable in your "
                'modelling tool (isExecutable="true") and give it what running needs: forms on '
                "its user tasks, conditions on the flows out of its gateways, values on its timers.",
                "not_executable",
            )
        ]
    called = {c.get("calledElement") for c in root.iter(f"{B}callActivity")}
    main = [p for p in executable if p.get("id") not in called]
    if len(main) != 1:
        ids = ", ".join(p.get("id") or "?" for p in (main or executable))
        return None, [
            index.problem(
                (main or executable)[0],
                f"The file holds {len(main) or 'no'} main executable processes ({ids}). The product "
                "runs one process per diagram, which may call others in the same file: mark the "
                "others not executable, call them from the main one, or upload each on its own.",
                "several_processes",
            )
        ]
    return main[0], []


def _scopes(process: etree._Element) -> Iterator[etree._Element]:
    yield process
    yield from process.iter(*(f"{B}{s}" for s in SCOPES - {"process"}))


def _nodes(scope: etree._Element) -> list[etree._Element]:
    return [child for child in scope if local(child) in FLOW_NODES]


def _flows(scope: etree._Element) -> list[etree._Element]:
    return scope.findall(f"{B}sequenceFlow")


def _is_event_subprocess(element: etree._Element) -> bool:
    return local(element) == "subProcess" and element.get("triggeredByEvent") == "true"


def _has(element: etree._Element, definition: str) -> bool:
    return element.find(f"{B}{definition}") is not None


def modelling_problems(process: etree._Element, index: ElementIndex) -> list[Problem]:
    """Dead ends, implicit splits, unreachable steps, gateways without a default, missing start
    events, sub-processes without one start, unnamed end events, in every scope of the process."""
    problems: list[Problem] = []
    for scope in _scopes(process):
        problems += _scope_problems(scope, index)
    return problems


def _scope_problems(scope: etree._Element, index: ElementIndex) -> list[Problem]:
    nodes, flows = _nodes(scope), _flows(scope)
    outgoing: dict[str, list[etree._Element]] = {}
    incoming: dict[str, list[etree._Element]] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
        incoming.setdefault(flow.get("targetRef") or "", []).append(flow)
    problems: list[Problem] = []
    starts = [n for n in nodes if local(n) == "startEvent"]
    if local(scope) == "process" and not starts:
        problems.append(
            index.problem(scope, f"{describe(scope, capital=True)} has no start event: add one.", "no_start")
        )
    elif local(scope) != "process" and not _is_event_subprocess(scope) and len(starts) != 1:
        problems.append(
            index.problem(
                scope,
                f"{describe(scope, capital=True)} has {len(starts) or 'no'} start events; a sub-process "
                "needs exactly one. Expand it and give it one start event.",
                "subprocess_start",
            )
        )
    for node in nodes:
        kind, node_id = local(node), node.get("id") or ""
        out = outgoing.get(node_id, [])
        if kind == "endEvent":
            if not (node.get("name") or "").strip():
                problems.append(
                    index.problem(
                        node,
                        f"{describe(node, capital=True)} has no name. Name it for the outcome it "
                        "records: the case page shows it when the process ends there.",
                        "unnamed_end",
                        "warning",
                    )
                )
            continue
        if _is_event_subprocess(node) or node.get("isForCompensation") == "true":
            continue
        if _has(node, "compensateEventDefinition"):
            problems.append(
                index.problem(
                    node,
                    f"{describe(node, capital=True)} is a compensation event, which the engine does not "
                    "run. Model what should happen with a task after the step, or an escalation.",
                    "unsupported_event",
                )
            )
            continue
        if not out and not _is_link_throw(node):
            problems.append(
                index.problem(
                    node,
                    f"{describe(node, capital=True)} has no outgoing sequence flow, so a case would "
                    "stop there without an outcome: connect it to the next step or to a named end event.",
                    "dead_end",
                )
            )
        if kind in ACTIVITIES | {
            "startEvent",
            "intermediateCatchEvent",
            "intermediateThrowEvent",
            "boundaryEvent",
        }:
            unconditioned = [f for f in out if not _has(f, "conditionExpression")]
            if len(out) > 1 and len(unconditioned) > 1:
                problems.append(
                    index.problem(
                        node,
                        f"{describe(node, capital=True)} has {len(out)} outgoing sequence flows without "
                        "conditions. Put a parallel gateway after it to take them all, or an exclusive "
                        "gateway with conditions to choose one.",
                        "implicit_split",
                    )
                )
        if kind in {"exclusiveGateway", "inclusiveGateway"} and len(out) > 1:
            problems += _gateway_problems(node, out, index)
    problems += _unreachable(scope, nodes, outgoing, index)
    return problems


def _is_link_throw(node: etree._Element) -> bool:
    return local(node) == "intermediateThrowEvent" and _has(node, "linkEventDefinition")


def _gateway_problems(
    gateway: etree._Element, out: list[etree._Element], index: ElementIndex
) -> list[Problem]:
    default = gateway.get("default")
    problems = []
    if not default:
        problems.append(
            index.problem(
                gateway,
                f"{describe(gateway, capital=True)} has no default flow: if no condition holds, the "
                "case stops with an error. Mark one outgoing flow as the default.",
                "gateway_default",
                "warning",
            )
        )
    for flow in out:
        if flow.get("id") != default and not _has(flow, "conditionExpression"):
            problems.append(
                index.problem(
                    flow,
                    f"{describe(flow, capital=True)} leaves {describe(gateway)} without a condition and "
                    "is not its default: give it a condition, or make it the default flow.",
                    "flow_condition",
                )
            )
    return problems


def _unreachable(
    scope: etree._Element,
    nodes: list[etree._Element],
    outgoing: dict[str, list[etree._Element]],
    index: ElementIndex,
) -> list[Problem]:
    """Nodes no path from a start event leads to (boundary events go with their activity, link
    catch events with their throw, event sub-processes and compensation handlers start apart)."""
    by_id = {n.get("id") or "": n for n in nodes}
    boundaries: dict[str, list[str]] = {}
    for node in nodes:
        if local(node) == "boundaryEvent":
            boundaries.setdefault(node.get("attachedToRef") or "", []).append(node.get("id") or "")
    links = {
        (link.get("name") or ""): node.get("id") or ""
        for node in nodes
        if local(node) == "intermediateCatchEvent"
        for link in node.findall(f"{B}linkEventDefinition")
    }
    seen: set[str] = set()
    queue = [
        node_id
        for node_id, node in by_id.items()
        if local(node) == "startEvent"
        or _is_event_subprocess(node)
        or node.get("isForCompensation") == "true"
    ]
    while queue:
        node_id = queue.pop()
        if node_id in seen or node_id not in by_id:
            continue
        seen.add(node_id)
        queue += [f.get("targetRef") or "" for f in outgoing.get(node_id, [])]
        queue += boundaries.get(node_id, [])
        if _is_link_throw(by_id[node_id]):
            queue += [
                links.get(d.get("name") or "", "") for d in by_id[node_id].findall(f"{B}linkEventDefinition")
            ]
    starts_exist = any(local(n) == "startEvent" for n in nodes)
    return [
        index.problem(
            node,
            f"{describe(node, capital=True)} cannot be reached: no path from the start event leads to it. "
            "Connect it, or remove it.",
            "unreachable",
        )
        for node_id, node in by_id.items()
        if starts_exist and node_id not in seen
    ]
