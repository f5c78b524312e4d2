"""The functions diagram expressions may call (due dates, timers, conditions).

The school-day helpers and `setting` read the database through the request's (or the
scheduler job's) session. Calendars and settings are read once per app context and kept
in `flask.g` (see app/timescales/school_days.py and settings.py), so a diagram that calls
them for every task costs one query per calendar, not one per call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from app.timescales import school_days
from app.timescales.settings import local_setting
from app.timescales.working_days import deadline_iso, end_of_working_day, working_days_between

DateLike = date | datetime | str


def today() -> str:
    """Today's date in ISO form (read through the clock tests can control)."""
    return date.today().isoformat()


def add_school_days(start: DateLike, n: int, school: str = "") -> str:
    """17:00 London on the n-th school day after `start`, as an ISO string with a UTC offset.

    `school` is the child's school; '' (or a school with no calendar of its own) uses the
    local authority's default term dates.
    """
    return end_of_working_day(school_days.add_school_days(start, int(n), school)).isoformat()


def school_days_between(start: DateLike, end: DateLike, school: str = "") -> int:
    """School days after `start` up to and including `end`."""
    return school_days.school_days_between(start, end, school)


def add_school_weeks(start: DateLike, n: int, school: str = "") -> str:
    """17:00 London on the same weekday in the n-th school week after the week of `start`."""
    return end_of_working_day(school_days.add_school_weeks(start, int(n), school)).isoformat()


def setting(name: str) -> int:
    """The current value of a local setting, e.g. setting("taf_review_weeks")."""
    return local_setting(name)


def diagram_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "add_working_days": deadline_iso,
        "working_days_between": working_days_between,
        "add_school_days": add_school_days,
        "school_days_between": school_days_between,
        "add_school_weeks": add_school_weeks,
        "setting": setting,
        "today": today,
    }
