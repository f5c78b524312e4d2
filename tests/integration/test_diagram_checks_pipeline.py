"""The one pipeline a process owner's bundle goes through (app/processes/checks.check): the XML
checks, the engine's reading in a worker under a time limit, and the product's rules (forms,
lanes, named Python, expressions). Each test changes one thing in a shipped bundle, or a small
test diagram, and looks for the reason and the element it is pinned to."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.config import ROOT
from app.demo.people import create_team
from app.engine import isolated
from app.processes.checks import Bundle, Checked, check
from app.processes.publishing import publish
from tests.fixtures.diagrams import hand_off_receiver, hand_off_sender, script_step, stepped
from tests.fixtures.forms import fixture_forms_json

REFERRAL_BPMN = ROOT / "processes" / "referral_to_early_help.bpmn"
REFERRAL_FORMS = ROOT / "forms" / "referral_to_early_help.json"
PROBES = Path("/work/shared/bpmn-corpus/probes")
UNCLEAR = re.compile(r"<Element|0x[0-9a-f]|Traceback|\{http")


def referral(bpmn: bytes | None = None, forms: str | None = None) -> Bundle:
    return Bundle(
        REFERRAL_BPMN.name,
        REFERRAL_BPMN.read_bytes() if bpmn is None else bpmn,
        b"",
        REFERRAL_FORMS.read_text(encoding="utf-8") if forms is None else forms,
    )


def line_of(xml: bytes, marker: str) -> int:
    return xml[: xml.index(marker.encode())].count(b"\n") + 1


def with_reason(checked: Checked, reason: str) -> list:
    return [p for p in checked.problems if p.reason == reason]


def assert_plain(checked: Checked) -> None:
    for problem in checked.problems:
        assert problem.reason and problem.message.strip(), problem
        assert not UNCLEAR.search(problem.message), problem.message


def test_a_shipped_bundle_is_publishable(ctx: Flask) -> None:
    checked = check(referral())
    assert checked.errors == [], checked.errors
    assert checked.publishable
    assert checked.process_id == "referral_to_early_help"
    assert checked.diagram is not None and checked.diagram.process_id == "referral_to_early_help"
    assert checked.forms is not None and "referral.triage" in checked.forms.forms


def _without_form_key(xml: bytes, task_id: str) -> bytes:
    pattern = (
        rb'(<bpmn:userTask id="' + task_id.encode() + rb'".*?)<spiffworkflow:property name="formKey"[^>]*/>'
    )
    changed, count = re.subn(pattern, rb"\1", xml, count=1, flags=re.S)
    assert count == 1
    return changed


def test_a_user_task_without_a_form_key_is_refused_pinned_to_the_task(ctx: Flask) -> None:
    xml = _without_form_key(REFERRAL_BPMN.read_bytes(), "triage")
    checked = check(referral(xml))
    assert not checked.publishable
    [problem] = checked.errors
    assert problem.reason == "no_form"
    assert problem.element_id == "triage"
    assert problem.line == line_of(xml, 'id="triage"')
    assert "formKey" in problem.message
    assert_plain(checked)


def test_a_user_task_naming_a_form_the_bundle_lacks_is_refused(ctx: Flask) -> None:
    xml = REFERRAL_BPMN.read_bytes().replace(b'value="referral.consent"', b'value="referral.nothing"')
    [problem] = check(referral(xml)).errors
    assert (problem.reason, problem.element_id) == ("no_form", "seek_consent")
    assert "'referral.nothing'" in problem.message


def test_a_lane_with_no_team_is_refused_pinned_to_the_lane(ctx: Flask) -> None:
    xml = REFERRAL_BPMN.read_bytes().replace(b'name="Early Help"', b'name="Family Hub"')
    checked = check(referral(xml))
    [problem] = checked.errors
    assert problem.reason == "lane_team"
    assert problem.element_id == "Lane_early_help"
    assert problem.line == line_of(xml, 'id="Lane_early_help"')
    assert "'Family Hub'" in problem.message and "team" in problem.message
    # A team for the lane is all it needs.
    create_team("Family Hub", "Family Hub", "Test team")
    assert check(referral(xml)).publishable


def test_forms_naming_an_unknown_rule_are_refused_as_named_python(ctx: Flask) -> None:
    forms = json.loads(REFERRAL_FORMS.read_text(encoding="utf-8"))
    form = next(f for f in forms["forms"] if f["id"] == "referral.triage")
    field = form["components"][0]
    field.setdefault("properties", {})["rules"] = "no_such.rule"
    checked = check(referral(forms=json.dumps(forms)))
    assert not checked.publishable
    [problem] = checked.errors
    assert problem.reason == "named_python"
    assert "'no_such.rule'" in problem.message
    assert "'referral.triage'" in problem.message and f"'{field['key']}'" in problem.message


def test_a_named_python_problem_about_a_form_names_the_forms_file(ctx: Flask) -> None:
    forms = json.loads(REFERRAL_FORMS.read_text(encoding="utf-8"))
    forms["forms"][0]["components"][0].setdefault("properties", {})["rules"] = "no_such.rule"
    [problem] = check(referral(forms=json.dumps(forms))).errors
    # Problem's contract: "`message` is a sentence without the file's name"; the file is said apart.
    assert ".json" not in problem.message
    assert problem.file.endswith(".json")


def test_a_script_that_imports_is_refused_as_an_expression_problem(ctx: Flask) -> None:
    xml = stepped(script_step("import os"))
    checked = check(Bundle("stepped.bpmn", xml, b"", fixture_forms_json("stepped")))
    [problem] = checked.errors
    assert problem.reason == "expression"
    assert problem.element_id == "step"
    assert problem.line == line_of(xml, 'id="step"')
    assert "import" in problem.message and "does not compile" in problem.message
    # The same diagram with a plain calculation is publishable.
    fine = check(Bundle("stepped.bpmn", stepped(script_step("x = 1")), b"", fixture_forms_json("stepped")))
    assert fine.publishable, fine.problems


def test_forms_for_another_process_are_refused(ctx: Flask) -> None:
    checked = check(referral(forms=fixture_forms_json("some_other_process")))
    assert [p.reason for p in checked.errors] == ["forms"]
    assert "'some_other_process'" in checked.errors[0].message


def test_a_static_error_stops_the_pipeline_before_the_engine(ctx: Flask, monkeypatch) -> None:
    def engine_must_not_run(*_args: object, **_kwargs: object) -> list:
        raise AssertionError("the engine was asked to read a diagram the XML checks refused")

    monkeypatch.setattr("app.workflow.validation.parse_in_worker", engine_must_not_run)
    xml = REFERRAL_BPMN.read_bytes().replace(b'isExecutable="true"', b'isExecutable="false"')
    checked = check(referral(xml))
    assert [p.reason for p in checked.errors] == ["not_executable"]
    assert checked.diagram is None and not checked.publishable


# -- hand-offs: a message starts exactly one process ----------------------------------------------


def test_a_second_process_started_by_a_shipped_message_is_refused(ctx: Flask) -> None:
    xml = hand_off_receiver(message="early_help_referral", process_id="copycat")
    checked = check(Bundle("copycat.bpmn", xml, b"", fixture_forms_json("copycat")))
    [problem] = checked.errors
    assert problem.reason == "message_receiver"
    assert "'early_help_referral'" in problem.message and "Referral to Early Help" in problem.message
    fine = hand_off_receiver(message="copycat_message", process_id="copycat")
    assert check(Bundle("copycat.bpmn", fine, b"", fixture_forms_json("copycat"))).publishable


def test_a_message_no_process_starts_is_refused(ctx: Flask) -> None:
    xml = hand_off_sender(message="nobody_listens")
    [problem] = check(Bundle("sender.bpmn", xml, b"", fixture_forms_json("sender"))).errors
    assert problem.reason == "message_receiver"
    assert "'nobody_listens'" in problem.message and "no process starts with" in problem.message


def test_a_clashing_receiver_with_the_same_name_is_named(ctx: Flask, people: dict) -> None:
    first = check(
        Bundle(
            "first.bpmn",
            hand_off_receiver("shared_msg", process_id="first"),
            b"",
            fixture_forms_json("first"),
        )
    )
    publish(first, people["owner"], "First receiver")
    second = hand_off_receiver("shared_msg", process_id="second")  # also named 'Receiver'
    [problem] = check(Bundle("second.bpmn", second, b"", fixture_forms_json("second"))).errors
    assert problem.reason == "message_receiver"
    assert "already starts :" not in problem.message
    assert "already starts 'Receiver' (first)" in problem.message


# -- what the engine cannot run is refused at publishing, not when a case reaches it ------------

SPIFF_SERVICE_TASK = (
    '<bpmn:serviceTask id="step" name="Ask the council"><bpmn:extensionElements>'
    '<spiffworkflow:serviceTaskOperator id="http/GetRequest" /></bpmn:extensionElements></bpmn:serviceTask>'
)


def test_a_spiff_service_task_is_refused_as_the_product_has_no_connectors(ctx: Flask) -> None:
    xml = stepped(SPIFF_SERVICE_TASK, process_id="calls_out")
    checked = check(Bundle("calls_out.bpmn", xml, b"", fixture_forms_json("calls_out")))
    assert [(p.reason, p.element_id) for p in checked.errors] == [("connector", "step")]


COMPENSATION = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">
<bpmn:process id="booking" name="Booking" isExecutable="true">
<bpmn:startEvent id="start" />
<bpmn:manualTask id="work" name="Book the room" />
<bpmn:boundaryEvent id="undo" name="Undo" attachedToRef="work">
<bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
<bpmn:endEvent id="end" name="Booked" />
<bpmn:endEvent id="end_undone" name="Undone" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
<bpmn:sequenceFlow id="f3" sourceRef="undo" targetRef="end_undone" />
</bpmn:process>
</bpmn:definitions>"""


