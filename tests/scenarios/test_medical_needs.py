"""Education for children with health needs (processes/medical_needs.bpmn), through the product's services.

The clock is controlled and the council's default term dates are loaded. The school's sickness
return arrives on Tuesday 1 December 2026: the return is due 2 working days later (Thursday
3 December) and the named officer's decision 5 working days later (Tuesday 8 December), both
local settings' defaults. Each page is validated by the task's own form before it is submitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from lxml import etree
from sqlalchemy import select

from app import scheduling
from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, Meeting, ProcessInstance, TaskState, User
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import NS, ROOT, d, errors_for, submit

BPMN_FILE = ROOT / "processes" / "medical_needs.bpmn"
REFERRED = date(2026, 12, 1)  # a Tuesday in the autumn term
SCHOOLS, MEDICAL = "Schools", "Medical Needs"

RETURN = "Record the school's sickness return"
EVIDENCE = "Gather medical advice and other evidence"
DECIDE = "Decide whether the council must arrange education"
LATE = "Review the late decision with the named officer"
ARRANGE = "Arrange suitable education"
KEEP = "Keep the education provision under review"
REVIEW = "Hold the provision review"
REINTEGRATE = "Hold the reintegration meeting and agree the plan"

PAGES: dict[str, dict[str, Any]] = {
    "medical.school_return": {
        "absence_pattern": "consecutive",
        "health_absence_days": "11",
        "first_health_absence": d(date(2026, 11, 16)),
        "expected_return_date": d(date(2027, 1, 11)),
        "will_miss_15_days": "not_known",
        "health_needs": "Recovering from surgery on her spine; cannot sit for long or climb stairs.",
        "school_support": "Work sent home weekly by the form tutor; healthcare plan drafted with the nurse.",
        "healthcare_plan": "yes",
    },
    "medical.evidence": {
        "medical_advice": ["gp"],
        "other_evidence": ["appointment_letters", "discharge"],
        "specialist_evidence": "requested",
        "evidence_summary": "Discharge summary: 8 weeks' recovery at home. GP confirms she cannot travel.",
        "child_views": "I want to keep up with maths and see my friends.",
    },
    "medical.decision": {
        "fifteen_day_test": "yes",
        "can_attend_school": "no",
        "medical_decision": "eligible",
        "decision_reasons": "She will miss about 29 school days; she cannot travel to school.",
        "family_told": "yes",
        "safeguarding_concern": "no",
    },
    "medical.late_decision": {
        "late_reason": "The named officer was waiting for the consultant's letter.",
        "decision_by_date": d(date(2026, 12, 9)),
        "late_action_agreed": "Decide tomorrow on the GP's advice and the discharge summary.",
    },
    "medical.arrange": {
        "provision_types": ["outreach", "online"],
        "provider_name": "Medical Needs outreach team",
        "provision_hours": "25",
        "provision_full_time": "full_time",
        "provision_start_date": d(date(2026, 12, 7)),
        "school_told": ["stays_on_roll", "code_k"],
        "family_agreed": "yes",
    },
    "medical.review": {
        "review_held_on": d(date(2027, 1, 18)),
        "review_attendees": "Sam Smith, mother; Ruth Adebayo, named officer; Jo Patel, form tutor",
        "review_child_views": "Online maths is good; I miss art.",
        "review_progress": "Full timetable received; pain easing; walking further each week.",
        "review_outcome": "continue",
        "review_decisions": "Keep the timetable; add art online.",
        "next_review_date": d(date(2027, 3, 1)),
        "review_safeguarding_concern": "no",
    },
    "medical.end_provision": {
        "provision_end_reason": "ready_to_return",
        "planned_return_date": d(date(2027, 3, 8)),
        "provision_end_details": "The consultant says she can return on a phased timetable.",
    },
    "medical.reintegration": {
        "reintegration_held_on": d(date(2027, 3, 5)),
        "reintegration_attendees": "Sam Smith, mother; Jo Patel, form tutor; Ruth Adebayo",
        "reintegration_child_views": "I'm nervous about the stairs but I want to go back.",
        "reintegration_plan": "Mornings only for two weeks; lift pass; lessons moved to the ground floor.",
        "healthcare_plan_updated": "yes",
        "reintegration_outcome": "returned",
        "return_date": d(date(2027, 3, 8)),
    },
}


class Pathway(InstanceWalk):
    """One child's case on the medical needs pathway, run through the services."""

    def __init__(self, app: Flask, people: dict[str, User], clock: Any, case: Case, instance: Any) -> None:
        super().__init__(app, people, clock)
        self.case, self.instance = case, instance

    def open(self) -> set[str]:
        """The names of all the case's open tasks, those of a process it was handed to among them."""
        return {t.name for t in factories.open_tasks(self.case)}

    def task(self, name: str, lane: str = MEDICAL) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name) == (lane, lane)
        assert task.form_key.startswith("medical.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "medical", lane: str = MEDICAL, **changes: Any) -> None:
        self.on(on)
        task = self.task(name, lane)
        data = submit(self.app, task.form_key, {**PAGES[task.form_key], **changes})
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()

    def data(self) -> dict[str, Any]:
        return instances._load(self.state()).data

    def to_decision(self) -> None:
        returned = self.task(RETURN, SCHOOLS)
        assert returned.due_at == end_of_working_day(date(2026, 12, 3))  # referral + 2 working days
        self.do(RETURN, date(2026, 12, 2), "school", SCHOOLS)
        # 16 Nov to 11 Jan: 24 school days to 18 Dec, then 5, 6, 7, 8 and 11 Jan (4 Jan is an INSET day)
        assert self.data()["school_days_to_expected_return"] == 29
        assert self.data()["fifteen_days_clear"] is True
        assert self.task(EVIDENCE).due_at == end_of_working_day(date(2026, 12, 8))  # referral + 5
        self.do(EVIDENCE, date(2026, 12, 3))
        assert self.task(DECIDE).due_at == end_of_working_day(date(2026, 12, 8))
        assert self.task(DECIDE).required_role == ""  # the named officer is a Medical Needs practitioner

    def to_provision(self, **arrange: Any) -> None:
        self.to_decision()
        self.do(DECIDE, date(2026, 12, 4))
        assert self.task(ARRANGE).due_at == end_of_working_day(date(2026, 12, 11))  # 5 school days
        self.do(ARRANGE, date(2026, 12, 4), **arrange)
        assert self.open() == {KEEP}


@pytest.fixture
def clock(ctx: Flask) -> Iterator[Any]:
    load_default_terms_if_empty()
    db.session.commit()
    with time_machine.travel(at(REFERRED, 9), tick=False) as traveller:
        yield traveller


def start(ctx: Flask, people: dict[str, User], clock: Any) -> Pathway:
    referral = factories.referral(referral_date=REFERRED, concern_reasons="School's 15-day sickness return.")
    case = refer_child(referral, people["school"], process_id="medical_needs")
    db.session.commit()
    [instance] = case.instances
    return Pathway(ctx, people, clock, case, instance)


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Pathway:
    return start(ctx, people, clock)


# -- eligible: full time, reviews, reintegration ---------------------------------------------------
def test_eligible_full_time_reviewed_every_six_weeks_then_returned_to_school(walk: Pathway) -> None:
    walk.to_provision()
    # First review: 6 weeks after the 7 December start is 18 January; the task arrives 7 days ahead.
    assert walk.state().next_timer_at == end_of_working_day(date(2027, 1, 11))
    assert walk.sweep(end_of_working_day(date(2027, 1, 11)) - timedelta(seconds=1)) == 0
    assert walk.sweep(end_of_working_day(date(2027, 1, 11)) + timedelta(seconds=1)) == 1
    assert walk.open() == {KEEP, REVIEW}
    assert walk.task(REVIEW).due_at == end_of_working_day(date(2027, 1, 18))
    walk.do(REVIEW, date(2027, 1, 18))
    assert walk.open() == {KEEP}
    # Second review: 42 days later, 1 March, arriving 22 February.
    assert walk.state().next_timer_at == end_of_working_day(date(2027, 2, 22))
    walk.sweep(end_of_working_day(date(2027, 2, 22)) + timedelta(seconds=1))
    assert walk.task(REVIEW).due_at == end_of_working_day(date(2027, 3, 1))
    walk.do(REVIEW, date(2027, 3, 1), review_held_on=d(date(2027, 3, 1)), review_outcome="plan_return")
    walk.do(KEEP, date(2027, 3, 1))
    # Reintegration: the school day before the planned return of Monday 8 March is Friday 5 March.
    assert walk.open() == {REINTEGRATE}
    assert walk.task(REINTEGRATE, SCHOOLS).due_at == end_of_working_day(date(2027, 3, 5))
    assert walk.state().next_timer_at is None
    walk.do(REINTEGRATE, date(2027, 3, 5), "school", SCHOOLS)
    assert walk.ended_at() == "Returned to school"
    kinds = sorted(m.kind for m in db.session.scalars(select(Meeting).where(Meeting.case_id == walk.case.id)))
    assert kinds == ["medical_needs_review", "medical_needs_review", "reintegration_meeting"]
    assert walk.data()["provision_full_time"] == "full_time"


def test_eligible_part_time_with_its_health_reason_ended_for_another_reason(walk: Pathway) -> None:
    walk.to_provision(
        provision_full_time="part_time",
        provision_hours="12",
        part_time_health_reason="Chemotherapy leaves her too tired for more than mornings.",
    )
    assert walk.data()["part_time_health_reason"].startswith("Chemotherapy")
    walk.do(
        KEEP,
        date(2027, 1, 6),
        provision_end_reason="other",
        planned_return_date=["", "", ""],
        provision_end_details="The family moved to Leeds; Leeds City Council told on 6 January.",
    )
    assert walk.ended_at() == "Provision ended: other reason"
    assert walk.sweep(at(date(2027, 6, 1))) == 0


def test_not_ready_at_reintegration_arranges_education_again(walk: Pathway) -> None:
    walk.to_provision()
    walk.do(KEEP, date(2027, 3, 1))
    not_ready = {"reintegration_outcome": "not_ready", "return_date": ["", "", ""]}
    reason = "A new flare-up; the consultant says four more weeks."
    walk.do(REINTEGRATE, date(2027, 3, 5), "school", SCHOOLS, **not_ready, not_ready_reason=reason)
    assert walk.open() == {ARRANGE}
    assert walk.task(ARRANGE).due_at == end_of_working_day(date(2027, 3, 12))  # 5 school days after 5 March
    walk.do(ARRANGE, date(2027, 3, 8), provision_start_date=d(date(2027, 3, 8)))
    # Reviews restart from the new start: 8 March + 42 days - 7 = 12 April (BST: 16:00 UTC).
    assert walk.state().next_timer_at == end_of_working_day(date(2027, 4, 12))


# -- not eligible -----------------------------------------------------------------------------------
def test_not_eligible_the_school_continues_support_and_the_family_is_told(walk: Pathway) -> None:
    walk.to_decision()
    walk.do(
        DECIDE,
        date(2026, 12, 4),
        fifteen_day_test="no",
        can_attend_school="yes",
        medical_decision="not_eligible",
        decision_reasons="She can attend with a reduced timetable and a lift pass.",
        school_continuing_support="Lift pass, rest breaks and an individual healthcare plan.",
    )
    assert walk.ended_at() == "Not eligible: school continues support"
    assert walk.data()["school_continuing_support"].startswith("Lift pass")


# -- a late decision --------------------------------------------------------------------------------
def test_a_late_decision_is_escalated_to_a_manager_and_the_officer_can_still_decide(walk: Pathway) -> None:
    walk.to_decision()
    deadline = end_of_working_day(date(2026, 12, 8))
    assert walk.state().next_timer_at == deadline
    assert walk.sweep(deadline - timedelta(seconds=1)) == 0
    assert walk.sweep(deadline + timedelta(seconds=1)) == 1
    assert walk.open() == {DECIDE, LATE}
    late = walk.task(LATE)
    assert late.required_role == "manager"
    assert late.due_at == end_of_working_day(date(2026, 12, 9))  # next working day
    walk.do(LATE, date(2026, 12, 8), "manager")
    walk.do(DECIDE, date(2026, 12, 9))
    assert walk.open() == {ARRANGE}


def test_a_decision_in_time_never_escalates(walk: Pathway) -> None:
    walk.to_decision()
    walk.do(DECIDE, date(2026, 12, 4))
    assert walk.sweep(end_of_working_day(date(2026, 12, 9))) == 0
    assert walk.open() == {ARRANGE}


# -- safeguarding ------------------------------------------------------------------------------------
def cas_instances(case: Case) -> list[ProcessInstance]:
    db.session.expire_all()
    return [
        i for i in db.session.get(Case, case.id).instances if i.process_version.process_id == "cas_assessment"
    ]


def test_a_safeguarding_concern_at_the_decision_starts_a_cas_assessment_and_education_goes_on(
    walk: Pathway,
) -> None:
    walk.to_decision()
    concern = "Bruising seen on a home visit; mother's partner shouted at the outreach teacher."
    walk.do(DECIDE, date(2026, 12, 4), safeguarding_concern="yes", step_up_reasons=concern)
    [cas] = cas_instances(walk.case)
    assert cas.started_by_id == walk.instance.id and cas.start_message == "cas_referral"
    cas_data = instances._load(cas).data
    assert cas_data["referral_date"] == "2026-12-04"
    assert cas_data["step_up_reasons"].startswith("Bruising")
    cas_task = [t for t in factories.open_tasks(walk.case) if t.instance_id == cas.id]
    assert [(t.name, t.lane) for t in cas_task] == [("Decide on the referral", "CAS")]
    assert walk.open() == {ARRANGE, "Decide on the referral"}  # the education duty is not paused


def test_a_safeguarding_concern_at_a_review_starts_a_cas_assessment(walk: Pathway) -> None:
    walk.to_provision()
    walk.sweep(end_of_working_day(date(2027, 1, 11)) + timedelta(seconds=1))
    walk.do(REVIEW, date(2027, 1, 18), review_safeguarding_concern="yes",
            review_step_up_reasons="She said she is left alone for days at a time.")  # fmt: skip
    [cas] = cas_instances(walk.case)
    assert instances._load(cas).data["referral_date"] == "2027-01-18"
    assert walk.open() == {KEEP, "Decide on the referral"}


# -- started with the sender's data ----------------------------------------------------------------
def test_a_sender_can_pass_the_days_already_counted(ctx: Flask, people: dict[str, User], clock: Any) -> None:
    case = factories.bare_case(people["medical"])
    data = {
        "case_reference": case.reference,
        "child_name": "Noah Smith",
        "referral_date": REFERRED.isoformat(),
        "attendance_percent": 71.5,
        "concern_reasons": "Attendance support found 16 I-coded days since September.",
        "health_absence_days": 16,
        "first_health_absence": "2026-09-14",
    }
    instance = instances.start_process(case, "medical_needs", data, people["ace"])
    db.session.commit()
    assert [t.name for t in factories.open_tasks(case)] == [RETURN]
    assert instances._load(instance).data["health_absence_days"] == 16


# -- the forms' rules -------------------------------------------------------------------------------
def test_the_forms_rules(ctx: Flask, clock: Any) -> None:
    def errors(key: str, **changes: Any) -> dict[str, list[str]]:
        return errors_for(ctx, key, {**PAGES[key], **changes})

    # A decision needs no specialist evidence: "asked for and not received" is enough.
    assert submit(ctx, "medical.evidence", PAGES["medical.evidence"])["specialist_evidence"] == "requested"
    assert errors("medical.evidence", medical_advice=[], other_evidence=[]) == {
        "other_evidence": ["Select the medical advice or other evidence you have"]
    }
    assert errors("medical.arrange", provision_full_time="part_time") == {
        "part_time_health_reason": ["Enter why part-time is in the child's interests"]
    }
    assert errors("medical.arrange", school_told=["code_k"]) == {
        "school_told": ["Tell the school the child stays on its roll and is marked K"]
    }
    assert "school_continuing_support" in errors("medical.decision", medical_decision="not_eligible")
    assert "medical_decision" in errors("medical.decision", can_attend_school="yes")
    assert "step_up_reasons" in errors("medical.decision", safeguarding_concern="yes")
    assert errors("medical.school_return", first_health_absence=d(date(2026, 11, 21))) == {
        "first_health_absence": ["First school day missed must be a school day"]  # a Saturday
    }
    assert (
        "term dates"
        in errors("medical.school_return", expected_return_date=d(date(2029, 1, 8)))["expected_return_date"][
            0
        ]
    )
    assert "planned_return_date" in errors("medical.end_provision", planned_return_date=["", "", ""])
    assert "not_ready_reason" in errors("medical.reintegration", reintegration_outcome="not_ready")


# -- the drawing ------------------------------------------------------------------------------------
def test_every_node_is_in_a_lane_and_drawn_without_overlaps() -> None:
    root = etree.parse(str(BPMN_FILE)).getroot()
    process = root.find("bpmn:process", NS)
    nodes = {
        el.get("id")
        for el in process
        if etree.QName(el).localname.endswith(("Event", "Task", "Gateway")) and el.get("id")
    }
    lanes = {lane.get("name"): lane for lane in process.findall("bpmn:laneSet/bpmn:lane", NS)}
    assert set(lanes) == {SCHOOLS, MEDICAL}
    in_lanes = [ref.text for lane in lanes.values() for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(in_lanes) == sorted(nodes)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    boxes = {}
    for shape in plane.findall("bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        boxes[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    edges = {edge.get("bpmnElement") for edge in plane.findall("bpmndi:BPMNEdge", NS)}
    assert nodes <= set(boxes)
    assert edges == {el.get("id") for el in process.findall("bpmn:sequenceFlow", NS)}
    drawn = sorted(nodes - {"decision_overdue", "review_due"})  # drawn on their tasks
    for i, a in enumerate(drawn):
        for b in drawn[i + 1 :]:
            (ax, ay, aw, ah), (bx, by, bw, bh) = boxes[a], boxes[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b)
    for lane_id, lane in (("Lane_schools", SCHOOLS), ("Lane_medical_needs", MEDICAL)):
        lx, ly, lw, lh = boxes[lane_id]
        for ref in lanes[lane].findall("bpmn:flowNodeRef", NS):
            x, y, w, h = boxes[ref.text]
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text


# -- demo data --------------------------------------------------------------------------------------
def factories_open(query: Any) -> list[HumanTask]:
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_the_demo_opens_cases_at_every_stage_in_the_right_queues(ctx: Flask, people: dict[str, User]) -> None:
    import random

    from app import demo_medical

    load_default_terms_if_empty()
    by_email = {u.email: u for u in people.values()}
    with time_machine.travel(at(date(2026, 11, 23)), tick=False):
        opened = demo_medical.seed(by_email, date(2026, 11, 23), random.Random(7))
        db.session.commit()
    assert 6 <= opened <= 10
    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.state == TaskState.OPEN)).all()
    ours = [t for t in open_tasks if t.form_key.startswith("medical.")]
    assert {t.lane for t in ours} == {SCHOOLS, MEDICAL}
    assert {t.team.name for t in ours} == {SCHOOLS, MEDICAL}
    assert {RETURN, EVIDENCE, DECIDE, ARRANGE, KEEP, REINTEGRATE} <= {t.name for t in ours}
    now = at(date(2026, 11, 23))
    assert any(t.due_at and t.due_at < now for t in ours)  # some are overdue
    with time_machine.travel(now, tick=False):
        scheduling.sweep(ctx)  # the late decision is escalated and a provision review comes due
    names = {t.name for t in factories_open(select(HumanTask).where(HumanTask.state == TaskState.OPEN))}
    assert {LATE, REVIEW} <= names
