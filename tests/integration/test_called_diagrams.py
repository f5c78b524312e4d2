"""A diagram whose call activity calls a process drawn in another file: the files are taken into
one version (page, command line), and a clash or an unreadable file changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessDraft
from app.processes.checks import Bundle, check
from app.workflow import Unreadable, with_called_diagrams
from tests.conftest import login

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="{defs}" targetNamespace="x">\n'
)
MAIN = (
    HEAD.format(defs="main_defs")
    + """<bpmn:process id="caller" name="Caller" isExecutable="true">
<bpmn:startEvent id="start" /><bpmn:callActivity id="call" name="Do the sub-process" calledElement="sub" />
<bpmn:endEvent id="end" name="Done" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
<bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
</bpmn:process></bpmn:definitions>"""
).encode()
SUB = (
    HEAD.format(defs="sub_defs")
    + """<bpmn:process id="sub" name="Sub-process" isExecutable="true">
<bpmn:startEvent id="sub_start" /><bpmn:scriptTask id="count" name="Count" scriptFormat="python">
<bpmn:script>counted = 1</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="sub_end" name="Counted" />
<bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="count" />
<bpmn:sequenceFlow id="s2" sourceRef="count" targetRef="sub_end" />
</bpmn:process></bpmn:definitions>"""
).encode()


def test_a_called_process_in_another_file_is_missing_until_its_file_comes_with_it(ctx) -> None:
    alone = check(Bundle("caller.bpmn", MAIN))
    assert [(p.reason, p.element_id) for p in alone.errors] == [("call_target", "call")]
    merged = with_called_diagrams(MAIN, "caller.bpmn", [("sub.bpmn", SUB)], 2_000_000)
    together = check(Bundle("caller.bpmn", merged))
    assert together.errors == []
    assert together.process_id == "caller"
    assert together.diagram is not None and "sub" in together.diagram.subprocess_specs


def test_an_id_in_both_files_or_an_unreadable_file_is_refused_by_name() -> None:
    clash = SUB.replace(b'id="count"', b'id="call"')
    try:
        with_called_diagrams(MAIN, "caller.bpmn", [("sub.bpmn", clash)], 2_000_000)
    except Unreadable as exc:
        assert (exc.problem.reason, exc.problem.file) == ("duplicate_id", "sub.bpmn")
        assert "'call'" in exc.problem.message
    else:
        raise AssertionError("a clash was merged")
    try:
        with_called_diagrams(MAIN, "caller.bpmn", [("sub.bpmn", b"<not xml")], 2_000_000)
    except Unreadable as exc:
        assert (exc.problem.reason, exc.problem.file) == ("not_xml", "sub.bpmn")
    else:
        raise AssertionError("an unreadable file was merged")


def test_the_upload_page_takes_the_called_diagrams_into_the_draft(client, people) -> None:
    login(client, "owner@example.org")
    drafts = select(func.count()).select_from(ProcessDraft)
    before = db.session.scalar(drafts)
    refused = client.post(
        "/processes/upload",
        data={"bpmn": (io.BytesIO(MAIN), "caller.bpmn"), "called": [(io.BytesIO(b"\xff<x"), "sub.bpmn")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "not UTF-8" in refused.get_data(as_text=True)
    assert db.session.scalar(drafts) == before
    answer = client.post(
        "/processes/upload",
        data={"bpmn": (io.BytesIO(MAIN), "caller.bpmn"), "called": [(io.BytesIO(SUB), "sub.bpmn")]},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    draft = db.session.scalars(select(ProcessDraft).order_by(ProcessDraft.id.desc())).first()
    assert draft is not None and 'id="sub"' in draft.bpmn_xml
    assert not draft.has_errors


def test_the_command_line_takes_called_diagrams_too(ctx, tmp_path: Path) -> None:
    (tmp_path / "caller.bpmn").write_bytes(MAIN)
    (tmp_path / "sub.bpmn").write_bytes(SUB)
    runner = ctx.test_cli_runner()
    alone = runner.invoke(args=["processes", "validate", str(tmp_path / "caller.bpmn")])
    assert alone.exit_code == 1
    together = runner.invoke(
        args=["processes", "validate", str(tmp_path / "caller.bpmn"), "--called", str(tmp_path / "sub.bpmn")]
    )
    assert together.exit_code == 0, together.output
    assert "ready to publish" in together.output
