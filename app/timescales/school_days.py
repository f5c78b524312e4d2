"""School-day and school-week arithmetic for a named school (BRIEF §8: NTI, 10-day absence,
20-day deletion, 15-day medical needs, the penalty notice's rolling 10 school weeks).

`school` is the school's name as recorded on the child (matched ignoring case and outer
spaces). A school with no terms of its own uses the local authority's default calendar.
Tests and callers that already hold a calendar may pass a `SchoolCalendar` instead.

Calendars are read from the database once per app context (a request, a scheduler job, a
CLI command) and kept in `flask.g`; anything that changes term dates calls
`forget_cached_calendars()` so the same context sees the change.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import SchoolTerm
from app.timescales.school_calendar import NoTermDates, SchoolCalendar, Term
from app.timescales.working_days import as_date

__all__ = [
    "NoTermDates",
    "SchoolCalendar",
    "add_school_days",
    "add_school_weeks",
    "calendar_for",
    "forget_cached_calendars",
    "is_school_day",
    "nth_school_day",
    "school_days_between",
    "school_days_from",
    "school_weeks_between",
]

_CACHE_KEY = "_casework_school_calendars"
DEFAULT_LABEL = "the local authority's default calendar"

School = str | SchoolCalendar | None
DateLike = date | datetime | str


def school_key(school: str | None) -> str:
    """How school names are matched: case and surrounding spaces ignored; '' is the LA default."""
    return " ".join((school or "").split()).lower()


def _load_terms(key: str) -> tuple[list[Term], str]:
    """The terms of one calendar, and the school's name as stored."""
    condition = SchoolTerm.school.is_(None) if not key else func.lower(SchoolTerm.school) == key
    with db.session.no_autoflush:
        rows = db.session.scalars(
            select(SchoolTerm).options(selectinload(SchoolTerm.closures)).where(condition)
        ).all()
    terms = [Term(r.starts_on, r.ends_on, frozenset(c.day for c in r.closures), r.name) for r in rows]
    return terms, (rows[0].school or DEFAULT_LABEL) if rows else DEFAULT_LABEL


def calendar_for(school: School) -> SchoolCalendar:
    """The calendar of `school`, or the LA default when the school has no terms of its own."""
    if isinstance(school, SchoolCalendar):
        return school
    key = school_key(school)
    cache: dict[str, SchoolCalendar] = {}
    if has_app_context():
        cache = g.setdefault(_CACHE_KEY, {})
    if key in cache:
        return cache[key]
    terms, label = _load_terms(key) if key else ([], DEFAULT_LABEL)
    if terms:
        calendar = SchoolCalendar(terms, label=label)
    elif "" in cache:
        calendar = cache[""]
    else:
        calendar = SchoolCalendar(*_load_terms(""))
        cache[""] = calendar
    cache[key] = calendar
    return calendar


def forget_cached_calendars() -> None:
    """Drop this app context's calendars, after term dates change."""
    if has_app_context():
        g.pop(_CACHE_KEY, None)


def is_school_day(day: DateLike, school: School = None) -> bool:
    """Whether the school meets on `day`; raises NoTermDates outside the loaded terms."""
    return calendar_for(school).is_school_day(as_date(day))


def add_school_days(start: DateLike, n: int, school: School = None) -> date:
    """The n-th school day after `start` (day 0); negative n counts back."""
    return calendar_for(school).add_school_days(as_date(start), n)


def school_days_between(start: DateLike, end: DateLike, school: School = None) -> int:
    """School days after `start` up to and including `end`; negative if `end` is earlier."""
    return calendar_for(school).school_days_between(as_date(start), as_date(end))


def nth_school_day(first_day: DateLike, n: int, school: School = None) -> date:
    """The n-th school day of a period beginning on `first_day`, which is day 1 only on a school day."""
    return calendar_for(school).nth_school_day(as_date(first_day), n)


def school_days_from(first_day: DateLike, last_day: DateLike, school: School = None) -> int:
    """School days from `first_day` to `last_day`, both included; 0 if `last_day` is earlier."""
    return calendar_for(school).school_days_from(as_date(first_day), as_date(last_day))


def add_school_weeks(start: DateLike, n: int, school: School = None) -> date:
    """The same weekday in the n-th school week after the week holding `start`."""
    return calendar_for(school).add_school_weeks(as_date(start), n)


def school_weeks_between(start: DateLike, end: DateLike, school: School = None) -> int:
    """School weeks after the week holding `start`, up to and including the week holding `end`."""
    return calendar_for(school).school_weeks_between(as_date(start), as_date(end))
