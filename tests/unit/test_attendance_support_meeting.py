"""Attendance support: publishing checks where the family meeting effect is named.

The effect keeps the meeting a school holds with the family (early action, the attendance
meeting and meeting again); what it keeps is tested through the product in
tests/scenarios/test_attendance_support_plans.py.
"""

from __future__ import annotations

from app.engine import parse_diagram
from app.pathways.checks import pathway_problems
from tests.fixtures.forms import shipped_bundles
from tests.unit.referral_support import ROOT

BPMN = ROOT / "processes" / "attendance_support.bpmn"
DMN = ROOT / "processes" / "attendance_support.dmn"
PLAN_FORM = b'<spiffworkflow:property name="formKey" value="attendance.plan" />'


def problems(xml: bytes) -> list[str]:
    diagram = parse_diagram(xml, BPMN.name, dmn=DMN.read_bytes())
    return pathway_problems(diagram, shipped_bundles()["attendance.plan"], BPMN.name)


def test_the_shipped_pathway_names_the_family_meeting_where_its_forms_ask_what_it_keeps() -> None:
    xml = BPMN.read_bytes()
    assert xml.count(b'value="attendance.record_family_meeting(attendance_meeting)"') == 3
    assert problems(xml) == []


def test_publishing_refuses_the_family_meeting_on_a_task_whose_form_does_not_ask_for_it() -> None:
    effect = b'<spiffworkflow:property name="effects" value="attendance.record_family_meeting(plan)" />'
    assert problems(BPMN.read_bytes().replace(PLAN_FORM, PLAN_FORM + effect)) == [
        "attendance_support.bpmn: the user task 'Agree the attendance plan': "
        "attendance.record_family_meeting needs the fields meeting_held, meeting_date, meeting_attendees, "
        "barriers, barriers_detail, support_offered, support_taken_up, next_step on the form"
    ]


def test_publishing_refuses_the_family_meeting_without_its_kind() -> None:
    xml = BPMN.read_bytes().replace(b"record_family_meeting(attendance_meeting)", b"record_family_meeting")
    needs = (
        "attendance.record_family_meeting needs only the kind of meeting, for example "
        "attendance.record_family_meeting(attendance_meeting)"
    )
    tasks = [
        "Hold an attendance meeting with the family",
        "Meet the family again",
        "Take early action with the family",
    ]
    assert sorted(problems(xml)) == [
        f"attendance_support.bpmn: the user task '{task}': {needs}" for task in tasks
    ]
