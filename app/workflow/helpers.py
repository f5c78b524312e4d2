"""The functions diagram expressions may call (due dates, timers, conditions)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from app.timescales.working_days import deadline_iso, working_days_between


def today() -> str:
    """Today's date in ISO form (read through the clock tests can control)."""
    return date.today().isoformat()


def diagram_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "add_working_days": deadline_iso,
        "working_days_between": working_days_between,
        "today": today,
    }
