"""School days and school weeks, worked out by hand over half-terms and Christmas.

Most tests use the shipped local authority default calendar (app/timescales/data/
la_default_terms.csv), read without a database. Its 2026-27 and 2027-28 terms, for the
reasoning in the comments below:

    Autumn 1  Tue 1 Sep 2026 - Fri 23 Oct 2026   INSET Tue 1, Wed 2 Sep
    (half-term 26-30 Oct)
    Autumn 2  Mon 2 Nov 2026 - Fri 18 Dec 2026
    (Christmas 21 Dec - 1 Jan; bank holidays Fri 25, Mon 28 Dec, Fri 1 Jan)
    Spring 1  Mon 4 Jan 2027 - Fri 12 Feb 2027   INSET Mon 4 Jan
    (half-term 15-19 Feb)
    Spring 2  Mon 22 Feb 2027 - Thu 25 Mar 2027
    (Easter 26 Mar - 9 Apr; Good Friday 26 Mar, Easter Monday 29 Mar)
    Summer 1  Mon 12 Apr 2027 - Fri 28 May 2027  (bank holiday Mon 3 May)
    Summer 2  Mon 7 Jun 2027 - Wed 21 Jul 2027   INSET Mon 7 Jun, Wed 21 Jul
    ...
    Autumn 2  Mon 1 Nov 2027 - Fri 17 Dec 2027   INSET Mon 1 Nov
    (Christmas: bank holidays Mon 27, Tue 28 Dec 2027 and Mon 3 Jan 2028)
    Spring 1  Tue 4 Jan 2028 - Fri 11 Feb 2028   INSET Tue 4 Jan
    ...
    Summer 2  Mon 5 Jun 2028 - Thu 20 Jul 2028   INSET Mon 5 Jun
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.timescales.school_calendar import NoTermDates, SchoolCalendar, Term
from app.timescales.school_days import (
    add_school_days,
    add_school_weeks,
    is_school_day,
    nth_school_day,
    school_days_between,
    school_days_from,
    school_weeks_between,
)
from app.timescales.term_dates import DEFAULT_TERMS_CSV, TermDatesInvalid, parse_term_csv

LA = SchoolCalendar([p.term for p in parse_term_csv(DEFAULT_TERMS_CSV.read_text(encoding="utf-8"))])


def test_each_year_of_the_shipped_calendar_has_190_school_days() -> None:
    # 380 sessions a year (BRIEF §1 row 3): 195 weekdays in term less 5 INSET days, once the
    # bank holidays in term (May Day) are left out.
    assert len([d for d in LA.days if date(2026, 8, 1) <= d < date(2027, 8, 1)]) == 190
    assert len([d for d in LA.days if date(2027, 8, 1) <= d < date(2028, 8, 1)]) == 190


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 1), False),  # INSET
        (date(2026, 9, 3), True),  # first day for pupils
        (date(2026, 10, 28), False),  # October half-term
        (date(2026, 12, 21), False),  # Christmas holiday
        (date(2027, 1, 4), False),  # INSET
        (date(2027, 1, 5), True),
        (date(2027, 5, 3), False),  # early May bank holiday, in term
        (date(2027, 5, 4), True),
        (date(2027, 6, 5), False),  # a Saturday in term
        (date(2028, 1, 3), False),  # substitute New Year's Day 2028
    ],
)
def test_school_days(day: date, expected: bool) -> None:
    assert is_school_day(day, LA) is expected


HAND_WORKED_DAYS = [
    # Over October half-term: Fri 23 Oct 2026 + 1 -> the week of 26 Oct is half-term -> Mon 2 Nov.
    (date(2026, 10, 23), 1, date(2026, 11, 2)),
    # Fri 16 Oct + 10: Mon 19 - Fri 23 Oct (5), Mon 2 - Fri 6 Nov (10).
    (date(2026, 10, 16), 10, date(2026, 11, 6)),
    # Over Christmas: Fri 18 Dec 2026 + 1 -> Mon 4 Jan is INSET -> Tue 5 Jan 2027.
    (date(2026, 12, 18), 1, date(2027, 1, 5)),
    # Fri 11 Dec 2026 + 10: Mon 14 - Fri 18 Dec (5), Tue 5 - Fri 8 Jan (9), Mon 11 Jan (10).
    (date(2026, 12, 11), 10, date(2027, 1, 11)),
    # A Christmas-holiday start is day 0 too: Wed 23 Dec 2026 + 1 = Tue 5 Jan 2027.
    (date(2026, 12, 23), 1, date(2027, 1, 5)),
    # February half-term: Fri 12 Feb 2027 + 1 = Mon 22 Feb.
    (date(2027, 2, 12), 1, date(2027, 2, 22)),
    # Easter: Thu 25 Mar 2027 + 1 = Mon 12 Apr (Good Friday and Easter Monday are in the holiday).
    (date(2027, 3, 25), 1, date(2027, 4, 12)),
    # May Day in term: Fri 30 Apr 2027 + 1 = Tue 4 May.
    (date(2027, 4, 30), 1, date(2027, 5, 4)),
    # Late-May half-term, then INSET Mon 7 Jun: Fri 28 May 2027 + 1 = Tue 8 Jun.
    (date(2027, 5, 28), 1, date(2027, 6, 8)),
    # Christmas 2027: Fri 17 Dec + 1 -> 27, 28 Dec and 3 Jan are bank holidays in the holiday
    # anyway; Tue 4 Jan 2028 is INSET -> Wed 5 Jan 2028.
    (date(2027, 12, 17), 1, date(2028, 1, 5)),
    # The 20-day deletion rule across the summer: Mon 12 Jul 2027 + 20: 13-16 Jul (4), Mon 19,
    # Tue 20 Jul (6), 21 Jul INSET; autumn starts with INSET Wed 1, Thu 2 Sep; Fri 3 Sep (7);
    # 6-10 Sep (12), 13-17 Sep (17), Mon 20, Tue 21, Wed 22 Sep (20).
    (date(2027, 7, 12), 20, date(2027, 9, 22)),
]


@pytest.mark.parametrize(("start", "n", "due"), HAND_WORKED_DAYS)
def test_school_days_over_half_terms_and_christmas(start: date, n: int, due: date) -> None:
    assert add_school_days(start, n, LA) == due
    assert school_days_between(start, due, LA) == n


def test_counting_school_days_back() -> None:
    # Tue 5 Jan 2027 - 1 = Fri 18 Dec 2026 (Mon 4 Jan INSET, the holiday, no school).
    assert add_school_days(date(2027, 1, 5), -1, LA) == date(2026, 12, 18)
    assert school_days_between(date(2027, 1, 5), date(2026, 12, 18), LA) == -1


# Periods counted in school days "from" a first day (20 days' absence, 15 days missed): the first
# day is day 1 only if the school meets on it. Otherwise day 1 is the next school day.
HAND_WORKED_PERIODS = [
    # A school day: day 1 is Mon 2 Nov 2026; 2-6 Nov (5), 9-13 (10), 16-20 (15), 23-27 Nov (20).
    (date(2026, 11, 2), 20, date(2026, 11, 27)),
    # An INSET day: Mon 4 Jan 2027 is not counted, day 1 is Tue 5 Jan; 5-8 Jan (4), 11-15 (9),
    # 18-22 (14), 25-29 (19), Mon 1 Feb (20).
    (date(2027, 1, 4), 20, date(2027, 2, 1)),
    # A Saturday in half-term: day 1 is Mon 2 Nov 2026, as if the absence began then.
    (date(2026, 10, 31), 20, date(2026, 11, 27)),
    # A weekday in the October half-term: the same.
    (date(2026, 10, 26), 1, date(2026, 11, 2)),
    # INSET Mon 7 Jun 2027 after the May half-term: day 1 Tue 8 Jun, day 15 Mon 28 Jun
    # (8-11 Jun (4), 14-18 (9), 21-25 (14), Mon 28 (15)).
    (date(2027, 6, 7), 15, date(2027, 6, 28)),
]


@pytest.mark.parametrize(("first", "n", "nth"), HAND_WORKED_PERIODS)
def test_a_period_starting_on_a_day_without_school_counts_from_the_next_school_day(
    first: date, n: int, nth: date
) -> None:
    assert nth_school_day(first, n, LA) == nth
    assert school_days_from(first, nth, LA) == n
    # The day before the n-th school day holds one school day fewer.
    assert school_days_from(first, add_school_days(nth, -1, LA), LA) == n - 1


def test_counting_a_period_that_has_not_started() -> None:
    assert school_days_from(date(2027, 1, 4), date(2027, 1, 4), LA) == 0  # INSET only
    assert school_days_from(date(2026, 11, 2), date(2026, 11, 2), LA) == 1
    assert school_days_from(date(2026, 11, 9), date(2026, 11, 2), LA) == 0  # ends before it starts


HAND_WORKED_WEEKS = [
    # Wed 14 Oct 2026 + 1 school week = Wed 21 Oct.
    (date(2026, 10, 14), 1, date(2026, 10, 21)),
    # + 2: the week of 26 Oct is half-term, not a school week -> Wed 4 Nov.
    (date(2026, 10, 14), 2, date(2026, 11, 4)),
    # A 6-school-week notice to improve from Wed 9 Dec 2026: 14 Dec (1); 21 and 28 Dec are holiday;
    # 4 Jan (2: INSET Monday, school Tue-Fri); 11 Jan (3), 18 Jan (4), 25 Jan (5), 1 Feb (6)
    # -> Wed 3 Feb 2027.
    (date(2026, 12, 9), 6, date(2027, 2, 3)),
    # The week of 19 Jul 2027 has school on Mon 19 and Tue 20 only (Wed 21 INSET): still a school
    # week. Fri 16 Jul + 1 = Fri 23 Jul, a day in the holidays, in the last school week of the year.
    (date(2027, 7, 16), 1, date(2027, 7, 23)),
    # The penalty-notice window, 10 school weeks back from Mon 18 Jan 2027, spans terms:
    # 11 Jan (1), 4 Jan (2), Christmas (none), 14 Dec (3), 7 Dec (4), 30 Nov (5), 23 Nov (6),
    # 16 Nov (7), 9 Nov (8), 2 Nov (9), half-term (none), 19 Oct (10) -> Mon 19 Oct 2026.
    (date(2027, 1, 18), -10, date(2026, 10, 19)),
]


@pytest.mark.parametrize(("start", "n", "due"), HAND_WORKED_WEEKS)
def test_school_weeks_skip_weeks_with_no_school(start: date, n: int, due: date) -> None:
    assert add_school_weeks(start, n, LA) == due
    assert school_weeks_between(start, due, LA) == n


def test_school_weeks_between_across_easter() -> None:
    # After the week of Fri 19 Mar 2027: 22 Mar (1); the Easter weeks of 29 Mar and 5 Apr have no
    # school; 12 Apr (2), 19 Apr (3).
    assert school_weeks_between(date(2027, 3, 19), date(2027, 4, 19), LA) == 3


def test_bank_holidays_and_closures_are_never_school_days_in_a_schools_own_calendar() -> None:
    # An academy whose term runs through the summer bank holiday (Mon 31 Aug 2026) and Easter
    # 2027 (Good Friday 26 Mar, Easter Monday 29 Mar).
    academy = SchoolCalendar(
        [
            Term(date(2026, 8, 31), date(2026, 9, 11), frozenset({date(2026, 9, 4)})),
            Term(date(2027, 3, 22), date(2027, 4, 2)),
        ],
        "Hammond Academy",
    )
    assert not academy.is_school_day(date(2026, 8, 31))
    assert not academy.is_school_day(date(2026, 9, 4))  # closure day
    # Mon 31 Aug is day 0; Tue 1, Wed 2, Thu 3 (3), Fri 4 closed, Mon 7 (4).
    assert academy.add_school_days(date(2026, 8, 31), 4) == date(2026, 9, 7)
    # 22-25 Mar (4), 26 and 29 Mar bank holidays, 30 Mar - 2 Apr (8).
    assert academy.school_days_between(date(2027, 3, 21), date(2027, 4, 2)) == 8


def test_a_week_of_closure_days_is_not_a_school_week() -> None:
    closed = frozenset(date(2026, 9, d) for d in range(7, 12))  # Mon 7 - Fri 11 Sep
    school = SchoolCalendar([Term(date(2026, 9, 1), date(2026, 9, 25), closed)], "Closed week school")
    # After the week of 31 Aug: 7 Sep is closed all week; 14 Sep (1), 21 Sep (2).
    assert school.add_school_weeks(date(2026, 9, 2), 2) == date(2026, 9, 23)


def test_questions_beyond_the_loaded_terms_are_refused_not_guessed() -> None:
    # The shipped calendar ends on Thu 20 Jul 2028: autumn 2028 is not known.
    with pytest.raises(NoTermDates, match="No term dates after 2028-07-20"):
        add_school_days(date(2028, 7, 18), 5, LA)
    with pytest.raises(NoTermDates, match="before 2026-09-01"):
        school_days_between(date(2026, 7, 1), date(2026, 9, 10), LA)
    with pytest.raises(NoTermDates, match="No term dates are loaded"):
        SchoolCalendar([]).add_school_days(date(2026, 9, 1), 1)
    with pytest.raises(NoTermDates, match="No term dates after 2028-07-20"):
        add_school_weeks(date(2026, 8, 31), 200, LA)
    with pytest.raises(NoTermDates, match="No term dates before 2026-09-01"):
        add_school_weeks(date(2026, 10, 7), -10, LA)
    # Counting from the day before the first term needs no unknown day.
    assert add_school_days(date(2026, 8, 31), 1, LA) == date(2026, 9, 3)
    with pytest.raises(NoTermDates, match="No term dates after 2028-07-20"):
        add_school_days(date(2026, 8, 31), 1000, LA)


@settings(max_examples=200, deadline=None, database=None)
@given(
    start=st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_school_day_and_week_arithmetic_round_trips(start: date, n: int) -> None:
    due = add_school_days(start, n, LA)
    assert is_school_day(due, LA) and school_days_between(start, due, LA) == n
    week = add_school_weeks(start, min(n, 20), LA)
    assert week.weekday() == start.weekday()
    assert school_weeks_between(start, week, LA) == min(n, 20)


# -- the CSV format ------------------------------------------------------------------------


def test_a_csv_file_with_mistakes_names_every_wrong_line() -> None:
    text = (
        "term,starts_on,ends_on,closure_days\n"
        "Autumn 1,2026-09-03,2026-10-23,2026-09-03\n"
        "Autumn 2,02/11/2026,2026-10-18,\n"
        "Spring 1,2027-01-05,2027-02-30,\n"
        "Spring 2,2027-02-22,2027-03-26,2027-04-01\n"
        "Summer 1,2027-03-01,2027-04-30,\n"
        "Summer 2,2027-06-07,2028-07-21,\n"
    )
    with pytest.raises(TermDatesInvalid) as caught:
        parse_term_csv(text)
    assert caught.value.problems == [
        "Line 3: the end date is before the start date",
        "Line 4: the end date '2027-02-30' is not a real date (write 2026-09-01)",
        "Line 5: closure day 2027-04-01 is not inside the term",
        "Line 7: the term is longer than 20 weeks; check the years",
    ]


def test_overlapping_terms_and_a_missing_header_are_refused() -> None:
    with pytest.raises(TermDatesInvalid, match="Line 3: the term overlaps the term on line 2"):
        parse_term_csv("term,starts_on,ends_on\nA,2026-09-01,2026-10-23\nB,2026-10-19,2026-12-18\n")
    with pytest.raises(TermDatesInvalid, match="Line 1: the header must name the columns"):
        parse_term_csv("2026-09-01,2026-10-23\n")
    with pytest.raises(TermDatesInvalid, match="The file has no terms"):
        parse_term_csv("# nothing yet\nterm,starts_on,ends_on,closure_days\n")


def test_uk_style_dates_and_comment_lines_are_read() -> None:
    (only,) = parse_term_csv("\ufeff# exported from Excel\nterm,starts_on,ends_on\nA,01/09/2026,23/10/2026\n")
    assert (only.line, only.term.starts_on, only.term.ends_on) == (3, date(2026, 9, 1), date(2026, 10, 23))
