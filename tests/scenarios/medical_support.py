"""Education for children with health needs (processes/medical_needs.bpmn), through the product's services.

The clock is controlled and the council's default term dates are loaded. The school's sickness
return arrives on Tuesday 1 December 2026: the return is due 2 working days later (Thursday
3 December) and the named officer's decision 5 working days later (Tuesday 8 December), both
local settings' defaults. Each page is submitted as a user's would be, so the task's own form
and its named rules check it.

The walk, its page data and its fixtures, shared by the test_medical_needs_* modules (each imports
the fixtures it uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import time_machine
from flask import Flask

from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, User
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import ROOT, d

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
        """Submit the task's page (PAGES, with the changes) as the user would."""
        self.on(on)
        task = self.task(name, lane)
        tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.commit()

    def refused(
        self, name: str, who: str = "medical", lane: str = MEDICAL, **changes: Any
    ) -> dict[str, list[str]]:
        """Submit the task's page with the changes, now, as the user would, expecting it refused:
        what it says needs correcting, field by field. Nothing of it is kept."""
        task = self.task(name, lane)
        with pytest.raises(tasks.InvalidAnswers) as refusal:
            tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.rollback()
        return dict(refusal.value.form.errors)

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


# The test modules import these by their function names (`clock_fixture as clock_fixture`); pytest
# finds them by the names given here, so a test's `clock` parameter shadows no import.
@pytest.fixture(name="clock")
def clock_fixture(ctx: Flask) -> Iterator[Any]:
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


@pytest.fixture(name="walk")
def walk_fixture(ctx: Flask, people: dict[str, User], clock: Any) -> Pathway:
    return start(ctx, people, clock)
