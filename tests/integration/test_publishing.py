"""Publishing (issue 8, items 8 and 14): every expression compiles before a diagram is used, and
publishing a file is exact: its content becomes the current version, whatever was current before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from flask import Flask
from sqlalchemy import delete, select

from app.engine import Engine, InvalidDiagram, parse_diagram
from app.engine.expressions import diagram_expressions, expression_problems
from app.extensions import db
from app.models import AuditEvent, ProcessVersion
from app.workflow.helpers import diagram_helpers
from app.workflow.library import ProcessLibrary, current_version, publish_shipped
from tests.fixtures.diagrams import due_step, hand_off_sender, script_step, stepped, timer_step, two_step
from tests.fixtures.forms import write_test_forms

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def library_of(folder: Path, *files: tuple[str, bytes]) -> ProcessLibrary:
    for name, content in files:
        (folder / name).write_bytes(content)
        write_test_forms(folder, content)
    library = ProcessLibrary(folder, Engine(diagram_helpers()), folder)
    library.load_shipped()
    return library


def problems_of(tmp_path: Path, xml: bytes, dmn: bytes = b"") -> list[str]:
    (tmp_path / "broken.bpmn").write_bytes(xml)
    write_test_forms(tmp_path, xml)
    if dmn:
        (tmp_path / "broken.dmn").write_bytes(dmn)
    with pytest.raises(InvalidDiagram) as caught:
        ProcessLibrary(tmp_path, Engine(diagram_helpers()), tmp_path).load_shipped()
    for problem in caught.value.problems:
        assert "<Element" not in problem and "Traceback" not in problem and " at 0x" not in problem
    return caught.value.problems


# -- every expression compiles before the diagram is used -------------------------------------

LOOPING = two_step().replace(
    b'<bpmn:userTask id="second" name="Second step">',
    b'<bpmn:userTask id="second" name="Second step"><bpmn:standardLoopCharacteristics>'
    b'<bpmn:loopCondition xsi:type="bpmn:tFormalExpression">note ==</bpmn:loopCondition>'
    b"</bpmn:standardLoopCharacteristics>",
)

RULE_TASK = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="x">
  <bpmn:process id="broken_table" name="Broken table" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:businessRuleTask id="decide_tier" name="Work out the attendance tier">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>attendance_tier</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide_tier" />
    <bpmn:sequenceFlow id="f2" sourceRef="decide_tier" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize(
    ("xml", "dmn", "expected"),
    [
        (
            two_step(condition="note ==").replace(b'id="f_go"', b'id="f_go" name="Persistently absent"'),
            b"",
            "broken.bpmn: The condition on the flow 'Persistently absent' (f_go) does not compile: Line 1: ",
        ),
        (
            two_step(condition="__import__('os').getpid() > 0"),
            b"",
            "The condition on the flow f_go does not compile",
        ),
        (stepped(script_step("total = (")), b"", "The script of 'Work it out' (step) does not compile"),
        (
            stepped(script_step("try:\n    x = 1\nexcept Exception:\n    x = 2")),
            b"",
            "The script of 'Work it out' (step) does not compile: Line 1: Diagrams cannot use try/except",
        ),
        (
            stepped(due_step("add_days(today(), 1")),
            b"",
            "The due date of 'Then this' (step) does not compile",
        ),
        (stepped(timer_step("'a' *")), b"", "The timer of 'Wait for the date' (step) does not compile"),
        (
            hand_off_sender(payload=escape('{"reason": }')),
            b"",
            "The payload of 'Handed on' (end) does not compile",
        ),
        (LOOPING, b"", "The loop condition of 'Second step' (second) does not compile"),
        (
            RULE_TASK,
            (PROCESSES / "attendance_support.dmn").read_bytes().replace(b"&lt;= 90.0", b"&lt;= 90.0.0"),
            "The test of 'Attendance (%)' in rule 2 (Rule_persistently_absent) of the decision table "
            "called by 'Work out the attendance tier' (decide_tier) does not compile",
        ),
    ],
    ids=["flow", "dunder", "script", "try", "due", "timer", "payload", "loop", "decision"],
)
def test_start_up_refuses_a_diagram_whose_expression_does_not_compile_naming_the_element(
    tmp_path: Path, xml: bytes, dmn: bytes, expected: str
) -> None:
    problems = problems_of(tmp_path, xml, dmn)
    assert any(expected in problem for problem in problems), problems


def test_every_shipped_expression_compiles(app: Flask) -> None:
    found = 0
    for path in sorted(PROCESSES.glob("*.bpmn")):
        dmn_path = path.with_suffix(".dmn")
        dmn = dmn_path.read_bytes() if dmn_path.exists() else b""
        diagram = parse_diagram(path.read_bytes(), path.name, dmn=dmn)
        assert expression_problems(path.read_bytes(), diagram, path.name) == []
        found += len(diagram_expressions(path.read_bytes(), diagram))
    assert found > 200  # conditions, scripts, due dates, timers, payloads, the decision table


def test_a_parse_error_names_the_element_and_its_line(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, two_step().replace(b' default="f_other"', b""))
    assert re.fullmatch(
        r"broken\.bpmn: Non-default exclusive outgoing sequence flow without condition, "
        r"at the sequence flow f_other on line \d+",
        problem,
    ), problem


def test_a_command_refuses_to_start_with_the_problems_listed_not_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "procs").mkdir()
    (tmp_path / "procs" / "t.bpmn").write_bytes(two_step(condition="note =!= 1"))
    result = subprocess.run(  # noqa: S603 - a fixed command line, as a person would type it
        [sys.executable, "-m", "flask", "--app", "wsgi", "processes", "publish"],
        capture_output=True,
        text=True,
        cwd=PROCESSES.parent,
        env={
            "PATH": "/usr/bin:/bin",
            "CASEWORK_PROCESSES_DIR": str(tmp_path / "procs"),
            "CASEWORK_INSTANCE_DIR": str(tmp_path),
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot be used, so the app will not start" in result.stderr
    assert "t.bpmn: The condition on the flow f_go does not compile" in result.stderr


# -- publishing is exact ----------------------------------------------------------------------


def version_one() -> bytes:
    return two_step(process_id="publish_exact")


def version_two() -> bytes:
    return two_step(process_id="publish_exact").replace(
        b"Do the first thing well.", b"Do the first thing better."
    )


@pytest.fixture
def shipping(ctx: Flask, tmp_path: Path) -> Iterator[Path]:
    """The app's library pointed at a folder of our own, so a test can ship and reship files."""
    real = ctx.extensions["library"]
    yield tmp_path
    ctx.extensions["library"] = real
    db.session.rollback()
    db.session.execute(delete(ProcessVersion).where(ProcessVersion.process_id == "publish_exact"))
    db.session.commit()


