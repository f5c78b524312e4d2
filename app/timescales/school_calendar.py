"""One school's calendar as plain data: which days are school days, and counting them.

No database here: `SchoolCalendar` is built from `Term`s (loaded from the database by
app/timescales/school_days.py, or from a CSV file by app/timescales/term_dates.py), so the
arithmetic is unit-tested without one.

A school day is a weekday inside a term that is neither a closure (INSET) day nor an
England and Wales bank holiday. A school week is any Monday-to-Sunday week with at least
one school day (BRIEF §1 row 7). Counting follows the working-day rule: the start day is
day 0, so "1 school day after" Friday before half-term is the first day back.

The calendar only knows the days from its first term's start to its last term's end; a
question that needs a day outside that span raises `NoTermDates` rather than guess.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NoReturn

from app.timescales.working_days import is_working_day

ONE_DAY = timedelta(days=1)


class NoTermDates(LookupError):
    """The term dates needed to answer are not loaded."""


@dataclass(frozen=True)
class Term:
    starts_on: date
    ends_on: date
    closures: frozenset[date] = field(default_factory=frozenset)
    name: str = ""


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class SchoolCalendar:
    """The school days of one calendar, held as a sorted list for O(log n) counting."""

    def __init__(self, terms: Iterable[Term], label: str = "the local authority's default calendar") -> None:
        self.label = label
        self.terms = sorted(terms, key=lambda t: t.starts_on)
        days: list[date] = []
        for term in self.terms:
            day = term.starts_on
            while day <= term.ends_on:
                if is_working_day(day) and day not in term.closures:
                    days.append(day)
                day += ONE_DAY
        self.days = sorted(set(days))
        self.weeks = sorted({monday_of(d) for d in self.days})
        self.first = self.terms[0].starts_on if self.terms else None
        self.last = max((t.ends_on for t in self.terms), default=None)

    # -- what the calendar knows ---------------------------------------------------------

    def _require(self, low: date, high: date) -> None:
        """Refuse a question about any day in [low, high] outside the loaded terms."""
        if low > high:
            return
        if self.first is None or self.last is None:
            raise NoTermDates(f"No term dates are loaded for {self.label}")
        if low < self.first:
            raise NoTermDates(f"No term dates before {self.first.isoformat()} are loaded for {self.label}")
        if high > self.last:
            self._run_out()

    def _run_out(self) -> NoReturn:
        """Counting forward ran past the last loaded term."""
        last = self.last.isoformat() if self.last else "?"
        raise NoTermDates(f"No term dates after {last} are loaded for {self.label}")

    def _run_out_backwards(self) -> NoReturn:
        first = self.first.isoformat() if self.first else "?"
        raise NoTermDates(f"No term dates before {first} are loaded for {self.label}")

    def _require_weeks(self, low: date, high: date) -> None:
        """Refuse a question about any week (given by its Monday) outside the loaded terms."""
        if low > high:
            return
        if self.first is None or self.last is None:
            raise NoTermDates(f"No term dates are loaded for {self.label}")
        if low < monday_of(self.first):
            self._require(low, low)
        if high > monday_of(self.last):
            self._require(high, high)

    # -- days ----------------------------------------------------------------------------

    def is_school_day(self, day: date) -> bool:
        self._require(day, day)
        index = bisect_left(self.days, day)
        return index < len(self.days) and self.days[index] == day

    def add_school_days(self, start: date, n: int) -> date:
        """The n-th school day after `start` (day 0); negative n counts back."""
        if n == 0:
            return start
        if n > 0:
            self._require(start + ONE_DAY, start + ONE_DAY)
            index = bisect_right(self.days, start) + n - 1
            if index >= len(self.days):
                self._run_out()
            return self.days[index]
        self._require(start - ONE_DAY, start - ONE_DAY)
        index = bisect_left(self.days, start) + n
        if index < 0:
            self._run_out_backwards()
        return self.days[index]

    def school_days_between(self, start: date, end: date) -> int:
        """School days after `start` up to and including `end`; negative if `end` is earlier."""
        if end < start:
            return -self.school_days_between(end, start)
        self._require(start + ONE_DAY, end)
        return bisect_right(self.days, end) - bisect_right(self.days, start)

    def nth_school_day(self, first_day: date, n: int) -> date:
        """The n-th school day of a period beginning on `first_day` (n >= 1).

        `first_day` is day 1 only if the school meets on it; a period that begins on an INSET
        day, a weekend or in a holiday starts counting at the next school day. This is how a
        run of absence is counted (20 school days' absence, 15 school days missed): a day the
        pupil could not have attended is never a day of absence.
        """
        if n < 1:
            raise ValueError("A period's school days are numbered from 1")
        return self.add_school_days(first_day - ONE_DAY, n)

    def school_days_from(self, first_day: date, last_day: date) -> int:
        """School days from `first_day` to `last_day`, both included; 0 if `last_day` is earlier."""
        if last_day < first_day:
            return 0
        return self.school_days_between(first_day - ONE_DAY, last_day)

    # -- weeks ---------------------------------------------------------------------------

    def add_school_weeks(self, start: date, n: int) -> date:
        """The same weekday as `start` in the n-th school week after the week holding `start`.

        The week holding `start` is week 0 whether or not it is a school week, so a notice
        given on a Wednesday with a 6-school-week period ends on a Wednesday, half-terms
        and holidays not counted. Negative n counts back.
        """
        if n == 0:
            return start
        week = monday_of(start)
        if n > 0:
            self._require_weeks(week + 7 * ONE_DAY, week + 7 * ONE_DAY)
            index = bisect_right(self.weeks, week) + n - 1
            if index >= len(self.weeks):
                self._run_out()
        else:
            self._require_weeks(week - 7 * ONE_DAY, week - 7 * ONE_DAY)
            index = bisect_left(self.weeks, week) + n
            if index < 0:
                self._run_out_backwards()
        return self.weeks[index] + timedelta(days=start.weekday())

    def school_weeks_between(self, start: date, end: date) -> int:
        """School weeks after the week holding `start`, up to and including the week holding `end`."""
        if end < start:
            return -self.school_weeks_between(end, start)
        a, b = monday_of(start), monday_of(end)
        self._require_weeks(a + 7 * ONE_DAY, b)
        return bisect_right(self.weeks, b) - bisect_right(self.weeks, a)
