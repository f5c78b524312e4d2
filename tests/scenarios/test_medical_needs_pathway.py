"""Education for children with health needs: eligible and not, a late decision, and safeguarding.

The walk, its page data and its fixtures are in tests/scenarios/medical_support.py: the school's
sickness return arrives on Tuesday 1 December 2026, the return is due Thursday 3 December and the
named officer's decision Tuesday 8 December (local settings' defaults), on the council's default
term dates.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Case, Meeting, ProcessInstance
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.medical_support import ARRANGE, DECIDE, KEEP, LATE, REINTEGRATE, REVIEW, SCHOOLS, Pathway
from tests.scenarios.medical_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.medical_support import walk_fixture as walk_fixture  # a fixture
from tests.scenarios.walk import at
from tests.unit.referral_support import d


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