def test_a_construct_the_engine_does_not_support_is_refused_pinned_to_its_element(ctx: Flask) -> None:
    checked = check(Bundle("booking.bpmn", COMPENSATION))
    [problem] = checked.errors
    assert problem.reason == "unsupported_event"  # found in the XML, before the engine reads it
    assert problem.element_id == "undo"
    assert problem.line == line_of(COMPENSATION, 'id="undo"')


def test_a_construct_the_engine_does_not_support_is_said_in_words(ctx: Flask) -> None:
    [problem] = check(Bundle("booking.bpmn", COMPENSATION)).errors
    assert not re.search(r"\w+Error\(|%r", problem.message), problem.message


# -- the engine's reading, in a worker under a time limit ----------------------------------------


@pytest.fixture
def quick_parse(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """The parse time limit at 2 seconds (the settings are a frozen dataclass: replaced whole)."""
    seconds = 2.0
    settings = dataclasses.replace(app.extensions["settings"], diagram_parse_seconds=seconds)
    monkeypatch.setitem(app.extensions, "settings", settings)
    yield seconds


def test_a_diagram_the_engine_loops_on_is_stopped_and_the_worker_restarts(
    ctx: Flask, quick_parse: float
) -> None:
    probe = PROBES / "nested_data_object.bpmn"
    if not probe.is_file():
        pytest.skip(f"{probe} is not on this machine")
    assert check(referral()).publishable  # the worker is running, and warm
    worker_before = isolated._worker._process
    assert worker_before is not None

    began = time.perf_counter()
    checked = check(Bundle(probe.name, probe.read_bytes()))
    took = time.perf_counter() - began

    assert took < quick_parse + 25, f"{took:.1f} s"
    assert not checked.publishable and checked.diagram is None
    [problem] = checked.errors
    assert problem.reason == "parse_timeout"
    assert problem.file == probe.name
    assert f"{quick_parse:g} seconds" in problem.message and "data object" in problem.message
    assert_plain(checked)
    assert worker_before.poll() is not None  # the looping worker was killed

    after = check(referral())
    assert after.publishable, after.problems
    assert isolated._worker._process is not None and isolated._worker._process is not worker_before


def test_the_same_data_object_one_level_up_is_read_in_time(ctx: Flask, quick_parse: float) -> None:
    probe = PROBES / "one_level_data_object.bpmn"
    if not probe.is_file():
        pytest.skip(f"{probe} is not on this machine")
    checked = check(Bundle(probe.name, probe.read_bytes()))
    assert with_reason(checked, "parse_timeout") == []
    assert with_reason(checked, "engine_refused") == []


def test_a_stopped_worker_is_started_again_for_the_next_check(ctx: Flask) -> None:
    isolated.stop_worker()
    assert isolated._worker._process is None
    assert check(referral()).publishable
    assert isolated._worker._process is not None and isolated._worker._process.poll() is None
