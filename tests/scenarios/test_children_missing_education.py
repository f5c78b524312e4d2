"""Children missing education (processes/children_missing_education.bpmn), through the product's services.

The clock is controlled and the council's default term dates are loaded (autumn 2 term from
Monday 2 November 2026). Hammond Academy tells the council on Monday 16 November 2026 that Kacper
has been absent without permission since Monday 2 November (10 school days). Hand-worked dates:

- recording the notification: 1 working day (setting) after the referral, Tuesday 17 November;
- enquiries at standard risk: 5 working days (setting) after the notice was received, Monday
  23 November; at high risk 1 working day, Tuesday 17 November;
- the 20-school-day rule: the first day of absence is day 1, so 2-6, 9-13, 16-20 and 23-27
  November are the 20 days, and deletion is possible from Monday 30 November (add_school_days(
  2 November, 20)): the deletion decision is due then, and the school is chased then if it has
  not recorded its enquiries;
- the register review of a child not found: 4 weeks (setting) after the outcome is recorded.

All times are 17:00 London, which is 17:00 UTC in winter.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

import forms
from app.cases.services import refer_child
from app.cme import services as cme
from app.extensions import db
from app.models import Case, CmeRecord, CmeStatus, HumanTask, InstanceStatus, ProcessInstance, User
from app.tasks import services as tasks
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from tests import factories
from tests.conftest import login
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d, errors_for, submit

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
        self.on(on)
        task = self.task(name, lane)
        data = submit(self.app, task.form_key, {**PAGES[task.form_key], **changes})
        tasks.complete_task(task, data, self.people[who])
        db.session.commit()
        return task

    def record(self) -> CmeRecord:
        db.session.expire_all()
        record = cme.record_for_case(self.case.id)
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

    def enquiries_done(self) -> None:
        """On roll: both sets of enquiries and the deletion decision after 20 school days."""
        self.recorded()
        self.do(LA_ENQUIRIES, date(2026, 11, 20))
        self.do(SCHOOL_ENQUIRIES, date(2026, 11, 20), who="school", lane=SCHOOLS)
        self.do(DELETION, DAY_21, who="manager")
        assert self.open() == {WHEREABOUTS}


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(NOTIFIED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Missing:
    load_default_terms_if_empty()
    db.session.commit()
    return Missing(ctx, people, clock)


# -- the notification and the register ---------------------------------------------------------
def test_the_notification_puts_the_child_on_the_register_and_both_enquiries_and_the_decision_open(
    walk: Missing,
) -> None:
    assert cme.record_for_case(walk.case.id) is None  # not on the register until recorded
    walk.recorded()
    record = walk.record()
    assert (record.status, record.reason, record.school) == (
        CmeStatus.MISSING,
        "continuous_absence",
        "Hammond Academy",
    )
    assert (record.reported_on, record.first_absence_date, record.notice_late) == (
        NOTIFIED,
        FIRST_ABSENCE,
        False,
    )
    assert record.child_name == "Kacper Nowak" and "Mill Lane" in record.last_known_address
    assert walk.open() == {SCHOOL_ENQUIRIES, LA_ENQUIRIES, DELETION}
    standard = five_pm(date(2026, 11, 23))  # notice received 16 Nov + 5 working days
    assert walk.task(SCHOOL_ENQUIRIES, SCHOOLS).due_at == standard
    assert walk.task(LA_ENQUIRIES).due_at == standard
    deletion = walk.task(DELETION)
    assert deletion.due_at == five_pm(DAY_21) and deletion.required_role == "manager"
    # The chase of the school's enquiries waits for the same moment.
    assert walk.state().next_timer_at == five_pm(DAY_21)


def test_high_risk_enquiries_are_due_the_next_working_day(walk: Missing) -> None:
    walk.recorded(risk_level="high")
    assert walk.task(LA_ENQUIRIES).due_at == five_pm(date(2026, 11, 17))  # 16 Nov + 1 working day
    assert walk.task(SCHOOL_ENQUIRIES, SCHOOLS).due_at == five_pm(date(2026, 11, 17))


def test_a_register_notice_more_than_5_days_late_is_flagged(walk: Missing) -> None:
    walk.recorded(
        notification_reason="deleted_from_roll",
        first_absence_date=["", "", ""],
        register_notice="deletion",
        register_change_date=d(date(2026, 11, 10)),  # 16 Nov is 6 days later
    )
    assert walk.record().notice_late is True
    # Not on roll any more: the local authority's enquiries alone.
    assert walk.open() == {LA_ENQUIRIES}


# -- the 20-school-day rule ----------------------------------------------------------------------
def test_deletion_is_refused_until_both_enquiries_are_recorded_and_20_school_days_have_passed(
    walk: Missing, people: dict[str, User]
) -> None:
    walk.recorded()
    walk.do(LA_ENQUIRIES, date(2026, 11, 20))
    walk.on(DAY_21)
    decision = walk.task(DELETION)
    data = submit(walk.app, "cme.deletion_decision", PAGES["cme.deletion_decision"])
    with pytest.raises(tasks.NotAllowed, match="The school has not recorded its reasonable enquiries"):
        tasks.complete_task(decision, data, people["manager"])
    db.session.rollback()
    assert walk.open() == {
        SCHOOL_ENQUIRIES,
        DELETION,
    }
    assert walk.record().deleted_from_roll_on is None
    # The page says so too, before anything is submitted.
    with walk.app.test_request_context(
        f"/tasks/{decision.id}", method="POST", data=PAGES["cme.deletion_decision"]
    ):
        form = forms.get_form_class("cme.deletion_decision")()
        assert not form.validate()
        assert "The school has not recorded its reasonable enquiries" in form.errors["deletion_decision"][0]

    # The school records its enquiries; a day before the 20 days are complete it is still too early.
    walk.do(SCHOOL_ENQUIRIES, date(2026, 11, 20), who="school", lane=SCHOOLS)
    walk.on(date(2026, 11, 27))  # the 20th school day of absence, still in progress
    with pytest.raises(tasks.NotAllowed, match="absent for 19 school days"):
        tasks.complete_task(walk.task(DELETION), data, people["manager"])
    db.session.rollback()

    walk.do(DELETION, DAY_21, who="manager")
    record = walk.record()
    assert record.deleted_from_roll_on == DAY_21 and record.status == CmeStatus.MISSING
    assert (record.school_enquiries_on, record.la_enquiries_on) == (date(2026, 11, 20), date(2026, 11, 20))
    assert walk.open() == {WHEREABOUTS}


def test_keeping_the_pupil_on_roll_needs_no_enquiries(walk: Missing) -> None:
    walk.recorded()
    walk.do(
        DELETION,
        date(2026, 11, 18),
        who="manager",
        deletion_decision="refuse",
        deletion_date=["", "", ""],
        deletion_decision_reasons="Kacper came back to school today.",
    )
    assert walk.open() == {SCHOOL_ENQUIRIES, LA_ENQUIRIES}
    assert walk.record().deleted_from_roll_on is None


def test_at_20_school_days_the_school_is_chased_if_its_enquiries_are_missing(walk: Missing) -> None:
    walk.recorded()
    walk.do(LA_ENQUIRIES, date(2026, 11, 20))
    assert walk.sweep(five_pm(DAY_21) - timedelta(seconds=1)) == 0
    assert walk.sweep(five_pm(DAY_21) + timedelta(seconds=1)) == 1
    assert walk.open() == {SCHOOL_ENQUIRIES, DELETION, CHASE}
    assert walk.task(CHASE).due_at == five_pm(date(2026, 12, 1))  # the next working day
    walk.do(CHASE, date(2026, 12, 1))
    walk.do(
        SCHOOL_ENQUIRIES,
        date(2026, 12, 2),
        who="school",
        lane=SCHOOLS,
        school_enquiries_completed_on=d(date(2026, 12, 2)),
    )
    walk.do(DELETION, date(2026, 12, 2), who="manager", deletion_date=d(date(2026, 12, 2)))
    assert walk.open() == {WHEREABOUTS}


def test_no_chase_when_the_school_recorded_its_enquiries_in_time(walk: Missing) -> None:
    walk.recorded()
    walk.do(SCHOOL_ENQUIRIES, date(2026, 11, 20), who="school", lane=SCHOOLS)
    walk.sweep(five_pm(DAY_21) + timedelta(seconds=1))
    assert CHASE not in walk.open()


# -- safeguarding -------------------------------------------------------------------------------
def test_safeguarding_concerns_refer_the_case_to_cas_while_the_search_goes_on(walk: Missing) -> None:
    walk.recorded(notification_reason="never_registered", first_absence_date=["", "", ""], school_name="")
    walk.do(
        LA_ENQUIRIES,
        date(2026, 11, 20),
        la_safeguarding_concern="yes",
        la_safeguarding_details="Neighbours heard a child crying at night; the family avoids all contact.",
    )
    running = instances_of(walk.case)
    cas = running["cas_assessment"]
    assert (cas.start_message, cas.started_by_id) == ("cas_referral", running[PROCESS].id)
    [decision] = [t for t in factories.open_tasks(walk.case) if t.team.name == "CAS"]
    assert decision.due_at == five_pm(date(2026, 11, 23))  # CAS decides within 1 working day of 20 Nov
    assert WHEREABOUTS in walk.open()  # tracking continues alongside


def test_safeguarding_concerns_on_roll_refer_to_cas_too(walk: Missing) -> None:
    walk.recorded()
    walk.do(
        LA_ENQUIRIES,
        date(2026, 11, 20),
        la_safeguarding_concern="yes",
        la_safeguarding_details="Older sibling disclosed that Kacper is kept at home to care for a parent.",
    )
    assert instances_of(walk.case)["cas_assessment"].start_message == "cas_referral"
    assert {SCHOOL_ENQUIRIES, DELETION} <= walk.open()


# -- every outcome ------------------------------------------------------------------------------
def test_found_on_roll_at_a_school_closes_the_register_entry(walk: Missing) -> None:
    walk.enquiries_done()
    assert walk.task(WHEREABOUTS).due_at == five_pm(date(2026, 12, 7))  # 30 Nov + 5 working days
    walk.do(WHEREABOUTS, date(2026, 12, 2))
    assert walk.ended_at() == "Found: on roll at a school"
    record = walk.record()
    assert (record.status, record.found_on, record.next_review_on) == (
        CmeStatus.CLOSED,
        date(2026, 12, 2),
        None,
    )


def test_found_in_another_local_authority_closes_once_the_information_is_passed_on(walk: Missing) -> None:
    walk.enquiries_done()
    walk.do(
        WHEREABOUTS,
        date(2026, 12, 2),
        cme_outcome="moved_la",
        new_school="",
        new_school_confirmed="",
        current_address="",
        new_local_authority="Reading Borough Council",
        information_passed_on=d(date(2026, 12, 2)),
    )
    assert walk.ended_at() == "Found: moved to another local authority (information passed on)"
    assert walk.record().status == CmeStatus.CLOSED


def test_found_electively_home_educated_closes_once_the_ehe_team_is_told(walk: Missing) -> None:
    walk.enquiries_done()
    walk.do(
        WHEREABOUTS,
        date(2026, 12, 2),
        cme_outcome="ehe",
        new_school="",
        new_school_confirmed="",
        ehe_team_told_on=d(date(2026, 12, 2)),
    )
    assert walk.ended_at() == "Found: electively home educated (EHE team told)"
    assert walk.record().status == CmeStatus.CLOSED


def test_found_not_in_suitable_education_hands_the_case_to_the_school_attendance_order_process(
    walk: Missing,
) -> None:
    walk.enquiries_done()
    walk.do(
        WHEREABOUTS,
        date(2026, 12, 2),
        cme_outcome="not_suitable",
        new_school="",
        new_school_confirmed="",
        parent_names="Anna Nowak and Piotr Nowak",
        education_concerns="At home with no education; the parents say they are 'between schools'.",
    )
    assert walk.ended_at() == "Found: not in suitable education"
    assert walk.record().status == CmeStatus.FOUND
    running = instances_of(walk.case)
    sao = running["school_attendance_order"]
    assert (sao.start_message, sao.started_by_id, sao.status) == (
        "school_attendance_order_needed",
        running[PROCESS].id,
        InstanceStatus.RUNNING,
    )
    [first] = factories.open_tasks(walk.case)
    assert (first.name, first.team.name) == ("Make informal enquiries with the family", ACE)
    assert first.due_at == five_pm(date(2026, 12, 9))  # 2 Dec + 5 working days (setting)


def test_not_found_stays_on_the_register_and_comes_back_at_each_review(walk: Missing) -> None:
    walk.enquiries_done()
    walk.do(
        WHEREABOUTS,
        date(2026, 12, 2),
        cme_outcome="not_found",
        found_on=["", "", ""],
        current_address="",
        new_school="",
        new_school_confirmed="",
    )
    review = date(2026, 12, 30)  # 2 Dec + 4 weeks
    record = walk.record()
    assert (record.status, record.next_review_on) == (CmeStatus.MISSING, review)
    assert walk.open() == set() and walk.state().status == InstanceStatus.RUNNING
    assert walk.state().next_timer_at == five_pm(review)
    assert walk.sweep(five_pm(review) - timedelta(seconds=1)) == 0
    assert walk.sweep(five_pm(review) + timedelta(seconds=1)) == 1
    assert walk.task(WHEREABOUTS).due_at == five_pm(date(2027, 1, 7))  # 30 Dec + 5 working days (1 Jan)
    walk.do(WHEREABOUTS, date(2027, 1, 6), found_on=d(date(2027, 1, 6)))
    assert walk.ended_at() == "Found: on roll at a school"


# -- the register page --------------------------------------------------------------------------
def test_the_register_page_shows_the_missing_child_then_the_found_outcome(walk: Missing, client: Any) -> None:
    walk.enquiries_done()
    login(client, "attendance.officer@example.org")
    page = client.get("/cme").get_data(as_text=True)
    assert "Kacper Nowak" in page and "Missing" in page and walk.case.reference in page
    assert "Deleted from roll 30 Nov 2026" in page and WHEREABOUTS in page
    walk.do(WHEREABOUTS, date(2026, 12, 2))
    assert "Kacper Nowak" not in client.get("/cme").get_data(as_text=True)
    closed = client.get("/cme?status=closed").get_data(as_text=True)
    assert (
        "Kacper Nowak" in closed and "Found: on roll at a school" in closed and "Found 2 Dec 2026" in closed
    )


def test_only_ace_and_managers_may_read_the_register(walk: Missing, client: Any) -> None:
    login(client, "school@example.org")
    assert client.get("/cme").status_code == 403
    client.post("/logout")
    login(client, "manager@example.org")
    assert client.get("/cme?status=").status_code == 200


# -- the forms ----------------------------------------------------------------------------------
def test_the_notification_form_asks_for_what_each_reason_needs(ctx: Flask) -> None:
    with time_machine.travel(at(NOTIFIED), tick=False):
        errors = errors_for(
            ctx,
            "cme.notification",
            {**PAGES["cme.notification"], "first_absence_date": ["", "", ""], "school_name": ""},
        )
        assert errors["first_absence_date"] == ["Enter the first day of the continuous absence"]
        assert errors["school_name"] == ["Enter the school"]
        errors = errors_for(
            ctx, "cme.notification", {**PAGES["cme.notification"], "register_notice": "deletion"}
        )
        assert errors["register_change_date"] == ["Enter the date of the change to the register"]
        late = submit(
            ctx,
            "cme.notification",
            {
                **PAGES["cme.notification"],
                "register_notice": "new_registration",
                "register_change_date": d(date(2026, 11, 11)),
            },
        )
        assert late["register_notice_late"] is False  # 11 -> 16 Nov is 5 days: in time


def test_the_deletion_form_needs_g_n_o_codes_and_no_grounds_of_sickness(ctx: Flask) -> None:
    with time_machine.travel(at(DAY_21), tick=False):
        errors = errors_for(
            ctx,
            "cme.deletion_decision",
            {**PAGES["cme.deletion_decision"], "all_sessions_gno": "no", "sickness_grounds": "yes"},
        )
        assert "every session was G, N or O" in errors["all_sessions_gno"][0]
        assert "grounds to believe they are ill" in errors["sickness_grounds"][0]


def test_the_outcome_form_closes_on_a_school_only_when_the_school_confirms(ctx: Flask) -> None:
    with time_machine.travel(at(date(2026, 12, 2)), tick=False):
        errors = errors_for(ctx, "cme.outcome", {**PAGES["cme.outcome"], "new_school_confirmed": "no"})
        assert "confirm the child is on its roll" in errors["new_school_confirmed"][0]
        errors = errors_for(ctx, "cme.outcome", {**PAGES["cme.outcome"], "cme_outcome": "not_suitable"})
        assert errors["parent_names"] == ["Enter the names of the parents"]
        assert errors["education_concerns"] == ["Enter why the child's education is not suitable"]


# -- demo data ----------------------------------------------------------------------------------
def test_the_demo_opens_cme_cases_at_different_stages(ctx: Flask, people: dict[str, User]) -> None:
    import random

    from app import demo_cme

    load_default_terms_if_empty()
    by_email = {u.email: u for u in people.values()}
    with time_machine.travel(at(date(2026, 11, 23)), tick=False):
        opened = demo_cme.seed(by_email, date(2026, 11, 23), random.Random(7))
        db.session.commit()
    assert 6 <= opened <= 10
    rows = cme.register("")
    assert len(rows) >= opened - 1
    statuses = {r.record.status for r in rows}
    assert CmeStatus.MISSING in statuses and CmeStatus.CLOSED in statuses
    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.state == "open")).all()
    teams = {t.team.name for t in open_tasks}
    assert {"ACE", "Schools"} <= teams
    assert any(t.due_at < at(date(2026, 11, 23)) for t in open_tasks)  # some are overdue
