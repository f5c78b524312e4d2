"""Children missing education (processes/children_missing_education.bpmn), through the product's services.

The clock is controlled and the council's default term dates are loaded (autumn 2 term from
Monday 2 November 2026). Hammond Academy tells the council on Monday 16 November 2026 that Kacper
has been absent without permission since Monday 2 November (10 school days). Hand-worked dates:

- recording the notification: 1 working day (setting) after the referral, Tuesday 17 November;
- enquiries at standard risk: 5 working days (setting) after the notice was received, Monday
  23 November; at high risk 1 working day, Tuesday 17 November;
- the 20-school-day rule: the first day of absence is a school day, so it is day 1: 2-6, 9-13,
  16-20 and 23-27 November are the 20 days, and deletion is possible from Monday 30 November, the
  21st school day: the deletion decision is due then, and the school is chased then if it has not
  recorded its enquiries (test_children_missing_education_deletion.py starts on days without school);
- the register review of a child not found: 4 weeks (setting) after the outcome is recorded.

All times are 17:00 London, which is 17:00 UTC in winter.

The walk, its page data and its fixtures, shared by the test_children_missing_education_* modules
(each imports the fixtures it uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, CmeRecord, HumanTask, InstanceStatus, ProcessInstance, User
from app.pathways.cme.register import record_for_case
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d

PROCESS = "children_missing_education"
NOTIFIED = date(2026, 11, 16)  # Monday
FIRST_ABSENCE = date(2026, 11, 2)  # Monday, the first day of autumn 2
DAY_21 = date(2026, 11, 30)  # the first school day after 20 school days of absence
SCHOOLS, ACE = "Schools", "ACE"

RECORD = "Record the notification and add the child to the CME register"
SCHOOL_ENQUIRIES = "Make the school's reasonable enquiries"
LA_ENQUIRIES = "Make the local authority's reasonable enquiries"
DELETION = "Decide whether the school may delete the pupil from roll"
CHASE = "Chase the school's enquiries"
WHEREABOUTS = "Record where the child is"

PAGES: dict[str, dict[str, Any]] = {
    "cme.notification": {
        "notification_source": "school",
        "notifying_organisation": "Jo Patel, attendance lead, Hammond Academy",
        "notice_received_on": d(NOTIFIED),
        "notification_reason": "continuous_absence",
        "reason_details": "",
        "school_name": "Hammond Academy",
        "first_absence_date": d(FIRST_ABSENCE),
        "register_notice": "no",
        "register_change_date": ["", "", ""],
        "last_known_address": "Flat 4, 12 Mill Lane, London W6 9AA",
        "date_last_seen": d(date(2026, 10, 23)),
        "risk_level": "standard",
        "risk_reasons": "Aged 12, no social worker, no known concerns; the family may have gone to Poland.",
    },
    "cme.school_enquiries": {
        "school_enquiries_made": ["parents", "home_visit", "siblings"],
        "school_enquiries_details": "No answer by phone; neighbour says the flat has been empty two weeks.",
        "school_enquiries_completed_on": d(date(2026, 11, 20)),
        "school_safeguarding_concern": "no",
        "school_safeguarding_details": "",
    },
    "cme.la_enquiries": {
        "la_enquiries_made": ["home_visit", "s2s", "health", "housing", "home_office"],
        "la_enquiries_details": "S2S: no new school. GP record not transferred. Housing: tenancy ended.",
        "la_enquiries_completed_on": d(date(2026, 11, 20)),
        "la_safeguarding_concern": "no",
        "la_safeguarding_details": "",
    },
    "cme.deletion_decision": {
        "deletion_decision": "approve",
        "all_sessions_gno": "yes",
        "sickness_grounds": "no",
        "deletion_date": d(DAY_21),
        "deletion_decision_reasons": "20 school days coded N then O; both sets of enquiries found nothing.",
    },
    "cme.chase_school": {
        "school_chased_on": d(DAY_21),
        "school_chase_agreed": "Attendance lead to visit with the family liaison officer by Wednesday.",
    },
    "cme.outcome": {
        "cme_outcome": "on_roll",
        "found_on": d(date(2026, 12, 2)),
        "current_address": "14 Church Road, Reading RG1 2AB",
        "new_school": "Kennet Valley Primary, Reading",
        "new_school_confirmed": "yes",
        "new_local_authority": "",
        "information_passed_on": ["", "", ""],
        "ehe_team_told_on": ["", "", ""],
        "parent_names": "",
        "education_concerns": "",
        "tracking_notes": "S2S shows a new registration; the school confirmed by phone.",
    },
}


def five_pm(day: date) -> datetime:
    return end_of_working_day(day)


def instances_of(case: Case) -> dict[str, ProcessInstance]:
    db.session.expire_all()
    rows = db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    return {i.process_version.process_id: i for i in rows}


class Missing(InstanceWalk):
    """One child's case on the CME pathway, opened through the referral page's service."""

    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        super().__init__(app, people, clock)
        self.on(NOTIFIED, 9)
        referral = factories.referral(
            first_name="Kacper",
            last_name="Nowak",
            school="Hammond Academy",
            year_group="Year 7",
            referral_date=NOTIFIED,
            concern_reasons="Absent without permission since 2 November; not seen; phone disconnected.",
            referrer_name="Jo Patel",
            referrer_role="Attendance lead",
            referrer_organisation="Hammond Academy",
        )
        self.case = refer_child(referral, people["school"], process_id=PROCESS)
        db.session.commit()
        self.instance = instances_of(self.case)[PROCESS]

    def open(self) -> set[str]:
        """The names of all the case's open tasks, those of a process it was handed to among them."""
        return {t.name for t in factories.open_tasks(self.case)}

    def task(self, name: str, lane: str = ACE) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name) == (lane, lane)
        assert task.form_key.startswith("cme.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "ace", lane: str = ACE, **changes: Any) -> HumanTask:
        """Submit the task's page (PAGES, with the changes) as the user would; the completed task,
        whose `data` is what was saved."""
        self.on(on)
        task = self.task(name, lane)
        tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.commit()
        return task

    def refused(self, name: str, who: str = "ace", lane: str = ACE, **changes: Any) -> dict[str, list[str]]:
        """Submit the task's page with the changes, now, as the user would, expecting it refused:
        what it says needs correcting, field by field. Nothing of it is kept."""
        task = self.task(name, lane)
        with pytest.raises(tasks.InvalidAnswers) as refusal:
            tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.rollback()
        return dict(refusal.value.form.errors)

    def record(self) -> CmeRecord:
        db.session.expire_all()
        record = record_for_case(self.case.id)
        assert record is not None
        return record

    def ended_at(self) -> str:
        """The end event of the CME instance, which must have completed (its tasks are not checked)."""
        instance = self.state()
        assert instance.status == InstanceStatus.COMPLETED
        return instance.end_event

    # -- the walk ----------------------------------------------------------------------------
    def recorded(self, **changes: Any) -> None:
        assert self.open() == {RECORD}
        assert self.task(RECORD).due_at == five_pm(date(2026, 11, 17))  # referral + 1 working day
        self.do(RECORD, date(2026, 11, 17), **changes)

    def enquiries_made(self) -> None:
        """Both sets of reasonable enquiries are recorded on Friday 20 November."""
        self.do(LA_ENQUIRIES, date(2026, 11, 20))
        self.do(SCHOOL_ENQUIRIES, date(2026, 11, 20), who="school", lane=SCHOOLS)

    def enquiries_done(self) -> None:
        """On roll: both sets of enquiries and the deletion decision after 20 school days."""
        self.recorded()
        self.enquiries_made()
        self.do(DELETION, DAY_21, who="manager")
        assert self.open() == {WHEREABOUTS}


# The test modules import these by their function names (`clock_fixture as clock_fixture`); pytest
# finds them by the names given here, so a test's `clock` parameter shadows no import.
@pytest.fixture(name="clock")
def clock_fixture() -> Iterator[Any]:
    with time_machine.travel(at(NOTIFIED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture(name="walk")
def walk_fixture(ctx: Flask, people: dict[str, User], clock: Any) -> Missing:
    load_default_terms_if_empty()
    db.session.commit()
    return Missing(ctx, people, clock)
