"""Children missing education: every outcome of the search, and the register page.

The walk, its page data, its fixtures and the hand-worked dates are in tests/scenarios/cme_support.py:
Hammond Academy tells the council on Monday 16 November 2026 that Kacper has been absent without
permission since Monday 2 November; 20 school days of absence are complete on Friday 27 November,
so deletion is possible from Monday 30 November. All times are 17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.models import CmeStatus, InstanceStatus
from tests import factories
from tests.conftest import login
from tests.scenarios.cme_support import ACE, PROCESS, WHEREABOUTS, Missing, five_pm, instances_of
from tests.scenarios.cme_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.cme_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d


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
    login(client, "attendance.officer@example.org")  # days later: the session has expired
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
