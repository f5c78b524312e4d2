"""The attendance tier decision table (processes/attendance_support.dmn) agrees with the product.

The table is run by SpiffWorkflow as the product runs it: a business rule task in a tiny workflow,
its cells evaluated by the product's restricted script engine, with `setting` answering the at-risk
band. Every attendance from 0.0% to 100.0% in 0.1 steps must get the same tier as
app/timescales/attendance.py attendance_tier, at two band settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.engine import parse_diagram
from app.engine.scripting import RestrictedEnvironment
from app.timescales import attendance
from tests.unit.referral_support import ROOT

DMN_FILE = ROOT / "processes" / "attendance_support.dmn"
BPMN_FILE = ROOT / "processes" / "attendance_support.bpmn"
TIERS = {
    "Severely absent": 4,
    "Persistently absent": 3,
    "At risk of persistent absence": 2,
    "Attendance above the at-risk band": 1,
}
TINY = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="tiny" targetNamespace="x">
  <bpmn:process id="tier_only" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>to_rule</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="rule">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>attendance_tier</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>to_rule</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_rule" sourceRef="start" targetRef="rule" />
    <bpmn:sequenceFlow id="to_end" sourceRef="rule" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def table_runner(band: int) -> Callable[[float], dict[str, Any]]:
    """Run the decision table for one attendance percentage, with the at-risk band set to `band`."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TINY, filename="tiny.bpmn")
    parser.add_dmn_file(str(DMN_FILE))
    spec = parser.get_spec("tier_only")
    engine = PythonScriptEngine(
        environment=RestrictedEnvironment(
            {"setting": lambda name: {"at_risk_attendance_percent": band}[name]}
        )
    )

    def run(percent: float) -> dict[str, Any]:
        workflow = BpmnWorkflow(spec, script_engine=engine)
        workflow.get_tasks()[0].data["attendance_percent"] = percent
        workflow.do_engine_steps()
        assert workflow.is_completed()
        data = workflow.last_task.data
        return {"tier": data["tier"], "tier_label": data["tier_label"]}

    return run


@pytest.mark.parametrize("band", [95, 92])
def test_the_table_agrees_with_attendance_tier_for_every_tenth_of_a_percent(
    band: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attendance, "local_setting", lambda name: band)
    run = table_runner(band)
    disagree = []
    for tenths in range(0, 1001):
        percent = tenths / 10
        product = attendance.attendance_tier(percent)
        got = run(percent)
        if got != {"tier": TIERS[product], "tier_label": product}:
            disagree.append((percent, got, product))
    assert disagree == []


@pytest.mark.parametrize(
    ("band", "percent", "tier"),
    [
        (95, 0.0, 4),
        (95, 50.0, 4),  # missing 50% of sessions is severe absence
        (95, 50.1, 3),
        (95, 90.0, 3),  # missing 10% is persistent absence
        (95, 90.1, 2),
        (95, 95.0, 2),  # the band's top is inside the band
        (95, 95.1, 1),
        (92, 92.0, 2),
        (92, 92.1, 1),
        (100, 100.0, 2),
    ],
)
def test_the_boundaries(band: int, percent: float, tier: int) -> None:
    assert table_runner(band)(percent)["tier"] == tier


def test_an_attendance_given_as_text_or_a_whole_number_is_read_as_a_number() -> None:
    run = table_runner(95)
    assert run(90)["tier"] == 3
    assert run("93.5")["tier"] == 2  # type: ignore[arg-type]


def test_the_process_calls_the_table_beside_it() -> None:
    diagram = parse_diagram(BPMN_FILE.read_bytes(), BPMN_FILE.name, dmn=DMN_FILE.read_bytes())
    rule = diagram.spec.task_specs["decide_tier"]
    assert rule.dmnEngine.decision_table.hit_policy == "UNIQUE"
    assert diagram.start_message == "attendance_support_request"
    assert diagram.thrown_messages == {
        "early_help_referral",
        "cas_referral",
        "legal_planning_referral",
        "medical_needs_referral",
        "cme_notification",
    }
