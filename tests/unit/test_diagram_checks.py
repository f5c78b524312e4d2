"""The checks an uploaded diagram goes through before the engine reads it (app/engine/checks):
safe reading, the process the file holds to run, another engine's dialect, unresolved references
and modelling mistakes. No database: each test hands small inline BPMN to the checks directly.

Each rule is shown twice where it can be: the faulty diagram gives the reason, pinned to the
element (id and line), and the same diagram with the fault repaired does not give it.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from lxml import etree

from app.engine.checks import Problem, StaticResult, Unreadable, read_xml, static_checks
from app.engine.checks import reading as reading_module
from app.engine.checks.problems import ElementIndex, describe
from app.engine.checks.structure import main_process, modelling_problems
from app.engine.errors import scrub
from app.engine.isolated import plain_engine_message

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


# -- a clean diagram -----------------------------------------------------------------------------


def test_a_clean_small_executable_diagram_has_no_problems() -> None:
    result = run(diagram())
    assert result.problems == []
    assert result.process_id == "p"
    assert result.root is not None and result.index is not None


def test_a_clean_diagram_with_a_gateway_default_and_conditions_has_no_problems() -> None:
    body = """<bpmn:startEvent id="start" />
<bpmn:userTask id="work" name="Do the work" />
<bpmn:exclusiveGateway id="gw" name="Decide" default="f_no" />
<bpmn:endEvent id="end_yes" name="Yes" />
<bpmn:endEvent id="end_no" name="No" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw" />
<bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end_yes"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">answer == 'yes'</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_no" />"""  # noqa: E501
    assert problems(diagram(body)) == []


# -- safe reading --------------------------------------------------------------------------------


def _xxe(target: Path) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{target}">]>\n'
        f'<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="x">\n'
        '<bpmn:process id="p" name="P" isExecutable="true">'
        "<bpmn:documentation>&e;</bpmn:documentation></bpmn:process>\n"
        "</bpmn:definitions>\n"
    ).encode()


def _atime_is_kept(folder: Path) -> bool:
    """Whether reading a file on this file system moves its access time (so a read can be seen)."""
    probe = folder / "probe.txt"
    probe.write_text("probe")
    os.utime(probe, (1_000_000_000, 1_000_000_000))
    probe.read_text()
    return probe.stat().st_atime != 1_000_000_000


def _secret(folder: Path) -> Path:
    secret = folder / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    os.utime(secret, (1_000_000_000, 1_000_000_000))
    return secret


def test_the_xxe_probe_would_see_a_file_being_read(tmp_path: Path) -> None:
    """The probe the next test relies on: a parser that does resolve entities reads the file,
    and both the content and the access time show it."""
    if not _atime_is_kept(tmp_path):
        pytest.skip("this file system does not record access times")
    secret = _secret(tmp_path)
    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    root = etree.fromstring(_xxe(secret), unsafe)
    assert "TOP-SECRET-CONTENT" in etree.tostring(root).decode()
    assert secret.stat().st_atime != 1_000_000_000


def test_an_xxe_attempt_is_refused_as_a_doctype_and_never_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = _secret(tmp_path)
    xml = _xxe(secret)
    parsed: list[object] = []
    real_fromstring = reading_module.etree.fromstring

    def spy(*args: object, **kwargs: object) -> object:
        parsed.append(args)
        return real_fromstring(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reading_module.etree, "fromstring", spy)
    with pytest.raises(Unreadable) as refused:
        read_xml(xml, FILENAME, LIMIT)
    problem = refused.value.problem
    assert problem.reason == "doctype"
    assert problem.line == 2
    assert "DOCTYPE" in problem.message
    assert "TOP-SECRET-CONTENT" not in problem.message
    assert parsed == []  # refused before any XML parser saw the file
    if _atime_is_kept(tmp_path):
        assert secret.stat().st_atime == 1_000_000_000  # the file was not opened to be read

    result = run(xml)
    assert [(p.reason, p.line) for p in result.problems] == [("doctype", 2)]
    assert result.root is None and result.process_id == ""


