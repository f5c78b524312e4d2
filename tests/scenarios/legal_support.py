"""Legal planning for attendance (processes/attendance_legal_planning.bpmn), walked through the services.

The clock is controlled. The case is referred for legal planning on Tuesday 1 December 2026; every
page is submitted through the one pipeline the task page uses (app/tasks/services.submit_task), by a
member of the lane's team (a manager where the diagram says so): the form of the case's process
version checks it, then the pathway's named rules, which read the case and the penalty-notice
ledger (app/pathways/legal).
School weeks come from the local authority's default term dates (app/timescales/data).

The walk, its page data and its fixtures, shared by the test_attendance_legal_* modules (each
imports the fixtures it uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, User
from app.models.penalty_notices import PenaltyNotice
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d

PROCESS = "attendance_legal_planning"
REFERRED = date(2026, 12, 1)  # a Tuesday
SECOND = timedelta(seconds=1)
ACE, LEGAL, SCHOOLS = "ACE", "Legal Services", "Schools"

CHECK = "Check support was offered first"
MEETING = "Hold the legal planning meeting with the parent"
ROUTE = "Decide the legal route"
CONTRACT = "Agree the attendance contract"
CONTRACT_REVIEW = "Review the attendance contract"
NTI = "Issue the notice to improve"
NTI_REVIEW = "Review attendance at the end of the improvement period"
ISSUE = "Issue the penalty notice"
PAYMENT = "Record the penalty notice payment"
UNPAID = "Decide what happens to the unpaid penalty notice"
PREPARE = "Prepare the prosecution"
EVIDENCE = "Provide the register evidence for the prosecution"
LAY = "Lay the information at the magistrates' court"
LIMIT = "Make sure the information is laid in time"
COURT = "Record the court's decision"
ESO_APPLY = "Consult children's social care and apply for an ESO"
ESO_COURT = "Record the court's decision on the ESO"
ESO_SUPERVISE = "Supervise the education supervision order"
ESO_EXTEND = "Decide whether to apply to extend the ESO"

TEXT = "Discussed with the family; see the case notes."
NTI_ALL = ["record", "duty", "support", "warning", "period", "improvement", "early"]
PAGES: dict[str, dict[str, Any]] = {
    "legal.check_support": {
        "support_position": "not_worked",
        "support_evidence": "Early Help plan since September; attendance fell from 88% to 79%.",
        "liable_parents": "Sarah Begum, mother",
    },
    "legal.planning_meeting": {
        "lpm_held_on": d(date(2026, 12, 2)),
        "lpm_attendees": "Sarah Begum, mother; Jo Brennan, attendance officer",
        "lpm_parent_views": "Mornings are hard since the move.",
        "lpm_agreed": TEXT,
        "lpm_recommended_route": "penalty_notice",
    },
    "legal.decide_route": {"legal_route": "penalty_notice", "route_reasons": TEXT},
    "legal.attendance_contract": {
        "contract_agreed": "yes",
        "contract_agreed_on": d(date(2026, 12, 4)),
        "contract_parent_commitments": "Walk Amelia to school every day.",
        "contract_support_commitments": "Breakfast club place and a mentor.",
        "contract_next_review_on": d(date(2027, 1, 15)),
    },
    "legal.contract_review": {
        "contract_review_held_on": d(date(2027, 1, 15)),
        "contract_progress": TEXT,
        "contract_review_outcome": "worked",
    },
    "legal.notice_to_improve": {
        "nti_issued_on": d(date(2026, 12, 7)),
        "nti_content": NTI_ALL,
        "nti_sufficient_improvement": "No unauthorised absence during the period.",
    },
    "legal.nti_review": {
        "nti_attendance_during": TEXT,
        "nti_unauthorised_during": "0",
        "nti_outcome": "improved",
    },
    "legal.issue_penalty_notice": {
        "pn_decision": "issue",
        "pn_parent_name": "Sarah Begum",
        "pn_unauthorised_sessions": "12",
        "pn_window_start": d(date(2026, 10, 5)),
        "pn_window_end": d(date(2026, 11, 27)),
        "pn_issued_on": d(date(2026, 12, 7)),
    },
    "legal.pn_payment": {"pn_paid_on": d(date(2026, 12, 20)), "pn_paid_amount": "80"},
    "legal.pn_unpaid": {"pn_unpaid_decision": "prosecute", "pn_unpaid_reasons": TEXT},
    "legal.prepare_prosecution": {
        "prosecution_offence": "s444_1",
        "prosecution_defendants": "Sarah Begum, mother",
        "last_offence_date": d(date(2026, 11, 20)),
        "eso_considered": "The family has had a supervisor-style plan through Early Help without change.",
        "warning_letters_sent_on": d(date(2026, 11, 25)),
        "prosecution_witness_statement": "yes",
    },
    "legal.school_evidence": {
        "school_evidence": ["printout", "certificate", "chronology"],
        "certificate_signed_by": "Ms Khan, head teacher",
        "school_chronology": TEXT,
    },
    "legal.lay_information": {"information_laid": "yes"},
    "legal.prosecution_time_limit": {"limit_can_meet": "yes", "limit_action": "Ben to lay it this week."},
    "legal.court_outcome": {
        "court_result": "convicted",
        "court_sentence": ["fine", "costs"],
        "court_fine_amount": "500",
        "court_directed_eso": "no",
        "court_notes": TEXT,
    },
    "legal.eso_application": {
        "csc_consulted_on": d(date(2026, 12, 7)),
        "csc_consulted_with": "Chris Okafor, CAS team manager",
        "csc_advice": "No safeguarding concerns; an order would help.",
        "eso_child_looked_after": "no",
        "eso_decision": "apply",
        "eso_applied_on": d(date(2026, 12, 8)),
        "eso_hearing_on": d(date(2027, 1, 12)),
    },
    "legal.eso_decision": {
        "eso_made": "yes",
        "eso_made_on": d(date(2027, 1, 12)),
        "eso_supervisor": "Jo Brennan",
        "eso_court_notes": TEXT,
    },
    "legal.eso_supervise": {
        "eso_ended_on": d(date(2028, 1, 11)),
        "eso_end_reason": "expired",
        "eso_summary": TEXT,
    },
    "legal.eso_extension": {"eso_extend": "no", "eso_extension_reasons": "Attendance is now 96%."},
}
LANE_OF = {SCHOOLS: "school", LEGAL: "solicitor", ACE: "ace"}


def due(day: date) -> datetime:
    return end_of_working_day(day)


class Walk(InstanceWalk):
    def __init__(
        self, app: Flask, people: dict[str, User], clock: Any, case: Case | None = None, *, start: bool = True
    ) -> None:
        super().__init__(app, people, clock)
        if case is None:
            referral = factories.referral(referral_date=REFERRED)
            case = refer_child(referral, people["ace"], process_id=PROCESS)
            self.instance = case.instances[-1]
        elif not start:  # referred straight onto this pathway
            self.instance = case.instances[-1]
        else:
            facts = {"case_reference": case.reference, "child_name": case.child.full_name}
            self.instance = instances.start_process(case, PROCESS, facts, people["ace"])
        self.case = case
        db.session.commit()

    def task(self, name: str, lane: str = ACE, role: str = "") -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name, task.required_role) == (lane, lane, role), name
        assert task.documentation
        return task

    def page(self, name: str, **changes: Any) -> dict[str, Any]:
        task = self.task_any(name)
        return {**PAGES[task.form_key], **changes}

    def task_any(self, name: str) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        return task

    def worker(self, task: HumanTask) -> User:
        """Who does the task: a manager where the diagram reserves it, else the lane's worker."""
        return self.people["manager" if task.required_role == "manager" else LANE_OF[task.lane]]

    def errors(self, name: str, on: date, **changes: Any) -> dict[str, list[str]]:
        """Send the task's page (PAGES, with the changes) on that day through the one pipeline a
        page goes through, expecting it refused: what it says needs correcting, field by field,
        the form's own checks and the pathway's named rules alike. Nothing of it is kept."""
        self.on(on)
        task = self.task_any(name)
        with pytest.raises(tasks.InvalidAnswers) as refusal:
            tasks.complete_task(task, self.page(name, **changes), self.worker(task))
        db.session.rollback()
        return dict(refusal.value.form.errors)

    def do(self, name: str, on: date, lane: str = ACE, role: str = "", **changes: Any) -> HumanTask:
        """Submit the task's page (PAGES, with the changes) on that day as its worker would; the
        completed task, whose `data` is what was saved."""
        self.on(on)
        task = self.task(name, lane, role)
        tasks.complete_task(task, self.page(name, **changes), self.worker(task))
        db.session.commit()
        return task

    def to_route(self, route: str, decided_on: date = date(2026, 12, 4)) -> None:
        assert self.task(CHECK).due_at == due(date(2026, 12, 8))  # 1 Dec + 5 working days
        self.do(CHECK, date(2026, 12, 2))
        assert self.task(MEETING).due_at == due(date(2026, 12, 16))  # 2 Dec + 10 working days
        self.do(MEETING, date(2026, 12, 3))
        assert self.task(ROUTE, role="manager").due_at == due(date(2026, 12, 10))  # 3 Dec + 5 WD
        self.do(ROUTE, decided_on, role="manager", legal_route=route)

    def notices(self) -> list[PenaltyNotice]:
        db.session.expire_all()
        return list(db.session.scalars(select(PenaltyNotice).order_by(PenaltyNotice.id)))


# The test modules import these by their function names (`clock_fixture as clock_fixture`); pytest
# finds them by the names given here, so a test's `clock` parameter shadows no import.
@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[Any]:
    with time_machine.travel(at(REFERRED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture(name="walk")
def walk_fixture(ctx: Flask, people: dict[str, User], clock: Any) -> Walk:
    load_default_terms_if_empty()
    db.session.commit()
    return Walk(ctx, people, clock)
