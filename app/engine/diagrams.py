"""Parsing BPMN files and describing what the product needs to know about them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.engine.errors import InvalidDiagram, scrub

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FORM_KEY = "formKey"
DUE_DATE = "dueDate"
ROLE = "role"  # a user task only people holding this role may work, e.g. "manager"
CALCULATIONS = "calculations"
EFFECTS = "effects"


@dataclass(frozen=True)
class UserTaskInfo:
    bpmn_id: str
    name: str
    lane: str
    form_key: str
    documentation: str
    due_expression: str
    # Named Python the product runs for this task (app/pathways): before the process moves on
    # (calculations, which add answers) and after it (effects, which keep records).
    calculations: str = ""
    effects: str = ""


@dataclass
class ParsedDiagram:
    """A parsed, runnable process: the engine's spec plus what the product reads from it."""

    process_id: str
    name: str
    content_hash: str
    spec: Any
    subprocess_specs: dict[str, Any]
    user_tasks: list[UserTaskInfo] = field(default_factory=list)
    # Hand-offs: the message the process's only start event waits for ('' for a plain start),
    # and the messages its throw events send to other processes.
    start_message: str = ""
    thrown_messages: frozenset[str] = frozenset()

    @property
    def lanes(self) -> list[str]:
        return sorted({t.lane for t in self.user_tasks if t.lane})


def content_hash(xml: bytes, dmn: bytes = b"", forms: bytes = b"") -> str:
    """What identifies a version: the diagram's bytes, its decision tables' and its forms'."""
    digest = hashlib.sha256(xml)
    if dmn:
        digest.update(b"\0dmn\0")
        digest.update(dmn)
    if forms:
        digest.update(b"\0forms\0")
        digest.update(forms)
    return digest.hexdigest()


def _executable_process_ids(xml: bytes) -> list[tuple[str, str]]:
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise InvalidDiagram([f"The file is not valid XML: {exc}"]) from exc
    found: list[tuple[str, str]] = []
    for proc in root.iter(f"{{{BPMN_NS}}}process"):
        if proc.get("isExecutable", "false").lower() == "true":
            process_id = proc.get("id", "")
            found.append((process_id, proc.get("name") or process_id))
    return found


FLOW_NODES = {
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}


def _flow_node_ids(xml: bytes, process_id: str) -> set[str]:
    root = etree.fromstring(xml)
    ids: set[str] = set()
    for proc in root.iter(f"{{{BPMN_NS}}}process"):
        if proc.get("id") != process_id:
            continue
        for el in proc.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag.startswith(f"{{{BPMN_NS}}}") and tag.split("}")[1] in FLOW_NODES and el.get("id"):
                ids.add(el.get("id", ""))
    return ids


def unreachable_problems(
    xml: bytes, filename: str, process_id: str, spec: Any, subprocess_specs: dict[str, Any]
) -> list[str]:
    """Nodes the engine silently dropped because no flow leads to them."""
    parsed = set(spec.task_specs)
    for sub in subprocess_specs.values():
        parsed.update(sub.task_specs)
    return [
        f"{filename}: '{node}' cannot be reached: no sequence flow leads to it"
        for node in sorted(_flow_node_ids(xml, process_id) - parsed)
    ]


def _properties(spec: Any) -> dict[str, str]:
    props: dict[str, str] = spec.extensions.get("properties", {}) if spec.extensions else {}
    return props


def describe_user_tasks(spec: Any, subprocess_specs: dict[str, Any]) -> list[UserTaskInfo]:
    """Every human task in the process and the processes it calls, in diagram order."""
    infos: list[UserTaskInfo] = []
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            props = _properties(task_spec)
            infos.append(
                UserTaskInfo(
                    bpmn_id=task_spec.bpmn_id,
                    name=task_spec.bpmn_name or task_spec.bpmn_id,
                    lane=task_spec.lane or "",
                    form_key=props.get(FORM_KEY, ""),
                    documentation=(task_spec.documentation or "").strip(),
                    due_expression=props.get(DUE_DATE, ""),
                    calculations=props.get(CALCULATIONS, ""),
                    effects=props.get(EFFECTS, ""),
                )
            )
    return infos


def _message_name(task_spec: Any) -> str:
    definition = getattr(task_spec, "event_definition", None)
    return definition.name if isinstance(definition, MessageEventDefinition) else ""


def start_message_of(spec: Any) -> str:
    """The message that starts the process, if its one start event is a message start event."""
    starts = [t for t in spec.task_specs.values() if isinstance(t, StartEvent)]
    return _message_name(starts[0]) if len(starts) == 1 else ""


def thrown_messages_of(spec: Any, subprocess_specs: dict[str, Any]) -> frozenset[str]:
    names = {
        _message_name(t)
        for process_spec in [spec, *subprocess_specs.values()]
        for t in process_spec.task_specs.values()
        if isinstance(t, ThrowingEvent)
    }
    return frozenset(names - {""})


def _validation_problem(exc: Exception, filename: str, xml: bytes) -> str:
    """SpiffWorkflow's message, with the element it names in words and its line in the file."""
    text = re.sub(r"[.\s]+$", "", scrub(str(exc))) or exc.__class__.__name__
    element_id, name, tag = (getattr(exc, attr, "") or "" for attr in ("id", "name", "tag"))
    if element_id:
        kind = re.sub(r"(?<!^)(?=[A-Z])", " ", tag.split(":")[-1]).lower() or "element"
        element = f"the {kind} '{name}' ({element_id})" if name else f"the {kind} {element_id}"
        line = next(
            (el.sourceline for el in etree.fromstring(xml).iter() if el.get("id") == element_id), None
        )
        text += f", at {element}" + (f" on line {line}" if line else "")
    return f"{filename}: {text}"


def parse_diagram(
    xml: bytes, filename: str, process_id: str | None = None, dmn: bytes = b""
) -> ParsedDiagram:
    """Parse one BPMN file (and the DMN decision tables it calls, if any) into a runnable process.

    Raises InvalidDiagram, with messages a process owner can act on, when the file
    does not parse or holds no single executable process.
    """
    candidates = _executable_process_ids(xml)
    if process_id is None:
        if len(candidates) != 1:
            raise InvalidDiagram(
                [f"{filename} must hold exactly one executable process; it holds {len(candidates)}"]
            )
        process_id, name = candidates[0]
    else:
        names = dict(candidates)
        if process_id not in names:
            raise InvalidDiagram([f"{filename} has no executable process with the id {process_id!r}"])
        name = names[process_id]
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_str(xml, filename=filename)
        if dmn:
            parser.add_dmn_str(dmn, filename=filename.rsplit(".", 1)[0] + ".dmn")
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException, etree.LxmlError) as exc:
        raise InvalidDiagram([_validation_problem(exc, filename, xml)]) from exc
    dropped = unreachable_problems(xml, filename, process_id, spec, subprocess_specs)
    if dropped:
        raise InvalidDiagram(dropped)
    diagram = ParsedDiagram(
        process_id=process_id,
        name=name,
        content_hash=content_hash(xml, dmn),
        spec=spec,
        subprocess_specs=subprocess_specs,
        start_message=start_message_of(spec),
        thrown_messages=thrown_messages_of(spec, subprocess_specs),
    )
    diagram.user_tasks = describe_user_tasks(spec, subprocess_specs)
    return diagram
