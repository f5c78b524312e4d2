"""Attendance tiers, as the national definitions and the local at-risk band set them."""

from __future__ import annotations

from decimal import Decimal

from app.timescales.settings import local_setting

SEVERE_AT_OR_BELOW = 50.0  # missing 50% or more of possible sessions (national definition)
PERSISTENT_AT_OR_BELOW = 90.0  # missing 10% or more (national definition)


def attendance_tier(percent: float | Decimal) -> str:
    """The tier for an attendance percentage; the at-risk band's top is a local setting."""
    value = float(percent)
    if value <= SEVERE_AT_OR_BELOW:
        return "Severely absent"
    if value <= PERSISTENT_AT_OR_BELOW:
        return "Persistently absent"
    if value <= local_setting("at_risk_attendance_percent"):
        return "At risk of persistent absence"
    return "Attendance above the at-risk band"
