"""The census duration bands at their edges, counted in working days across a bank holiday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.dashboard.bands import CENSUS_BANDS, WorkingDayCount, census_band
from app.timescales.working_days import add_working_days, working_days_between

# Thursday 28 March 2024: Good Friday (29th) and Easter Monday (1 April) follow.
REFERRAL = date(2024, 3, 28)


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, "same_day"),
        (1, "1_10"),
        (10, "1_10"),
        (11, "11_20"),
        (20, "11_20"),
        (21, "21_30"),
        (40, "31_40"),
        (41, "41_45"),
        (45, "41_45"),
        (46, "46_50"),
        (50, "46_50"),
        (51, "51_60"),
        (60, "51_60"),
        (61, "61_plus"),
        (400, "61_plus"),
    ],
)
def test_band_edges_across_easter(days: int, band: str) -> None:
    authorised = add_working_days(REFERRAL, days)
    count = WorkingDayCount(REFERRAL, authorised)
    assert count.between(REFERRAL, authorised) == days
    assert census_band(count.between(REFERRAL, authorised)).key == band


def test_the_first_working_day_after_easter_is_day_one() -> None:
    # Friday and Monday are bank holidays: Tuesday 2 April is 1 working day after the referral.
    count = WorkingDayCount(REFERRAL, date(2024, 6, 30))
    assert count.between(REFERRAL, date(2024, 4, 1)) == 0  # still the same day in the census
    assert count.between(REFERRAL, date(2024, 4, 2)) == 1
    # 45 working days from 28 March 2024 is Wednesday 5 June 2024 (the brief's test vector).
    assert count.between(REFERRAL, date(2024, 6, 5)) == 45
    assert count.between(REFERRAL, date(2024, 6, 6)) == 46


def test_the_bands_cover_every_count_once() -> None:
    for days in range(0, 200):
        assert sum(1 for b in CENSUS_BANDS if b.holds(days)) == 1


def test_the_running_count_agrees_with_the_timescales_module_over_two_years() -> None:
    first = date(2025, 12, 1)
    count = WorkingDayCount(first, first + timedelta(days=730))
    for offset in range(0, 730, 7):
        start = first + timedelta(days=offset)
        for length in (0, 1, 3, 12, 45, 64):
            end = start + timedelta(days=length)
            if end <= first + timedelta(days=730):
                assert count.between(start, end) == working_days_between(start, end), (start, end)


def test_a_date_outside_the_count_is_refused() -> None:
    count = WorkingDayCount(REFERRAL, REFERRAL + timedelta(days=10))
    with pytest.raises(ValueError):
        count.between(REFERRAL, REFERRAL + timedelta(days=11))
