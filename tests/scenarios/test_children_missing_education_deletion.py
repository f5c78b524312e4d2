"""Children missing education: counting the 20 school days of absence, the date of deletion, and
when a school's notice of a change to its admission register is late.

The walk, its page data and its fixtures are in tests/scenarios/cme_support.py: Hammond Academy
tells the council on Monday 16 November 2026 that Kacper has been absent without permission
since Monday 2 November. Here the first day of absence is sometimes a day the school did not meet,
which must not count as a day of absence. Hand-worked dates are beside each test. All times are
17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.extensions import db
from app.models import CmeStatus, User
from app.timescales.term_dates import import_term_dates
from tests.conftest import login
from tests.scenarios.cme_support import (
    DAY_21,
    DELETION,
    LA_ENQUIRIES,
    NOTIFIED,
    PAGES,
    RECORD,
    WHEREABOUTS,
    Missing,
    five_pm,
)
from tests.scenarios.cme_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.cme_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d

# Hammond Academy's own calendar: the LA's autumn 2026 terms, but Monday 2 November is an INSET day.
HAMMOND_TERMS = """term,starts_on,ends_on,closure_days
Autumn 1 2026,2026-09-01,2026-10-23,2026-09-01;2026-09-02
Autumn 2 2026,2026-11-02,2026-12-18,2026-11-02
Spring 1 2027,2027-01-04,2027-02-12,2027-01-04
"""


# -- the first day of absence -------------------------------------------------------------------
def test_a_first_day_of_absence_on_an_inset_day_is_not_a_day_of_absence(
    walk: Missing, people: dict[str, User], client: Any
) -> None:
    # The first absence, Monday 2 Nov 2026, is an INSET day at Hammond Academy, so day 1 is Tue 3 Nov:
    # 3-6 Nov (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 Nov (20). The 20 school days are complete
    # at the end of Monday 30 November, so deletion is possible from Tuesday 1 December.
    import_term_dates(HAMMOND_TERMS, "Hammond Academy", None)
    db.session.commit()
    walk.recorded()
    possible = date(2026, 12, 1)
    assert walk.task(DELETION).due_at == five_pm(possible)
    assert walk.state().next_timer_at == five_pm(possible)  # the chase of the school's enquiries
    walk.enquiries_made()

    # Monday 30 November is the 20th day of absence, still in progress: too early.
    walk.on(date(2026, 11, 30))
    assert walk.refused(DELETION, who="manager", deletion_date=d(possible)) == {
        "deletion_decision": [
            "The pupil cannot be deleted yet. The pupil has been absent for 19 school days before "
            "30 Nov 2026; deletion needs 20 school days of continuous absence, so the earliest date "
            "of deletion is 1 Dec 2026."
        ]
    }

    # The register and the case page give the same date as the task.
    login(client, "attendance.officer@example.org")
    row = client.get("/cme").get_data(as_text=True).split(f'data-case="{walk.case.reference}"', 1)[1]
    assert "Deletion possible from 1 Dec 2026" in row.split("</tr>", 1)[0]
    case_page = client.get(f"/cases/{walk.case.reference}").get_data(as_text=True)
    assert "1 Dec 2026" in case_page.split(DELETION, 1)[1].split("</tr>", 1)[0]

    walk.do(DELETION, possible, who="manager", deletion_date=d(possible))
    assert walk.record().deleted_from_roll_on == possible
    assert walk.open() == {WHEREABOUTS}


def test_a_first_day_of_absence_in_the_half_term_holiday_counts_from_the_first_day_back(
    walk: Missing, people: dict[str, User]
) -> None:
    # The school says the absence began on Saturday 31 October 2026, in the half-term holiday. Day 1
    # is Monday 2 November, so the 20 days end on Friday 27 November (2-6, 9-13, 16-20, 23-27 Nov) and
    # deletion is possible from Monday 30 November, as if the absence had begun on 2 November.
    walk.recorded(first_absence_date=d(date(2026, 10, 31)))
    assert walk.task(DELETION).due_at == five_pm(DAY_21)
    assert walk.state().next_timer_at == five_pm(DAY_21)
    walk.enquiries_made()
    walk.on(date(2026, 11, 27))
    errors = walk.refused(DELETION, who="manager")
    assert list(errors) == ["deletion_decision"]
    assert "absent for 19 school days before 27 Nov 2026" in errors["deletion_decision"][0]
    walk.do(DELETION, DAY_21, who="manager")
    assert walk.record().deleted_from_roll_on == DAY_21


# -- the date of deletion -----------------------------------------------------------------------
def test_the_date_of_deletion_cannot_be_before_the_20_school_days_are_complete(
    walk: Missing, people: dict[str, User], client: Any
) -> None:
    # Decided on Wednesday 2 December, but dated Friday 27 November: only 19 school days of absence
    # (2-6, 9-13, 16-20, 23-26 Nov) came before that date. The earliest date is Monday 30 November.
    walk.recorded()
    walk.enquiries_made()
    walk.on(date(2026, 12, 2))
    early = (
        "The date of deletion must be on or after 30 Nov 2026, the school day after the 20th school "
        "day of absence"
    )
    # Whatever sends the answer, the product refuses it: the services (as the API and the demo)...
    assert walk.refused(DELETION, who="manager", deletion_date=d(date(2026, 11, 27))) == {
        "deletion_date": [early]
    }
    # ... and the task's page, which keeps what was typed.
    login(client, people["manager"].email)
    page = {**PAGES["cme.deletion_decision"], "deletion_date": d(date(2026, 11, 27))}
    response = client.post(f"/tasks/{walk.task(DELETION).id}", data=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and early in html and "20 school days coded N then O" in html
    assert walk.record().deleted_from_roll_on is None
    walk.do(DELETION, date(2026, 12, 2), who="manager", deletion_date=d(DAY_21))
    assert walk.record().deleted_from_roll_on == DAY_21


# -- notices of changes to the admission register -------------------------------------------------
def test_a_deletion_notice_received_after_the_deletion_is_late_whatever_the_5_day_rule_says(
    walk: Missing,
) -> None:
    # Deleted on Friday 13 November, the notice reached the council on Monday 16 November: within 5
    # days, which is the rule for new registrations only. A deletion must be notified no later than
    # the deletion itself, so this one is late.
    walk.recorded(
        notification_reason="deleted_from_roll",
        first_absence_date=["", "", ""],
        register_notice="deletion",
        register_change_date=d(date(2026, 11, 13)),
    )
    record = walk.record()
    assert record.notice_late is True and record.status == CmeStatus.MISSING
    # Not on roll any more: the local authority's enquiries alone.
    assert walk.open() == {LA_ENQUIRIES}


@pytest.mark.parametrize(
    ("notice", "changed", "late"),
    [
        ("deletion", date(2026, 11, 16), False),  # deleted the day the council heard: in time
        ("deletion", date(2026, 11, 20), False),  # told before a deletion planned for Friday 20 Nov
        ("deletion", date(2026, 11, 15), True),  # a day after the deletion
        ("new_registration", date(2026, 11, 11), False),  # 11 -> 16 Nov is 5 days
        ("new_registration", date(2026, 11, 10), True),  # 6 days
        ("no", date(2026, 11, 1), False),  # not a register notice at all
    ],
)
def test_when_a_register_notice_is_late(walk: Missing, notice: str, changed: date, late: bool) -> None:
    task = walk.do(
        RECORD,
        NOTIFIED,
        notification_reason="deleted_from_roll",
        register_notice=notice,
        register_change_date=d(changed),
    )
    assert task.data["register_notice_late"] is late  # what the task recorded
    assert walk.record().notice_late is late  # what the register shows


def test_a_new_registration_cannot_be_dated_after_the_notice_of_it(walk: Missing) -> None:
    assert walk.refused(
        RECORD, register_notice="new_registration", register_change_date=d(date(2026, 11, 17))
    ) == {
        "register_change_date": [
            "The date of a new registration must be on or before the date the notification was received"
        ]
    }
    # Without the date the notice arrived, a new registration still cannot be in the future.
    errors = walk.refused(
        RECORD,
        notice_received_on=["", "", ""],
        register_notice="new_registration",
        register_change_date=d(date(2026, 11, 17)),
    )
    assert errors == {
        "notice_received_on": ["Enter the date the notification was received"],
        "register_change_date": ["The date of a new registration must be today or in the past"],
    }