def test_the_reading_parser_would_not_expand_an_entity_even_past_the_doctype_refusal(tmp_path: Path) -> None:
    """Defence in depth: the parser read_xml uses resolves no entity, loads no DTD, reaches no network."""
    secret = _secret(tmp_path)
    root = etree.fromstring(_xxe(secret), reading_module._parser())
    assert "TOP-SECRET-CONTENT" not in etree.tostring(root).decode()
    if _atime_is_kept(tmp_path):
        assert secret.stat().st_atime == 1_000_000_000


def test_a_lowercase_doctype_is_refused_too() -> None:
    xml = diagram().replace(b"<bpmn:definitions", b"<!doctype bpmn:definitions>\n<bpmn:definitions", 1)
    [problem] = problems(xml)
    assert (problem.reason, problem.line) == ("doctype", 2)


def test_a_billion_laughs_file_is_refused_as_a_doctype_at_once() -> None:
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!DOCTYPE lolz [\n" + "\n".join(levels) + "\n]>\n"
        f'<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="x">\n'
        '<bpmn:process id="p" name="&lol9;" isExecutable="true" />\n'
        "</bpmn:definitions>\n"
    ).encode()
    began = time.perf_counter()
    result = run(xml)
    assert time.perf_counter() - began < 1
    assert [(p.reason, p.line) for p in result.problems] == [("doctype", 2)]
    assert "lol" not in result.problems[0].message


def test_a_latin_1_file_is_refused_as_not_utf8_at_the_line_of_the_character() -> None:
    xml = diagram().decode().replace('name="Do the work"', 'name="Réunion"').encode("latin-1")
    [problem] = problems(xml)
    assert problem.reason == "not_utf8"
    assert problem.line == line_of(xml, 'id="work"')
    assert f"line {problem.line}" in problem.message
    assert "UTF-8" in problem.message
    # The same text in UTF-8 is read.
    assert problems(diagram().decode().replace('name="Do the work"', 'name="Réunion"').encode()) == []


def test_a_file_over_the_limit_is_refused_as_too_large_and_one_at_the_limit_is_read() -> None:
    xml = diagram()
    with pytest.raises(Unreadable) as refused:
        read_xml(xml, FILENAME, len(xml) - 1)
    assert refused.value.problem.reason == "too_large"
    assert "MB" in refused.value.problem.message
    assert refused.value.problem.file == FILENAME
    assert read_xml(xml, FILENAME, len(xml)).get("id") == "defs"
    assert [p.reason for p in run(xml, max_bytes=len(xml) - 1).problems] == ["too_large"]


def test_a_file_over_the_limit_is_refused_before_it_is_decoded() -> None:
    # Latin-1 and a DOCTYPE as well: size is said first, whatever else is wrong.
    xml = b'<!DOCTYPE x>\n<x name="\xe9">' + b" " * 100 + b"</x>"
    with pytest.raises(Unreadable) as refused:
        read_xml(xml, FILENAME, 50)
    assert refused.value.problem.reason == "too_large"


def test_malformed_xml_is_refused_as_not_xml_with_its_line() -> None:
    xml = diagram().replace(
        b'<bpmn:userTask id="work" name="Do the work" />', b'<bpmn:userTask id=work name="x" />'
    )
    [problem] = problems(xml)
    assert problem.reason == "not_xml"
    assert problem.line == line_of(xml, "id=work")
    assert "well-formed" in problem.message


def test_an_unclosed_element_is_refused_as_not_xml() -> None:
    xml = diagram().replace(b"</bpmn:process>\n", b"")
    [problem] = problems(xml)
    assert problem.reason == "not_xml"
    assert problem.line is not None and problem.line >= line_of(xml, "</bpmn:definitions>") - 1


def test_an_empty_file_is_refused_as_empty() -> None:
    [problem] = problems(b"  \n ")
    assert problem.reason == "empty"


def test_a_file_with_a_utf8_byte_order_mark_is_read() -> None:
    xml = b"\xef\xbb\xbf" + diagram().decode().replace("Do the work", "Réunion").encode()
    assert read_xml(xml, FILENAME, LIMIT).get("id") == "defs"
    result = run(xml)
    assert result.problems == []
    assert result.process_id == "p"