def ship(ctx: Flask, folder: Path, xml: bytes) -> str:
    """Put `xml` in the folder, start the library on it, run `flask processes publish`."""
    ctx.extensions["library"] = library_of(folder, ("publish_exact.bpmn", xml))
    result = ctx.test_cli_runner().invoke(args=["processes", "publish"])
    assert result.exit_code == 0, result.output
    return result.output


def versions() -> list[tuple[int, bool]]:
    db.session.expire_all()
    return [
        (v.number, v.is_current)
        for v in db.session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_id == "publish_exact")
            .order_by(ProcessVersion.number)
        )
    ]


def test_publishing_an_earlier_content_again_makes_that_version_current(ctx: Flask, shipping: Path) -> None:
    assert ship(ctx, shipping, version_one()) == "Published Two step version 1\n"
    assert ship(ctx, shipping, version_two()) == "Published Two step version 2\n"
    assert versions() == [(1, False), (2, True)]

    output = ship(ctx, shipping, version_one())

    assert output == "Restored Two step version 1 as the current version\n"
    assert versions() == [(1, True), (2, False)]
    assert current_version("publish_exact").number == 1  # new cases start on it
    assert ship(ctx, shipping, version_one()) == "Every process is up to date\n"
    assert ship(ctx, shipping, version_two()) == "Restored Two step version 2 as the current version\n"
    assert versions() == [(1, False), (2, True)]
    trail = db.session.execute(
        select(AuditEvent.action, AuditEvent.detail)
        .where(AuditEvent.detail.like("Two step version %"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in trail] == [
        ("process.published", "Two step version 1"),
        ("process.published", "Two step version 2"),
        ("process.restored", "Two step version 1"),
        ("process.restored", "Two step version 2"),
    ]


def test_a_version_that_is_current_alongside_another_is_made_the_only_current_one(
    ctx: Flask, shipping: Path
) -> None:
    ship(ctx, shipping, version_one())
    ship(ctx, shipping, version_two())
    first = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == "publish_exact", ProcessVersion.number == 1)
    )
    first.is_current = True  # two current versions: never "up to date" while another stays current
    db.session.commit()
    assert ship(ctx, shipping, version_two()) == "Restored Two step version 2 as the current version\n"
    assert versions() == [(1, False), (2, True)]
    assert [p.version.number for p in publish_shipped()] == []
