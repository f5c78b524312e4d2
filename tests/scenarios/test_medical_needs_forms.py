"""Education for children with health needs: the sender's data, the forms' rules, the drawing and
the demo data.

The walk, its page data and its fixtures are in tests/scenarios/medical_support.py: the school's
sickness return arrives on Tuesday 1 December 2026, the return is due Thursday 3 December and the
named officer's decision Tuesday 8 December (local settings' defaults), on the council's default
term dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine
from flask import Flask
from lxml import etree
from sqlalchemy import select

from app import scheduling
from app.extensions import db
from app.models import HumanTask, TaskState, User
from app.timescales.term_dates import load_default_terms_if_empty
from app.workflow import instances
from tests import factories
from tests.scenarios.medical_support import (
    ARRANGE,
    BPMN_FILE,
    DECIDE,
    EVIDENCE,
    KEEP,
    LATE,
    MEDICAL,
    REFERRED,
    REINTEGRATE,
    RETURN,
    REVIEW,
    SCHOOLS,
    Pathway,
)
from tests.scenarios.medical_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.medical_support import walk_fixture as walk_fixture  # a fixture
from tests.scenarios.walk import at
from tests.unit.referral_support import NS, d


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


# -- the forms' rules, as a submitted page meets them ----------------------------------------------
def test_the_forms_rules(walk: Pathway) -> None:
    walk.on(date(2026, 12, 2))
    assert walk.refused(RETURN, "school", SCHOOLS, first_health_absence=d(date(2026, 11, 21))) == {
        "first_health_absence": ["First school day missed must be a school day"]  # a Saturday
    }
    assert walk.refused(RETURN, "school", SCHOOLS, expected_return_date=d(date(2029, 1, 8))) == {
        "expected_return_date": [
            "Expected return is outside the term dates we hold: ask an administrator to add the term dates"
        ]
    }
    assert walk.refused(RETURN, "school", SCHOOLS, expected_return_date=d(date(2026, 11, 16))) == {
        "expected_return_date": ["Expected return must be after the first school day missed"]
    }
    assert walk.refused(RETURN, "school", SCHOOLS, expected_return_date=d(date(2027, 1, 4))) == {
        "expected_return_date": ["Expected return must be a school day"]  # an INSET day
    }
    walk.do(RETURN, date(2026, 12, 2), "school", SCHOOLS)

    assert walk.refused(EVIDENCE, medical_advice=[], other_evidence=[]) == {
        "other_evidence": ["Select the medical advice or other evidence you have"]
    }
    # Other evidence alone is enough, and a decision needs no specialist evidence: "asked for and not
    # received" will do.
    walk.do(EVIDENCE, date(2026, 12, 3), medical_advice=[])
    assert walk.data()["specialist_evidence"] == "requested"

    walk.on(date(2026, 12, 4))
    assert "school_continuing_support" in walk.refused(DECIDE, medical_decision="not_eligible")
    assert walk.refused(DECIDE, can_attend_school="yes") == {
        "medical_decision": [
            "The council arranges education only when the child cannot reasonably attend school: "
            "change your answer about attending school, or decide not eligible"
        ]
    }
    assert "step_up_reasons" in walk.refused(DECIDE, safeguarding_concern="yes")
    walk.do(DECIDE, date(2026, 12, 4))

    assert walk.refused(ARRANGE, provision_full_time="part_time") == {
        "part_time_health_reason": ["Enter why part-time is in the child's interests"]
    }
    assert walk.refused(ARRANGE, school_told=["code_k"]) == {
        "school_told": ["Tell the school the child stays on its roll and is marked K"]
    }
    walk.do(ARRANGE, date(2026, 12, 4))

    walk.on(date(2027, 3, 1))
    assert walk.refused(KEEP, planned_return_date=["", "", ""]) == {
        "planned_return_date": ["Enter the planned date of return to school"]
    }
    assert walk.refused(KEEP, planned_return_date=d(date(2027, 3, 6))) == {
        "planned_return_date": ["Planned date of return must be a school day"]  # a Saturday
    }
    # Ending for another reason needs no date of return.
    walk.do(KEEP, date(2027, 3, 1), provision_end_reason="other", planned_return_date=["", "", ""])
    assert walk.open() == set()


def test_the_reintegration_meeting_says_why_a_child_is_not_ready(walk: Pathway) -> None:
    walk.to_provision()
    walk.do(KEEP, date(2027, 3, 1))
    walk.on(date(2027, 3, 5))
    assert walk.refused(REINTEGRATE, "school", SCHOOLS, reintegration_outcome="not_ready") == {
        "not_ready_reason": ["Enter why the child is not ready"]
    }


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

    from app.demo import medical as demo_medical

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