def test_decision_tables_are_read_as_safely_as_the_diagram() -> None:
    dmn = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "x">]>\n<definitions />'
    [problem] = with_reason(problems(diagram(), dmn), "doctype")
    assert problem.file == "t.dmn"
    assert "DOCTYPE" in problem.message
    assert problem.line == 2


def test_an_oversized_decision_table_names_it() -> None:
    xml = diagram()
    dmn = b"<definitions>" + b" " * len(xml) + b"</definitions>"
    result = static_checks(xml, FILENAME, dmn, len(xml))
    [problem] = result.problems
    assert (problem.reason, problem.file) == ("too_large", "t.dmn")
    assert "decision table" in problem.message


# -- the process the file holds to run -----------------------------------------------------------


def test_xml_that_is_not_bpmn_is_refused_as_not_bpmn() -> None:
    [problem] = problems(b'<?xml version="1.0"?>\n<html><body /></html>')
    assert problem.reason == "not_bpmn"
    assert "definitions" in problem.message


def test_a_file_of_only_a_collaboration_is_refused_as_no_process() -> None:
    xml = (
        f'<bpmn:definitions {NAMESPACES} id="defs" targetNamespace="x">\n'
        '<bpmn:collaboration id="c"><bpmn:participant id="pool" name="Pool" /></bpmn:collaboration>\n'
        "</bpmn:definitions>"
    ).encode()
    [problem] = problems(xml)
    assert problem.reason == "no_process"


def test_a_process_not_marked_executable_is_refused_pinned_to_the_process() -> None:
    xml = diagram(executable="false")
    [problem] = problems(xml)
    assert problem.reason == "not_executable"
    assert_pinned(problem, xml, "p")
    assert 'isExecutable="true"' in problem.message
    assert run(xml).process_id == ""


def test_main_process_returns_the_one_executable_process() -> None:
    root = etree.fromstring(diagram())
    process, found = main_process(root, ElementIndex(root, FILENAME))
    assert found == []
    assert process is not None and process.get("id") == "p"


SECOND = """<bpmn:process id="q" name="Q" isExecutable="true">
<bpmn:startEvent id="q_start" />
<bpmn:endEvent id="q_end" name="Q done" />
<bpmn:sequenceFlow id="q_f1" sourceRef="q_start" targetRef="q_end" />
</bpmn:process>"""


def test_two_main_executable_processes_are_refused_naming_both() -> None:
    xml = diagram(after=SECOND)
    [problem] = problems(xml)
    assert problem.reason == "several_processes"
    assert_pinned(problem, xml, "p")
    assert "p, q" in problem.message


def test_a_second_process_is_allowed_when_it_is_called_or_not_executable() -> None:
    called = diagram(
        """<bpmn:startEvent id="start" />
<bpmn:callActivity id="call" name="Call Q" calledElement="q" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />""",
        after=SECOND,
    )
    result = run(called)
    assert result.problems == []
    assert result.process_id == "p"
    assert problems(diagram(after=SECOND.replace('isExecutable="true"', 'isExecutable="false"'))) == []


def test_a_called_process_is_checked_too() -> None:
    xml = diagram(
        """<bpmn:startEvent id="start" />
<bpmn:callActivity id="call" name="Call Q" calledElement="q" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />""",
        after=SECOND.replace('<bpmn:endEvent id="q_end" name="Q done" />', '<bpmn:endEvent id="q_end" />'),
    )
    problem = the_one(xml, "unnamed_end")
    assert_pinned(problem, xml, "q_end", "warning")


# -- modelling mistakes ---------------------------------------------------------------------------


