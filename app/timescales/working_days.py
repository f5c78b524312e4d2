"""Working-day arithmetic as local authorities count statutory timescales.

Weekends and England bank holidays do not count; the start day is day 0, so a
decision due "within 1 working day" of a Friday referral is due on Monday.
"""

from __future__ import annotations

import operator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
END_OF_DAY = time(17, 0)
# Counting is day by day: a diagram asking for a billion working days would hold a request
# (and the case's lock) for minutes. No statutory timescale comes near 20 years.
MAX_YEARS = 20
MAX_WORKING_DAYS = 260 * MAX_YEARS


class TooFar(ValueError):
    """A count or span of working days beyond MAX_YEARS: a mistake, not a timescale."""


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # Without subdiv="ENG" the list lacks Easter Monday and the summer bank holiday.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def as_date(value: date | datetime | str) -> date:
    """Accept a date, a datetime (read in London time) or an ISO string."""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "T" in text:
        return as_date(datetime.fromisoformat(text))
    return date.fromisoformat(text[:10])


def add_working_days(start: date | datetime | str, days: int) -> date:
    """The date `days` working days after `start` (day 0). Negative counts go back.

    Raises TypeError for a count that is not a whole number and TooFar beyond MAX_WORKING_DAYS.
    """
    days = operator.index(days)  # 1.5 would never count down to 0
    if abs(days) > MAX_WORKING_DAYS:
        raise TooFar(
            f"Working days are counted at most {MAX_WORKING_DAYS:,} at a time ({MAX_YEARS} years), "
            f"not {days:,}"
        )
    day = as_date(start)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date | datetime | str, end: date | datetime | str) -> int:
    """Working days from `start` (day 0) to `end`; negative if `end` is earlier.

    Raises TooFar if the dates are more than MAX_YEARS apart.
    """
    a, b = as_date(start), as_date(end)
    if abs((b - a).days) > 366 * MAX_YEARS:
        raise TooFar(
            f"Working days are counted between dates at most {MAX_YEARS} years apart, not {a} and {b}"
        )
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def end_of_working_day(day: date) -> datetime:
    """17:00 London time on `day`, in UTC: when a task due that day becomes late."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON).astimezone(UTC)


def deadline_iso(start: date | datetime | str, days: int) -> str:
    """For diagram expressions: the deadline as an ISO string with a UTC offset."""
    return end_of_working_day(add_working_days(start, days)).isoformat()
