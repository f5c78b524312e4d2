"""Education for children with health needs: counting 15 school days, consecutive or cumulative.

The days a child is expected to miss are the school days already missed in earlier absences this
school year plus the school days of the current absence up to the day they are expected back, or,
if that is more, the days missed so far. School holidays and INSET days are not counted. The walk
and its fixtures are in tests/scenarios/medical_support.py, on the council's default term dates
(autumn 2 term 2 November to 18 December 2026; Monday 4 January 2027 is an INSET day).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.scenarios.medical_support import RETURN, SCHOOLS, Pathway
from tests.scenarios.medical_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.medical_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d

NO_RETURN = ["", "", ""]

HAND_WORKED = [
    pytest.param(
        # Off sick for 10 school days in September and October; off again since Monday 30 November,
        # expected back Monday 7 December. This absence: 30 Nov, 1, 2, 3 and 4 Dec = 5 school days.
        # 10 + 5 = 15, so it is clear she will miss 15 school days, though only 13 are missed so far
        # (10 + 30 Nov, 1 and 2 Dec) when the school makes its return on Wednesday 2 December.
        date(2026, 12, 2),
        {
            "absence_pattern": "cumulative",
            "health_absence_days": "13",
            "earlier_health_absence_days": "10",
            "first_health_absence": d(date(2026, 11, 30)),
            "expected_return_date": d(date(2026, 12, 7)),
        },
        5,
        15,
        True,
        id="earlier absences add to the days expected in this one",
    ),
    pytest.param(
        # 11 school days missed in earlier absences; off since Friday 18 December, expected back
        # Thursday 7 January 2027. This absence: Fri 18 Dec, then the Christmas holiday, Mon 4 Jan
        # (an INSET day, not counted), Tue 5 and Wed 6 Jan = 3 school days. 11 + 3 = 14: not yet 15.
        date(2027, 1, 5),
        {
            "absence_pattern": "cumulative",
            "health_absence_days": "13",
            "earlier_health_absence_days": "11",
            "first_health_absence": d(date(2026, 12, 18)),
            "expected_return_date": d(date(2027, 1, 7)),
        },
        3,
        14,
        False,
        id="holidays and INSET days in this absence are not counted",
    ),
    pytest.param(
        # One absence since Monday 16 November, expected back Monday 11 January: 16 Nov - 18 Dec is 25
        # school days, then 5, 6, 7 and 8 Jan (4 Jan is INSET) = 29. Earlier absences are not asked for.
        date(2026, 12, 2),
        {"absence_pattern": "consecutive", "earlier_health_absence_days": ""},
        29,
        29,
        True,
        id="one continuous absence",
    ),
    pytest.param(
        # Spread across the year with nobody knowing when she will be back: the days so far are all
        # that can be counted.
        date(2026, 12, 2),
        {
            "absence_pattern": "cumulative",
            "health_absence_days": "14",
            "earlier_health_absence_days": "11",
            "first_health_absence": d(date(2026, 11, 30)),
            "expected_return_date": NO_RETURN,
        },
        0,
        14,
        False,
        id="no expected return: the days missed so far",
    ),
]


@pytest.mark.parametrize(("on", "answers", "this_absence", "projected", "clear"), HAND_WORKED)
def test_the_days_expected_to_be_missed_over_the_school_year(
    walk: Pathway, on: date, answers: dict[str, Any], this_absence: int, projected: int, clear: bool
) -> None:
    walk.do(RETURN, on, "school", SCHOOLS, will_miss_15_days="not_known", **answers)
    data = walk.data()
    assert data["school_days_to_expected_return"] == this_absence
    assert data["projected_health_absence_days"] == projected
    assert data["fifteen_days_clear"] is clear


def test_the_school_says_how_many_days_were_missed_in_earlier_absences(walk: Pathway) -> None:
    def errors(**changes: Any) -> dict[str, list[str]]:
        return walk.refused(RETURN, "school", SCHOOLS, **changes)

    walk.on(date(2026, 12, 2))
    assert errors(absence_pattern="cumulative") == {
        "earlier_health_absence_days": ["Enter the number of school days missed in earlier absences"]
    }
    assert errors(absence_pattern="cumulative", earlier_health_absence_days="12") == {
        "earlier_health_absence_days": [
            "School days missed in earlier absences must be no more than the school days missed"
            " this school year"
        ]
    }
    assert errors(absence_pattern="cumulative", earlier_health_absence_days="three") == {
        "earlier_health_absence_days": [
            "School days missed in earlier absences must be a whole number, like 12"
        ]
    }
    assert errors(absence_pattern="cumulative", earlier_health_absence_days="-1") == {
        "earlier_health_absence_days": ["School days missed in earlier absences must be 0 or more"]
    }
    # One continuous absence does not ask for earlier ones.
    walk.do(RETURN, date(2026, 12, 2), "school", SCHOOLS, earlier_health_absence_days="")
    assert walk.data()["absence_pattern"] == "consecutive"