def test_a_task_without_an_outgoing_flow_is_a_dead_end() -> None:
    body = CLEAN_BODY.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />',
        '<bpmn:sequenceFlow id="f2" sourceRef="start" targetRef="end" />\n'
        '<bpmn:userTask id="stuck" name="Stuck" />\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="start" targetRef="stuck" />',
    )
    xml = diagram(body)
    found = with_reason(problems(xml), "dead_end")
    assert sorted(p.element_id for p in found) == ["stuck", "work"]
    for problem in found:
        assert_pinned(problem, xml, problem.element_id)
        assert "outgoing" in problem.message
    assert "'Stuck' (stuck)" in next(p.message for p in found if p.element_id == "stuck")
    assert with_reason(problems(diagram()), "dead_end") == []


def test_two_unconditioned_flows_out_of_a_task_are_an_implicit_split() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:endEvent id="end2" name="Also done" />
<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2" />"""
    )
    xml = diagram(body)
    problem = the_one(xml, "implicit_split")
    assert_pinned(problem, xml, "work")
    assert "2 outgoing" in problem.message and "gateway" in problem.message
    conditioned = body.replace(
        '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2" />',
        '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end2">'
        "<bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
    assert with_reason(problems(diagram(conditioned)), "implicit_split") == []


def test_a_step_no_path_leads_to_is_unreachable() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:userTask id="orphan" name="Forgotten" />
<bpmn:sequenceFlow id="f3" sourceRef="orphan" targetRef="end" />"""
    )
    xml = diagram(body)
    problem = the_one(xml, "unreachable")
    assert_pinned(problem, xml, "orphan")
    assert "cannot be reached" in problem.message
    connected = body.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />',
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="orphan" />',
    )
    assert problems(diagram(connected)) == []


def test_a_boundary_event_is_reached_with_its_activity() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:boundaryEvent id="late" attachedToRef="work">
<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>
<bpmn:endEvent id="end_late" name="Late" />
<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end_late" />"""
    )
    assert problems(diagram(body)) == []


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


def test_an_exclusive_gateway_without_a_default_is_a_warning_only() -> None:
    xml = gateway()
    found = problems(xml)
    [problem] = found
    assert problem.reason == "gateway_default"
    assert_pinned(problem, xml, "gw", "warning")
    assert "default" in problem.message
    assert problems(gateway(default="f_b")) == []


def test_an_inclusive_gateway_without_a_default_is_warned_of_too() -> None:
    xml = gateway().replace(b"exclusiveGateway", b"inclusiveGateway")
    assert [p.reason for p in problems(xml)] == ["gateway_default"]


def test_a_flow_out_of_a_gateway_without_a_condition_that_is_not_the_default() -> None:
    xml = gateway(default="f_a", cond_a="", cond_b="")
    problem = the_one(xml, "flow_condition")
    assert_pinned(problem, xml, "f_b")
    assert "(gw)" in problem.message and "condition" in problem.message
    assert with_reason(problems(gateway(default="f_a", cond_a="", cond_b="x > 1")), "flow_condition") == []


def test_both_unconditioned_flows_of_a_gateway_without_a_default_are_named() -> None:
    xml = gateway(cond_a="", cond_b="")
    found = problems(xml)
    assert sorted(p.element_id for p in with_reason(found, "flow_condition")) == ["f_a", "f_b"]
    assert [p.element_id for p in with_reason(found, "gateway_default")] == ["gw"]


def test_a_process_without_a_start_event_is_refused() -> None:
    body = """<bpmn:userTask id="work" name="Do the work" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />"""
    xml = diagram(body)
    [problem] = problems(xml)  # nothing is called unreachable when there is no start
    assert problem.reason == "no_start"
    assert_pinned(problem, xml, "p")
    assert "start event" in problem.message


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


@pytest.mark.parametrize(("starts", "said"), [(0, "no start events"), (2, "2 start events")])
def test_a_sub_process_needs_exactly_one_start_event(starts: int, said: str) -> None:
    xml = subprocess_diagram(starts)
    problem = the_one(xml, "subprocess_start")
    assert_pinned(problem, xml, "sub")
    assert said in problem.message
    assert with_reason(problems(subprocess_diagram(1)), "subprocess_start") == []


