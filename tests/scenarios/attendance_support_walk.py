"""Attendance support (processes/attendance_support.bpmn), walked through the product's services.

A school asks for support on Tuesday 1 December 2026 (the LA's default term dates: autumn term to
18 December, spring term from 4 January with an INSET day that day). The tier comes from the
decision table and the at-risk band setting; each page is validated by its task's form, then
submitted by a member of the lane's team. Hand-worked due dates are in the comments.

The walk, its page data and its fixtures, shared by the test_attendance_support_* modules (each
imports the fixtures it uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, Meeting, ProcessInstance, User
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at, page_errors
from tests.unit.referral_support import d, submit

REQUESTED = date(2026, 12, 1)  # a Tuesday in the autumn term
MEETING_DUE = end_of_working_day(date(2026, 12, 15))  # 10 school days: 2-4, 7-11, 14, 15 December

EARLY = "Take early action with the family"
MEET = "Hold an attendance meeting with the family"
AGAIN = "Meet the family again"
PLAN = "Agree the attendance plan"
TSM = "Discuss at the targeting support meeting"
REVIEW = "Review the attendance plan"

UNIVERSAL = "No targeted support needed (universal)"
IMPROVED = "Closed: attendance improved"
EARLY_HELP = "Referred to Early Help (multi-agency support)"
LEGAL = "Referred for legal planning: support not engaged with"
HEALTH = "Health needs: referred to the medical needs pathway"
MISSING = "Child not found: notified as missing education"
SAFEGUARDING = "Safeguarding concern: referred to children's social care"

MEETING_PAGE: dict[str, Any] = {
    "meeting_held": "yes",
    "meeting_date": d(date(2026, 12, 10)),
    "meeting_attendees": "Sam Begum, mother; Jo Smith, Head of Year 6",
    "meeting_not_held_reason": "",
    "attendance_now_percent": "82.5",
    "barriers": ["anxiety", "bullying"],
    "barriers_detail": "Amelia says two girls in Year 6 make her feel sick on Sunday nights.",
    "support_offered": ["pastoral", "adjustments"],
    "support_taken_up": "accepted",
    "support_declined_reason": "",
    "next_step": "plan",
    "referral_reasons": "",
}
PAGES: dict[str, dict[str, Any]] = {
    "attendance.early_actions": {
        **MEETING_PAGE,
        "attendance_now_percent": "93.0",
        "first_day_calling": "yes",
        "plan_actions": "Soft start at 8.40 with her mentor; mum texts the office by 9 on any absence.",
        "next_review_date": d(date(2027, 1, 22)),
    },
    "attendance.meeting": {**MEETING_PAGE, "child_views": "I want to go but Mondays are the worst."},
    "attendance.plan": {
        "plan_actions": "School: mentor and soft start from Monday. Mum: morning routine chart.",
        "plan_lead": "Jo Smith, Head of Year 6",
        "target_attendance_percent": "92",
        "next_review_date": d(date(2027, 1, 29)),
        "needs_multi_agency": "no",
        "tsm_date": ["", "", ""],
    },
    "attendance.tsm": {
        "tsm_held_on": d(date(2027, 1, 14)),
        "tsm_attendees": "Jo Brennan, ACE; Jo Smith, school; Dana Lewis, Early Help SPOC",
        "attendance_now_percent": "44.0",
        "tsm_school_update": "Calls daily; two home visits; barriers at home beyond school.",
        "tsm_actions": "Early Help to contact mum this week; school keeps the soft start.",
        "lead_practitioner": "Dana Lewis, Early Help",
        "tsm_decision": "early_help",
        "referral_reasons": "Housing and a parent's illness keep Amelia at home.",
    },
    "attendance.review": {
        "review_held_on": d(date(2027, 1, 29)),
        "review_attendees": "Sam Begum, mother; Jo Smith, Head of Year 6",
        "attendance_now_percent": "91.5",
        "review_child_views": "Lunch club helps.",
        "review_progress": "Late marks halved; the mentor sessions are working.",
        "support_result": "working",
        "review_outcome": "improved",
        "next_review_date": ["", "", ""],
        "tsm_date": ["", "", ""],
        "referral_reasons": "",
    },
}


class Support(InstanceWalk):
    """One pupil's attendance support, run through the services."""

    def __init__(self, app: Flask, people: dict[str, User], clock: Any, percent: str) -> None:
        super().__init__(app, people, clock)
        referral = factories.referral(attendance_percent=Decimal(percent), referral_date=REQUESTED)
        self.case: Case = refer_child(referral, people["school"], process_id="attendance_support")
        db.session.commit()
        self.instance = self.all_instances()[0]

    def all_instances(self) -> list[ProcessInstance]:
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(ProcessInstance)
                .where(ProcessInstance.case_id == self.case.id)
                .order_by(ProcessInstance.id)
            )
        )

    def open(self) -> list[HumanTask]:  # type: ignore[override]
        """The open tasks themselves: the tests look at the one task now open."""
        return self.open_tasks()

    def next_is(self, name: str, team: str, due: datetime) -> HumanTask:
        """The one task now open, the team whose queue holds it and when it is due."""
        [task] = self.open()
        assert (task.name, task.lane, task.team.name, task.due_at) == (name, team, team, due)
        assert task.form_key.startswith("attendance.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "school", **changes: Any) -> None:
        self.on(on)
        [task] = [t for t in self.open() if t.name == name]
        data = submit(self.app, task.form_key, {**PAGES[task.form_key], **changes})
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()

    def errors(self, name: str, on: date, who: str = "school", **changes: Any) -> dict[str, list[str]]:
        """What the task's page, sent as `do` sends it, must correct ({} if none): the form's own
        checks and its named rules, through the one pipeline. The task stays open either way."""
        self.on(on)
        [task] = [t for t in self.open() if t.name == name]
        return page_errors(task, {**PAGES[task.form_key], **changes}, self.people[who])

    def force(self, name: str, on: date, data: dict[str, Any]) -> None:
        """Complete a task with data its form and rules refuse, to test the diagram's own guard:
        the engine step itself, past the pipeline that would refuse it (app/tasks/services.py)."""
        self.on(on)
        [task] = [t for t in self.open() if t.name == name]
        instances.complete_task(task, data, self.people["school"])
        db.session.commit()

    def data(self) -> dict[str, Any]:
        return instances._load(self.state()).data

    def handed_to(self) -> list[tuple[str, str]]:  # type: ignore[override]
        """(process, start message) of each process this one handed the case to, oldest first."""
        return [(i.process_version.process_id, i.start_message) for i in super().handed_to()]

    def meeting_rows(self) -> list[Meeting]:
        """The case's meeting history, oldest first."""
        return list(
            db.session.scalars(select(Meeting).where(Meeting.case_id == self.case.id).order_by(Meeting.id))
        )

    def meetings(self) -> list[tuple[str, date]]:
        return [(m.kind, m.held_on) for m in self.meeting_rows()]


# The test modules import these by their function names (`clock_fixture as clock_fixture`); pytest
# finds them by the names given here, so a test's `clock` parameter shadows no import.
@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[Any]:
    with time_machine.travel(at(REQUESTED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture(name="support")
def support_fixture(ctx: Flask, people: dict[str, User], clock: Any) -> Any:
    load_default_terms_if_empty()
    db.session.commit()
    return lambda percent: Support(ctx, people, clock, percent)


def to_plan_review(walk: Support) -> None:
    """Tier 3: the meeting, then the plan, then the first review (no targeting support meeting)."""
    walk.next_is(MEET, "Schools", MEETING_DUE)
    walk.do(MEET, date(2026, 12, 10))
    # 5 school days after the meeting on Thursday 10 December: 11, 14, 15, 16, 17 December
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2026, 12, 17)))
    walk.do(PLAN, date(2026, 12, 11))
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 29)))  # the review date agreed
