"""What changed between two versions of a process (or a draft and its version): the steps added,
removed and changed in the diagram (tasks, gateways, events and timers, with what changed in
each: name, guidance, form, due date, role, conditions, timer, script), the task forms added,
removed and changed (questions added, removed, reworded), and the decision tables. Each diagram
change names its element, so the pages can draw it in colour on either diagram."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
KINDS = {
    "userTask": "task", "manualTask": "task", "task": "task", "scriptTask": "task", "serviceTask": "task",
    "sendTask": "task", "receiveTask": "task", "businessRuleTask": "task", "callActivity": "task",
    "subProcess": "sub-process", "transaction": "sub-process", "adHocSubProcess": "sub-process",
    "exclusiveGateway": "gateway", "parallelGateway": "gateway", "inclusiveGateway": "gateway",
    "eventBasedGateway": "gateway", "complexGateway": "gateway", "startEvent": "event",
    "endEvent": "event", "intermediateCatchEvent": "event", "intermediateThrowEvent": "event",
    "boundaryEvent": "event",
}  # fmt: skip
PROPERTY_WORDS = {
    "formKey": "form", "dueDate": "due date", "role": "who may do it", "calculations": "calculations",
    "effects": "effects",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    change: str  # added, removed, changed
    what: str  # task, gateway, event, timer, sub-process, form, decision tables
    name: str
    element_id: str = ""
    details: tuple[str, ...] = ()


@dataclass
class VersionDiff:
    changes: list[Change] = field(default_factory=list)

    def markers(self, side: str) -> str:
        """JSON for the viewer: on the old diagram what was removed or changed, on the new one
        what was added or changed."""
        shown = {"old": ("removed", "changed"), "new": ("added", "changed")}[side]
        return json.dumps(
            {c.element_id: c.change for c in self.changes if c.element_id and c.change in shown}
        )

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)


def _parse(xml: str) -> etree._Element | None:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        return etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None


def _text(element: etree._Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _describe(element: etree._Element, conditions: dict[str, str]) -> dict[str, str]:
    """What a person would call the content of a step."""
    facts = {
        "name": (element.get("name") or "").strip(),
        "guidance": _text(element.find(f"{BPMN}documentation")),
    }
    for prop in element.iter(f"{SPIFF}property"):
        facts[PROPERTY_WORDS.get(prop.get("name") or "", prop.get("name") or "")] = prop.get("value") or ""
    for timer in element.iter(f"{BPMN}timerEventDefinition"):
        facts["timer"] = " ".join(_text(child) for child in timer)
    script = element.find(f"{BPMN}script")
    if script is not None:
        facts["script"] = _text(script)
    payload = element.find(f".//{SPIFF}messagePayload")
    if payload is not None:
        facts["message"] = _text(payload)
    if element.get("default"):
        facts["default way"] = element.get("default") or ""
    for flow_id, condition in conditions.items():
        if condition:
            facts[f"condition on {flow_id}"] = condition
    return {k: v for k, v in facts.items() if v}


def _steps(root: etree._Element | None) -> dict[str, tuple[str, dict[str, str]]]:
    if root is None:
        return {}
    conditions: dict[str, dict[str, str]] = {}
    for flow in root.iter(f"{BPMN}sequenceFlow"):
        source = flow.get("sourceRef") or ""
        conditions.setdefault(source, {})[flow.get("name") or flow.get("id") or ""] = _text(
            flow.find(f"{BPMN}conditionExpression")
        )
    steps = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(BPMN):
            continue
        kind = KINDS.get(etree.QName(element).localname)
        if kind and element.get("id"):
            if element.find(f"{BPMN}timerEventDefinition") is not None:
                kind = "timer"
            steps[element.get("id") or ""] = (
                kind,
                _describe(element, conditions.get(element.get("id") or "", {})),
            )
    return steps


def _label(facts: dict[str, str], element_id: str) -> str:
    return facts.get("name") or element_id


def diagram_changes(old_xml: str, new_xml: str) -> list[Change]:
    old, new = _steps(_parse(old_xml)), _steps(_parse(new_xml))
    changes = []
    for element_id, (kind, facts) in new.items():
        if element_id not in old:
            changes.append(Change("added", kind, _label(facts, element_id), element_id))
    for element_id, (kind, facts) in old.items():
        if element_id not in new:
            changes.append(Change("removed", kind, _label(facts, element_id), element_id))
            continue
        after = new[element_id][1]
        details = tuple(
            _said(key, facts.get(key, ""), after.get(key, ""))
            for key in sorted(set(facts) | set(after))
            if facts.get(key, "") != after.get(key, "")
        )
        if details:
            changes.append(
                Change("changed", new[element_id][0], _label(after, element_id), element_id, details)
            )
    return changes


def _said(key: str, before: str, after: str) -> str:
    short = 120
    if not before:
        return f"{key} added: {after[:short]}"
    if not after:
        return f"{key} removed (was: {before[:short]})"
    return f"{key}: {before[:short]} → {after[:short]}"


def _forms(text: str) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    forms = document.get("forms", []) if isinstance(document, dict) else []
    return {f["id"]: f for f in forms if isinstance(f, dict) and isinstance(f.get("id"), str)}


def _questions(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    stack = list(form.get("components", []))
    while stack:
        component = stack.pop(0)
        if isinstance(component, dict):
            if component.get("key"):
                found[component["key"]] = component
            stack += component.get("components", [])
    return found


def form_changes(old_text: str, new_text: str) -> list[Change]:
    old, new = _forms(old_text), _forms(new_text)
    changes = [Change("added", "form", key) for key in new if key not in old]
    changes += [Change("removed", "form", key) for key in old if key not in new]
    for key in old.keys() & new.keys():
        before, after = _questions(old[key]), _questions(new[key])
        details = [f"question added: {after[q].get('label') or q}" for q in after if q not in before]
        details += [f"question removed: {before[q].get('label') or q}" for q in before if q not in after]
        details += [
            f"question changed: {after[q].get('label') or q}"
            for q in before.keys() & after.keys()
            if json.dumps(before[q], sort_keys=True) != json.dumps(after[q], sort_keys=True)
        ]
        if details:
            changes.append(Change("changed", "form", key, details=tuple(sorted(details))))
    return sorted(changes, key=lambda c: (c.change, c.name))


def compare(old: tuple[str, str, str], new: tuple[str, str, str]) -> VersionDiff:
    """Compare (bpmn, dmn, forms) of two versions."""
    changes = diagram_changes(old[0], new[0]) + form_changes(old[2], new[2])
    if " ".join(old[1].split()) != " ".join(new[1].split()):
        what = "added" if not old[1].strip() else "removed" if not new[1].strip() else "changed"
        changes.append(Change(what, "decision tables", "Decision tables"))
    return VersionDiff(changes)