def test_an_event_sub_process_is_not_asked_for_one_start_event() -> None:
    body = (
        CLEAN_BODY
        + """
<bpmn:subProcess id="evsub" name="On cancel" triggeredByEvent="true">
<bpmn:endEvent id="evsub_end" name="Cancelled" />
</bpmn:subProcess>"""
    )
    found = problems(diagram(body))
    assert with_reason(found, "subprocess_start") == []
    assert with_reason(found, "unreachable") == []


def test_an_end_event_without_a_name_is_a_warning() -> None:
    xml = diagram(CLEAN_BODY.replace('<bpmn:endEvent id="end" name="Done" />', '<bpmn:endEvent id="end" />'))
    [problem] = problems(xml)
    assert problem.reason == "unnamed_end"
    assert_pinned(problem, xml, "end", "warning")


def test_modelling_problems_finds_every_instance_in_one_pass() -> None:
    body = """<bpmn:startEvent id="start" />
<bpmn:userTask id="a" name="A" />
<bpmn:userTask id="b" name="B" />
<bpmn:endEvent id="e1" />
<bpmn:endEvent id="e2" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a" />
<bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e1" />
<bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="e2" />"""
    root = etree.fromstring(diagram(body))
    index = ElementIndex(root, FILENAME)
    process, _ = main_process(root, index)
    assert process is not None
    found = {(p.reason, p.element_id) for p in modelling_problems(process, index)}
    assert found == {
        ("unnamed_end", "e1"),
        ("unnamed_end", "e2"),
        ("unreachable", "b"),
        ("unreachable", "e2"),
    }


# -- another engine's dialect ---------------------------------------------------------------------


def flow_condition(text: str, language: str = "") -> bytes:
    lang = f' language="{language}"' if language else ""
    return gateway(default="f_b", cond_a="").replace(
        b'<bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end_a">',
        f'<bpmn:sequenceFlow id="f_a" sourceRef="gw" targetRef="end_a">'
        f"<bpmn:conditionExpression{lang}>{text}</bpmn:conditionExpression>".encode(),
    )


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


def timer(expression: str, kind: str = "timeDuration") -> bytes:
    return diagram(
        CLEAN_BODY
        + f"""
<bpmn:boundaryEvent id="deadline" name="Deadline" attachedToRef="work"><bpmn:timerEventDefinition><bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:endEvent id="end_late" name="Late" />
<bpmn:sequenceFlow id="f3" sourceRef="deadline" targetRef="end_late" />"""  # noqa: E501
    )


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


def script(script_format: str) -> bytes:
    attribute = f' scriptFormat="{script_format}"' if script_format else ""
    return diagram(
        CLEAN_BODY.replace(
            '<bpmn:userTask id="work" name="Do the work" />',
            f'<bpmn:scriptTask id="work" name="Work it out"{attribute}><bpmn:script>x = 1</bpmn:script>'
            "</bpmn:scriptTask>",
        )
    )


@pytest.mark.parametrize("script_format", ["javascript", "groovy", "JavaScript"])
def test_a_script_in_another_language_is_refused(script_format: str) -> None:
    xml = script(script_format)
    problem = the_one(xml, "foreign_script")
    assert_pinned(problem, xml, "work")
    assert script_format.lower() in problem.message and "Python" in problem.message


@pytest.mark.parametrize("script_format", ["", "python", "text/x-python", "Python"])
def test_a_python_script_is_accepted(script_format: str) -> None:
    assert problems(script(script_format)) == []


def task(element: str) -> bytes:
    """CLEAN_BODY with `work` replaced by the one-line `element` (which must have id="work")."""
    return diagram(CLEAN_BODY.replace('<bpmn:userTask id="work" name="Do the work" />', element))


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


# -- references ------------------------------------------------------------------------------------


def message_diagram(message: str, ref: str) -> bytes:
    return diagram(
        CLEAN_BODY.replace(
            '<bpmn:endEvent id="end" name="Done" />',
            '<bpmn:endEvent id="end" name="Done">'
            f'<bpmn:messageEventDefinition id="md" {ref} /></bpmn:endEvent>',
        ),
        before=message,
    )


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
