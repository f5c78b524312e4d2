"""The dashboard's periods: calendar months and quarters, and dates a manager types."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.dashboard.periods import Period, choose_period, last_quarter, this_month, this_quarter

TODAY = date(2026, 12, 3)


def test_this_month_runs_from_the_first_to_the_last_day() -> None:
    assert this_month(TODAY) == Period("month", date(2026, 12, 1), date(2026, 12, 31))
    assert this_month(date(2024, 2, 10)).end == date(2024, 2, 29)
    assert this_month(TODAY).label == "December 2026"


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 9, 15), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 3), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarters_are_calendar_quarters(today: date, start: date, end: date) -> None:
    assert (this_quarter(today).start, this_quarter(today).end) == (start, end)


def test_last_quarter_crosses_the_year() -> None:
    assert last_quarter(date(2026, 2, 14)) == Period("last_quarter", date(2025, 10, 1), date(2025, 12, 31))
    assert last_quarter(TODAY) == Period("last_quarter", date(2026, 7, 1), date(2026, 9, 30))
    assert last_quarter(TODAY).label == "July to September 2026"


def test_bounds_are_london_midnights_in_utc() -> None:
    summer = Period("range", date(2026, 7, 1), date(2026, 7, 31))
    assert summer.bounds() == (
        datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
        datetime(2026, 7, 31, 23, 0, tzinfo=UTC),
    )
    assert this_month(TODAY).bounds()[1] == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)


def test_an_unknown_choice_is_this_month() -> None:
    assert choose_period({"period": "<script>"}, TODAY).period == this_month(TODAY)
    assert choose_period({}, TODAY).period == this_month(TODAY)


def test_dates_typed_make_a_range_and_travel_in_links() -> None:
    typed = {
        "period": "range",
        **{"from-day": "1", "from-month": "4", "from-year": "2026"},
        **{"to-day": "30", "to-month": "6", "to-year": "2026"},
    }
    chosen = choose_period(typed, TODAY)
    assert chosen.errors == {}
    assert chosen.period == Period("range", date(2026, 4, 1), date(2026, 6, 30))
    assert chosen.period.label == "1 April 2026 to 30 June 2026"
    link = chosen.period.query_args()
    assert link == {"period": "range", "from": "2026-04-01", "to": "2026-06-30"}
    assert choose_period(link, TODAY).period == chosen.period


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({}, "from", "Enter the start date"),
        ({"from-day": "1", "from-year": "2026"}, "from", "The start date must include a month"),
        (
            {"from-day": "31", "from-month": "2", "from-year": "2026"},
            "from",
            "The start date must be a real date",
        ),
        (
            {"from-day": "x", "from-month": "2", "from-year": "2026"},
            "from",
            "must be a real date, in numbers",
        ),
        ({"from-day": "1", "from-month": "2", "from-year": "26"}, "from", "must include 4 numbers"),
        ({"from-day": "1", "from-month": "2", "from-year": "1999"}, "from", "in 2000 or later"),
        (
            {
                "from-day": "1",
                "from-month": "1",
                "from-year": "2027",
                "to-day": "1",
                "to-month": "2",
                "to-year": "2027",
            },
            "from",
            "today or in the past",
        ),
        (
            {
                "from-day": "2",
                "from-month": "2",
                "from-year": "2026",
                "to-day": "1",
                "to-month": "2",
                "to-year": "2026",
            },
            "to",
            "the same as or after the start date",
        ),
        (
            {
                "from-day": "1",
                "from-month": "1",
                "from-year": "2020",
                "to-day": "1",
                "to-month": "2",
                "to-year": "2026",
            },
            "to",
            "no longer than 3 years",
        ),
        ({"from": "2026-13-01", "to": "2026-12-01"}, "from", "must be a real date"),
        ({"from": str(10**30), "to": "NaN"}, "from", "Enter the start date"),
    ],
)
def test_wrong_dates_say_what_is_wrong(typed: dict[str, str], field: str, message: str) -> None:
    chosen = choose_period({"period": "range", **typed}, TODAY)
    assert chosen.period is None
    assert message in chosen.errors[field]
    for key, value in typed.items():  # what was typed is kept to show again
        if "-" in key:
            assert chosen.typed[key] == value[:10]
