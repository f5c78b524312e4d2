"""Attendance tiers: national thresholds, and the local at-risk band."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.timescales.attendance import attendance_tier


@pytest.mark.parametrize(
    ("percent", "tier"),
    [
        (Decimal("38.5"), "Severely absent"),
        (50, "Severely absent"),  # missing half the sessions is severe absence
        (50.1, "Persistently absent"),
        (90, "Persistently absent"),  # missing 10% is persistent absence
        (90.1, "At risk of persistent absence"),
        (95, "At risk of persistent absence"),  # the default top of the local band
        (95.1, "Attendance above the at-risk band"),
    ],
)
def test_tiers_follow_the_national_thresholds_and_the_default_band(percent, tier) -> None:
    assert attendance_tier(percent) == tier
