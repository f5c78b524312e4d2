"""Attendance support: the tier the decision table gives, and tier 2's school-led support.

The walk, its page data and its fixtures are in tests/scenarios/attendance_support_walk.py: a school
asks for support on Tuesday 1 December 2026, on the LA's default term dates (autumn term to
18 December, spring term from 4 January with an INSET day that day). Hand-worked due dates are in
the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.admin import services as admin
from app.extensions import db
from app.models import User
from app.timescales.working_days import end_of_working_day
from tests.scenarios.attendance_support_walk import (
    EARLY,
    IMPROVED,
    MEET,
    MEETING_DUE,
    MISSING,
    REVIEW,
    UNIVERSAL,
)
from tests.scenarios.attendance_support_walk import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.attendance_support_walk import support_fixture as support_fixture  # a fixture
from tests.unit.referral_support import d


# -- the tier -----------------------------------------------------------------------------------
def test_tier_1_needs_no_targeted_support(support: Any) -> None:
    walk = support("97.0")
    assert walk.ended_at() == UNIVERSAL
    assert (walk.data()["tier"], walk.data()["tier_label"]) == (1, "Attendance above the at-risk band")


@pytest.mark.parametrize(
    ("percent", "tier", "first"),
    [("95.0", 2, EARLY), ("90.1", 2, EARLY), ("90.0", 3, MEET), ("50.1", 3, MEET), ("50.0", 4, MEET)],
)
def test_the_tier_decides_the_first_step(support: Any, percent: str, tier: int, first: str) -> None:
    walk = support(percent)
    assert walk.data()["tier"] == tier
    walk.next_is(first, "Schools", MEETING_DUE)


def test_the_tier_follows_the_at_risk_band_an_administrator_sets(
    support: Any, people: dict[str, User]
) -> None:
    assert support("93.0").data()["tier"] == 2  # default band: at risk up to 95%
    admin.change_setting("at_risk_attendance_percent", "92", people["admin"])
    db.session.commit()
    narrower = support("93.0")
    assert narrower.ended_at() == UNIVERSAL
    assert support("92.0").data()["tier"] == 2
    admin.change_setting("at_risk_attendance_percent", "98", people["admin"])
    db.session.commit()
    assert support("97.5").data()["tier"] == 2


# -- tier 2: school-led -------------------------------------------------------------------------
def test_at_risk_school_led_support_that_works_closes(support: Any) -> None:
    walk = support("93.0")
    walk.next_is(EARLY, "Schools", MEETING_DUE)
    walk.do(EARLY, date(2026, 12, 10))
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 22)))  # the review date agreed
    walk.do(REVIEW, date(2027, 1, 22), review_held_on=d(date(2027, 1, 22)))
    assert walk.ended_at() == IMPROVED
    assert walk.meetings() == [
        ("attendance_meeting", date(2026, 12, 10)),
        ("attendance_plan_review", date(2027, 1, 22)),
    ]


def test_at_risk_child_who_cannot_be_found_is_notified_as_missing_education(support: Any) -> None:
    walk = support("93.0")
    walk.do(
        EARLY,
        date(2026, 12, 4),
        meeting_held="no",
        meeting_date=d(date(2026, 12, 4)),
        meeting_attendees="",
        meeting_not_held_reason="No answer at home; neighbours say the family moved out.",
        next_step="child_not_found",
        referral_reasons="Not seen since 20 November; phones dead; home visit found the flat empty.",
        barriers=[],
        barriers_detail="",
        support_offered=[],
        support_taken_up="",
    )
    assert walk.ended_at() == MISSING
    assert walk.meetings() == []  # no meeting took place
