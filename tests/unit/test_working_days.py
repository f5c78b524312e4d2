"""The working-day calendar against dates worked out by hand from the published England and
Wales bank-holiday lists (gov.uk/bank-holidays), and its arithmetic as properties.

Convention (BRIEF §8): the start day is day 0; the deadline is the N-th working day after it.
A working day is Monday to Friday and not an England and Wales bank holiday.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import working_days_add, working_days_between_command
from app.timescales.working_days import add_working_days, is_working_day, working_days_between

# (start, working days, due date, how it was worked out by hand)
HAND_WORKED = [
    # Tue 1 Dec 2026, day 0. Dec: 2-4 (3), 7-11 (8), 14-18 (13), 21-24 (17); Fri 25 Christmas;
    # Boxing Day is Sat 26 so Mon 28 is its substitute; 29-31 (20). Jan 2027: Fri 1 New Year's
    # Day; 4-8 (25), 11-15 (30), 18-22 (35), 25-29 (40). Feb: 1, 2, 3, 4 (44), Fri 5 (45).
    (date(2026, 12, 1), 45, date(2027, 2, 5)),
    # Mon 2 Dec 2024: 3-6 (4), 9-13 (9), 16-20 (14), 23-24 (16); 25, 26 Dec holidays; 27 (17),
    # 30-31 (19); 1 Jan holiday; 2-3 (21), 6-10 (26), 13-17 (31), 20-24 (36), 27-31 (41);
    # Feb 3, 4, 5 (44), Thu 6 (45). Matches the BRIEF §8 table.
    (date(2024, 12, 2), 45, date(2025, 2, 6)),
    # Christmas 2021 on a Saturday, Boxing Day on a Sunday: substitutes Mon 27 and Tue 28 Dec.
    # Fri 24 Dec + 1 = Wed 29 Dec.
    (date(2021, 12, 24), 1, date(2021, 12, 29)),
    # ...and New Year's Day 2022 a Saturday: substitute Mon 3 Jan 2022. From Fri 24 Dec 2021:
    # Wed 29 (1), Thu 30 (2), Fri 31 (3), Tue 4 Jan (4).
    (date(2021, 12, 24), 4, date(2022, 1, 4)),
    # Christmas 2022 on a Sunday: Boxing Day Mon 26, substitute for Christmas Tue 27 Dec.
    # Fri 23 Dec + 1 = Wed 28 Dec.
    (date(2022, 12, 23), 1, date(2022, 12, 28)),
    # New Year's Day 2023 a Sunday: substitute Mon 2 Jan 2023. Fri 30 Dec 2022 + 1 = Tue 3 Jan.
    (date(2022, 12, 30), 1, date(2023, 1, 3)),
    # Christmas 2027 Saturday, Boxing Day Sunday: Mon 27 and Tue 28 Dec are the holidays.
    # Fri 24 Dec 2027 + 1 = Wed 29 Dec.
    (date(2027, 12, 24), 1, date(2027, 12, 29)),
    # New Year's Day 2028 a Saturday: substitute Mon 3 Jan 2028. Fri 31 Dec 2027 + 1 = Tue 4 Jan.
    (date(2027, 12, 31), 1, date(2028, 1, 4)),
    # 2022: the spring bank holiday moved from Mon 30 May to Thu 2 Jun, and Fri 3 Jun was the
    # Platinum Jubilee. Wed 1 Jun + 1 = Mon 6 Jun...
    (date(2022, 6, 1), 1, date(2022, 6, 6)),
    # ...and Mon 30 May 2022 was an ordinary working day: Fri 27 May + 1 = Mon 30 May.
    (date(2022, 5, 27), 1, date(2022, 5, 30)),
    # The Queen's State Funeral, Mon 19 Sep 2022: Fri 16 Sep + 1 = Tue 20 Sep.
    (date(2022, 9, 16), 1, date(2022, 9, 20)),
    # 2023: early May bank holiday Mon 1 May and the Coronation Mon 8 May. From Fri 28 Apr:
    # Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Tue 9 May (5).
    (date(2023, 4, 28), 5, date(2023, 5, 9)),
    # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr. Thu 28 Mar + 1 = Tue 2 Apr.
    (date(2024, 3, 28), 1, date(2024, 4, 2)),
    # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr. Thu 2 Apr + 1 = Tue 7 Apr.
    (date(2026, 4, 2), 1, date(2026, 4, 7)),
    # August bank holiday 2026 is Mon 31 Aug: Fri 28 Aug + 1 = Tue 1 Sep.
    (date(2026, 8, 28), 1, date(2026, 9, 1)),
    # August bank holiday 2023 is Mon 28 Aug: Fri 25 Aug + 1 = Tue 29 Aug.
    (date(2023, 8, 25), 1, date(2023, 8, 29)),
    # A Saturday trigger is still day 0: Sat 5 Dec 2026 + 1 = Mon 7 Dec.
    (date(2026, 12, 5), 1, date(2026, 12, 7)),
    # Counting back over Christmas 2027: Wed 29 Dec - 1 = Fri 24 Dec (27, 28 holidays, weekend).
    (date(2027, 12, 29), -1, date(2027, 12, 24)),
]


@pytest.mark.parametrize(("start", "days", "due"), HAND_WORKED)
def test_deadlines_match_the_hand_worked_dates(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due
    assert working_days_between(start, due) == days


@pytest.mark.parametrize(
    "holiday",
    [
        date(2021, 12, 27),  # substitute for Christmas Day 2021 (Saturday)
        date(2021, 12, 28),  # substitute for Boxing Day 2021 (Sunday)
        date(2022, 1, 3),  # substitute for New Year's Day 2022 (Saturday)
        date(2022, 6, 2),  # spring bank holiday, moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2022, 12, 27),  # substitute for Christmas Day 2022 (Sunday)
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2024, 4, 1),  # Easter Monday (England and Wales only, not Scotland)
        date(2026, 8, 31),  # summer bank holiday (last Monday in August in England and Wales)
        date(2026, 12, 28),  # substitute for Boxing Day 2026 (Saturday)
        date(2027, 12, 27),  # substitute for Christmas Day 2027 (Saturday)
        date(2027, 12, 28),  # substitute for Boxing Day 2027 (Sunday)
        date(2028, 1, 3),  # substitute for New Year's Day 2028 (Saturday)
    ],
)
def test_bank_holidays_are_not_working_days(holiday: date) -> None:
    assert holiday.weekday() < 5 and not is_working_day(holiday)


@pytest.mark.parametrize(
    "ordinary",
    [
        date(2022, 5, 30),  # the last Monday in May 2022, an ordinary day that year
        date(2026, 8, 3),  # Scotland's summer holiday (first Monday in August) is not England's
        date(2026, 12, 29),
    ],
)
def test_ordinary_weekdays_are_working_days(ordinary: date) -> None:
    assert is_working_day(ordinary)


def test_between_is_negative_when_the_end_is_earlier() -> None:
    assert working_days_between(date(2027, 2, 5), date(2026, 12, 1)) == -45
    assert working_days_between(date(2026, 12, 1), date(2026, 12, 1)) == 0


# -- properties ------------------------------------------------------------------------------

starts = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@settings(max_examples=200, deadline=None, database=None)
@given(start=starts, n=counts)
def test_adding_then_counting_gives_back_n_from_a_working_day(start: date, n: int) -> None:
    while not is_working_day(start):
        start += timedelta(days=1)
    assert working_days_between(start, add_working_days(start, n)) == n
    assert add_working_days(add_working_days(start, n), -n) == start


@settings(max_examples=200, deadline=None, database=None)
@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_a_deadline_is_always_a_working_day_after_the_start(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert is_working_day(due) and due > start


@settings(max_examples=200, deadline=None, database=None)
@given(start=starts, n=counts, extra=st.integers(min_value=1, max_value=30))
def test_more_working_days_never_end_sooner(start: date, n: int, extra: int) -> None:
    assert add_working_days(start, n) < add_working_days(start, n + extra)
    later = start + timedelta(days=extra)
    assert working_days_between(start, later) >= 0
    assert working_days_between(start, later + timedelta(days=1)) >= working_days_between(start, later)


# -- the commands ------------------------------------------------------------------------------


def test_the_commands_print_the_date_and_the_count() -> None:
    runner = CliRunner()
    assert runner.invoke(working_days_add, ["2026-12-01", "45"]).output == "2027-02-05\n"
    assert runner.invoke(working_days_between_command, ["2026-12-01", "2027-02-05"]).output == "45\n"
    assert runner.invoke(working_days_add, ["2027-12-29", "-1"]).output == "2027-12-24\n"


def test_a_bad_date_is_refused_with_the_format_to_use() -> None:
    result = CliRunner().invoke(working_days_add, ["2026-13-01", "45"])
    assert result.exit_code == 2
    assert "'2026-13-01' is not a date; write dates as YYYY-MM-DD" in result.output
