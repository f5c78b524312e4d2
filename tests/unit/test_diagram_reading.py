"""Reading an uploaded diagram safely: a clean diagram passes; size, encoding, DOCTYPE (XXE,
billion laughs), malformed XML and decision tables are refused with their reason and line."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from lxml import etree

from app.engine.checks import Unreadable, read_xml, static_checks
from app.engine.checks import reading as reading_module
from tests.unit.diagram_snippets import (
    FILENAME,
    LIMIT,
    NAMESPACES,
    diagram,
    line_of,
    problems,
    run,
    with_reason,
)

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
