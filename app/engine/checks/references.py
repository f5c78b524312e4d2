"""References a diagram must resolve before the engine reads it: named messages and signals,
refs that point at something, decisions and called processes that exist, and none of what the
engine cannot hold (data stores). The engine answers these with raw Python errors; here each
gets a sentence naming the element."""

from __future__ import annotations

from lxml import etree

from app.engine.checks.dialects import ENGINES, SPIFF
from app.engine.checks.problems import ElementIndex, Problem, describe
from app.engine.checks.structure import B, local

_REFS = {
    "messageEventDefinition": ("messageRef", "message"),
    "signalEventDefinition": ("signalRef", "signal"),
    "errorEventDefinition": ("errorRef", "error"),
    "escalationEventDefinition": ("escalationRef", "escalation"),
}


def _ref(value: str | None) -> str:
    """A reference without a QName prefix ("semantic:sid-1" -> "sid-1")."""
    return (value or "").split(":")[-1].strip()


def reference_problems(
    root: etree._Element, process: etree._Element, index: ElementIndex, decisions: set[str]
) -> list[Problem]:
    """`decisions`: the ids of the decisions in the diagram's decision tables."""
    problems: list[Problem] = []
    declared = {kind: {e.get("id"): e for e in root.iter(f"{B}{kind}")} for _a, kind in _REFS.values()}
    for message in declared["message"].values():
        if not (message.get("name") or "").strip():
            problems.append(
                index.problem(
                    message,
                    f"The message {message.get('id')} has no name. Name it: processes send and "
                    "receive messages by name.",
                    "unnamed_message",
                )
            )
    for definition_kind, (attribute, kind) in _REFS.items():
        for definition in process.iter(f"{B}{definition_kind}"):
            ref = _ref(definition.get(attribute))
            event = definition.getparent()
            if event is None:
                continue
            if ref and ref not in declared[kind]:
                problems.append(
                    index.problem(
                        event,
                        f"{describe(event, capital=True)} refers to the {kind} '{ref}', which the file "
                        f"does not declare. Choose one of the file's {kind}s, or add it.",
                        "unknown_reference",
                    )
                )
            elif not ref and kind in ("message", "signal"):
                problems.append(
                    index.problem(
                        event,
                        f"{describe(event, capital=True)} names no {kind}. Choose which {kind} it "
                        "sends or waits for.",
                        "unknown_reference",
                    )
                )
    stores = [*process.iter(f"{B}dataStoreReference"), *root.findall(f"{B}dataStore")]
    for store in stores:
        problems.append(
            index.problem(
                store,
                f"The diagram uses {describe(store)}. The product keeps a case's data itself and "
                "cannot connect a diagram to a data store: remove it and its associations.",
                "data_store",
            )
        )
    problems += _decision_problems(process, index, decisions)
    problems += _call_problems(root, process, index)
    problems += data_problems(root, process, index)
    return problems


def _decision_problems(process: etree._Element, index: ElementIndex, decisions: set[str]) -> list[Problem]:
    problems = []
    for task in process.iter(f"{B}businessRuleTask"):
        called = task.find(f".//{{{SPIFF}}}calledDecisionId")
        decision = (called.text or "").strip() if called is not None else ""
        if any(task.get(f"{{{ns}}}decisionRef") for ns in ENGINES):
            continue  # said by the dialect check
        if not decision:
            problems.append(
                index.problem(
                    task,
                    f"{describe(task, capital=True)} names no decision table: set its calledDecisionId "
                    "to the id of a decision in the diagram's decision tables.",
                    "decision_missing",
                )
            )
        elif decision not in decisions:
            problems.append(
                index.problem(
                    task,
                    f"{describe(task, capital=True)} calls the decision '{decision}', which the "
                    "diagram's decision tables do not hold. Upload the .dmn file with the diagram, or "
                    "correct the id.",
                    "decision_missing",
                )
            )
    return problems


def _call_problems(root: etree._Element, process: etree._Element, index: ElementIndex) -> list[Problem]:
    processes = {p.get("id") for p in root.findall(f"{B}process")}
    problems = []
    for call in process.iter(f"{B}callActivity"):
        target = (call.get("calledElement") or "").strip()
        if not target and any(call.find(f".//{{{ns}}}calledElement") is not None for ns in ENGINES):
            continue  # said by the dialect check
        if not target:
            problems.append(
                index.problem(
                    call,
                    f"{describe(call, capital=True)} names no process to call: set its calledElement "
                    "to the id of a process in the same file.",
                    "call_target",
                )
            )
        elif target not in processes:
            problems.append(
                index.problem(
                    call,
                    f"{describe(call, capital=True)} calls the process '{target}', which is not in "
                    "this file. Add that process to the file (as another pool, marked executable).",
                    "call_target",
                )
            )
    return problems


def decision_ids(dmn_root: etree._Element | None) -> set[str]:
    if dmn_root is None:
        return set()
    return {e.get("id") or "" for e in dmn_root.iter() if local(e) == "decision"}


def data_problems(root: etree._Element, process: etree._Element, index: ElementIndex) -> list[Problem]:
    """Data associations must link a task to a data object of the file; the engine cannot follow
    one to a task's own inputs and outputs (ioSpecification) or to something missing."""
    objects = {e.get("id") for e in root.iter(f"{B}dataObject", f"{B}dataObjectReference", f"{B}property")}
    problems = []
    for association in process.iter(f"{B}dataInputAssociation", f"{B}dataOutputAssociation"):
        refs = [(r.text or "").strip() for r in association if local(r) in ("sourceRef", "targetRef")]
        owner = association.getparent()
        wrong = [r for r in refs if r and r not in objects]
        if owner is not None and wrong:
            target = index.by_id.get(wrong[0])
            what = (
                f"{describe(target)}, which is not a data object"
                if target is not None
                else f"'{wrong[0]}', which the file does not hold"
            )
            problems.append(
                index.problem(
                    owner,
                    f"{describe(owner, capital=True)} passes data through {what}. The engine reads a "
                    "task's data from the case or from data objects: link the association to a data "
                    "object, or remove it.",
                    "data_association",
                )
            )
    return problems
