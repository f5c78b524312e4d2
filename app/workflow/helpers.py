"""The functions diagram expressions may call (due dates, timers, conditions).

The school-day helpers and `setting` read the database through the request's (or the
scheduler job's) session. Calendars and settings are read once per app context and kept
in `flask.g` (see app/timescales/school_days.py and settings.py), so a diagram that calls
them for every task costs one query per calendar, not one per call.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from app.timescales import school_days
from app.timescales.settings import local_setting
from app.timescales.working_days import (
    MAX_YEARS,
    TooFar,
    as_date,
    deadline_iso,
    end_of_working_day,
    working_days_between,
)

DateLike = date | datetime | str
MAX_DAYS = 366 * MAX_YEARS
MAX_MONTHS = 12 * MAX_YEARS


def _count(n: int, most: int, unit: str) -> int:
    """`n` as a whole number of `unit`, refused beyond `most` (a mistake, not a timescale)."""
    count = int(n)
    if abs(count) > most:
        raise TooFar(
            f"{unit.capitalize()} are counted at most {most:,} at a time ({MAX_YEARS} years), not {count:,}"
        )
    return count


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


def _plus_months(day: date, n: int) -> date:
    """The same day of the month n months on, or the month's last day if it is shorter."""
    year, month = divmod(day.month - 1 + int(n), 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months(start: DateLike, n: int) -> str:
    """17:00 London on the same day of the month n months after `start` (31 Jan + 1 = 28 Feb)."""
    return end_of_working_day(_plus_months(as_date(start), _count(n, MAX_MONTHS, "months"))).isoformat()


def add_days(start: DateLike, n: int) -> str:
    """17:00 London on the n-th calendar day after `start` (negative n goes back)."""
    return end_of_working_day(as_date(start) + timedelta(days=_count(n, MAX_DAYS, "days"))).isoformat()


def review_cycle(start: DateLike, months: int, notice_days: int = 0) -> str:
    """An unbounded timer cycle for reviews due every n months from `start`.

    The first round is at 17:00 London `notice_days` before the day n months after `start`,
    so the task to arrange the review arrives with that much notice.

    SpiffWorkflow turns a cycle's period into a fixed number of seconds when the timer is first
    evaluated, so "P3M" would repeat the length of the first three months for ever and drift
    late by up to 3 days a year. The period here is the shortest n calendar months can be
    (89 days for 3), so no later round is ever later than n months after the one before.

    Raises TooFar unless the cycle repeats every 1 to MAX_MONTHS months with at most a year's
    notice: a cycle of 0 months would fire on every sweep for ever.
    """
    months = int(months)
    if not 1 <= months <= MAX_MONTHS or not 0 <= int(notice_days) <= 366:
        raise TooFar(
            f"A review cycle repeats every 1 to {MAX_MONTHS} months with 0 to 366 days' notice, "
            f"not every {months:,} months with {int(notice_days):,} days"
        )
    shortest = min((_plus_months(date(2027, m, 1), months) - date(2027, m, 1)).days for m in range(1, 13))
    first = _plus_months(as_date(start), months) - timedelta(days=int(notice_days))
    return f"R/{end_of_working_day(first).isoformat()}/P{shortest}D"


def diagram_helpers() -> dict[str, Callable[..., Any]]:
    return {
        "add_working_days": deadline_iso,
        "working_days_between": working_days_between,
        "add_school_days": add_school_days,
        "school_days_between": school_days_between,
        "add_school_weeks": add_school_weeks,
        "add_days": add_days,
        "add_months": add_months,
        "review_cycle": review_cycle,
        "setting": setting,
        "today": today,
    }
