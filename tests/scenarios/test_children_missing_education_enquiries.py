"""Children missing education: the notification and the register, the 20-school-day rule and
safeguarding.

The walk, its page data, its fixtures and the hand-worked dates are in tests/scenarios/cme_support.py:
Hammond Academy tells the council on Monday 16 November 2026 that Kacper has been absent without
permission since Monday 2 November; 20 school days of absence are complete on Friday 27 November,
so deletion is possible from Monday 30 November. All times are 17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.models import CmeStatus, User
from app.pathways.cme.register import record_for_case
from tests import factories
from tests.conftest import login
from tests.scenarios.cme_support import (
    CHASE,
    DAY_21,
    DELETION,
    FIRST_ABSENCE,
    LA_ENQUIRIES,
    NOTIFIED,
    PAGES,
    PROCESS,
    SCHOOL_ENQUIRIES,
    SCHOOLS,
    WHEREABOUTS,
    Missing,
    five_pm,
    instances_of,
)
from tests.scenarios.cme_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.cme_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d


# -- the notification and the register ---------------------------------------------------------
def test_the_notification_puts_the_child_on_the_register_and_both_enquiries_and_the_decision_open(
    walk: Missing,
) -> None:
    assert record_for_case(walk.case.id) is None  # not on the register until recorded
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


# -- the 20-school-day rule ----------------------------------------------------------------------
def test_deletion_is_refused_until_both_enquiries_are_recorded_and_20_school_days_have_passed(
    walk: Missing, people: dict[str, User], client: Any
) -> None:
    walk.recorded()
    walk.do(LA_ENQUIRIES, date(2026, 11, 20))
    walk.on(DAY_21)
    assert walk.refused(DELETION, who="manager") == {
        "deletion_decision": [
            "The pupil cannot be deleted yet. The school has not recorded its reasonable enquiries."
        ]
    }
    assert walk.open() == {
        SCHOOL_ENQUIRIES,
        DELETION,
    }
    assert walk.record().deleted_from_roll_on is None
    # The page says so too, keeping what was typed.
    login(client, people["manager"].email)
    response = client.post(f"/tasks/{walk.task(DELETION).id}", data=PAGES["cme.deletion_decision"])
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The school has not recorded its reasonable enquiries" in html
    assert "20 school days coded N then O" in html

    # The school records its enquiries; a day before the 20 days are complete it is still too early.
    walk.do(SCHOOL_ENQUIRIES, date(2026, 11, 20), who="school", lane=SCHOOLS)
    walk.on(date(2026, 11, 27))  # the 20th school day of absence, still in progress
    errors = walk.refused(DELETION, who="manager")
    assert (
        list(errors) == ["deletion_decision"]
        and "absent for 19 school days" in errors["deletion_decision"][0]
    )

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
