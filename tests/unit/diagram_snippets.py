"""What the diagram check tests share: a small diagram built around a body, and finding problems."""

from __future__ import annotations

import re

from app.engine.checks import Problem, StaticResult, static_checks

LIMIT = 2 * 1024 * 1024
FILENAME = "t.bpmn"

NAMESPACES = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:flowable="http://flowable.org/bpmn" '
    'xmlns:semantic="http://www.omg.org/spec/BPMN/20100524/MODEL"'
)

# start -> work -> end: one line per element, so a problem's line is the line of its id.
CLEAN_BODY = """<bpmn:startEvent id="start" />
<bpmn:userTask id="work" name="Do the work" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />"""


def diagram(body: str = CLEAN_BODY, *, before: str = "", after: str = "", executable: str = "true") -> bytes:
    """A file holding one process `p` with `body`; `before` and `after` go beside the process."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="http://example.org/t">\n'
        f"{before}\n"
        f'<bpmn:process id="p" name="P" isExecutable="{executable}">\n'
        f"{body}\n"
        "</bpmn:process>\n"
        f"{after}\n"
        "</bpmn:definitions>\n"
    ).encode()


def line_of(xml: bytes, marker: str) -> int:
    """The line of the first occurrence of `marker` (e.g. 'id="work"')."""
    at = xml.index(marker.encode("utf-8"))
    return xml[:at].count(b"\n") + 1


def run(xml: bytes, dmn: bytes = b"", max_bytes: int = LIMIT) -> StaticResult:
    return static_checks(xml, FILENAME, dmn, max_bytes)


def problems(xml: bytes, dmn: bytes = b"") -> list[Problem]:
    return run(xml, dmn).problems


def with_reason(found: list[Problem], reason: str) -> list[Problem]:
    return [p for p in found if p.reason == reason]


def the_one(xml: bytes, reason: str, dmn: bytes = b"") -> Problem:
    """The single problem of `reason` the file has (failing with every problem found if not one)."""
    found = problems(xml, dmn)
    matching = with_reason(found, reason)
    assert len(matching) == 1, found
    return matching[0]


def assert_pinned(problem: Problem, xml: bytes, element_id: str, severity: str = "error") -> None:
    assert problem.element_id == element_id, problem
    assert problem.line == line_of(xml, f'id="{element_id}"'), problem
    assert problem.file == FILENAME
    assert problem.severity == severity, problem


UNCLEAR = re.compile(r"<Element|0x|Traceback")


def message_diagram(message: str, ref: str) -> bytes:
    return diagram(
        CLEAN_BODY.replace(
            '<bpmn:endEvent id="end" name="Done" />',
            '<bpmn:endEvent id="end" name="Done">'
            f'<bpmn:messageEventDefinition id="md" {ref} /></bpmn:endEvent>',
        ),
        before=message,
    )


def data_association(target: str) -> bytes:
    return diagram(
        CLEAN_BODY.replace(
            '<bpmn:userTask id="work" name="Do the work" />',
            '<bpmn:userTask id="work" name="Do the work"><bpmn:dataOutputAssociation id="a">'
            f"<bpmn:targetRef>{target}</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:userTask>",
        )
        + '\n<bpmn:dataObject id="obj" name="Notes" />'
        + '\n<bpmn:dataObjectReference id="obj_ref" dataObjectRef="obj" />'
    )


DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="D" namespace="x">
  <decision id="tier" name="Tier" />
</definitions>"""


def rule_task(decision: str) -> bytes:
    called = (
        f"<bpmn:extensionElements><spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements>"
        if decision
        else ""
    )
    return task(f'<bpmn:businessRuleTask id="work" name="Decide">{called}</bpmn:businessRuleTask>')


def flow_condition(text: str, language: str = "") -> bytes:
    lang = f' language="{language}"' if language else ""
    return gateway(default="f_b", cond_a="").replace(
        b'<bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end_a">',
        f'<bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end_a">'
        f"<bpmn:conditionExpression{lang}>{text}</bpmn:conditionExpression>".encode(),
    )


def timer(expression: str, kind: str = "timeDuration") -> bytes:
    return diagram(
        CLEAN_BODY
        + f"""
<bpmn:boundaryEvent id="deadline" name="Deadline" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:endEvent id="end_late" name="Late" />
<bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="end_late" />"""  # noqa: E501
    )


def script(script_format: str) -> bytes:
    attribute = f' scriptFormat="{script_format}"' if script_format else ""
    return diagram(
        CLEAN_BODY.replace(
            '<bpmn:userTask id="work" name="Do the work" />',
            f'<bpmn:scriptTask id="work" name="Work it out"{attribute}><bpmn:script>x = 1</bpmn:script>'
            "</bpmn:scriptTask>",
        )
    )


def task(element: str) -> bytes:
    """CLEAN_BODY with `work` replaced by the one-line `element` (which must have id="work")."""
    return diagram(CLEAN_BODY.replace('<bpmn:userTask id="work" name="Do the work" />', element))


SECOND = """<bpmn:process id="q" name="Q" isExecutable="true">
<bpmn:startEvent id="q_start" />
<bpmn:endEvent id="q_end" name="Q done" />
<bpmn:sequenceFlow id="q_f1" sourceRef="q_start" targetRef="q_end" />
</bpmn:process>"""


GATEWAY = """<bpmn:startEvent id="start" />
<bpmn:exclusiveGateway id="gw" name="Which way"{default} />
<bpmn:endEvent id="end_a" name="A" />
<bpmn:endEvent id="end_b" name="B" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
<bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end_a">{cond_a}</bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f_b" sourceRef="gw" targetRef="end_b">{cond_b}</bpmn:sequenceFlow>"""


CONDITION = "<bpmn:conditionExpression>{}</bpmn:conditionExpression>"


def gateway(default: str = "", cond_a: str = "x == 1", cond_b: str = "x == 2") -> bytes:
    return diagram(
        GATEWAY.format(
            default=f' default="{default}"' if default else "",
            cond_a=CONDITION.format(cond_a) if cond_a else "",
            cond_b=CONDITION.format(cond_b) if cond_b else "",
        )
    )


SUBPROCESS = """<bpmn:startEvent id="start" />
<bpmn:subProcess id="sub" name="Inner"{attributes}>
{starts}<bpmn:endEvent id="sub_end" name="Inner done" />
<bpmn:sequenceFlow id="sf1" sourceRef="sub_start" targetRef="sub_end" />
</bpmn:subProcess>
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
<bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="end" />"""


def subprocess_diagram(starts: int, attributes: str = "") -> bytes:
    lines = "".join(f'<bpmn:startEvent id="sub_start{"" if i == 0 else i}" />\n' for i in range(starts))
    return diagram(SUBPROCESS.format(starts=lines, attributes=attributes))
