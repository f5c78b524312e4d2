"""The periods a manager reads the dashboard for: this month, this quarter, last quarter (calendar
quarters), or dates they choose. Pure: no database, no request; `today` is passed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from app.timescales.working_days import LONDON

CHOICES = {
    "month": "This month",
    "quarter": "This quarter",
    "last_quarter": "Last quarter",
    "range": "Dates you choose",
}
DEFAULT = "month"
# A longer span is a mistake, and every figure over it is worked out row by row.
MAX_DAYS = 3 * 366
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.key == "month":
            return self.start.strftime("%B %Y")
        if self.key in ("quarter", "last_quarter"):
            return f"{self.start.strftime('%B')} to {self.end.strftime('%B %Y')}"
        return f"{_words(self.start)} to {_words(self.end)}"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants: from London midnight at its start to London midnight after its end."""
        return london_midnight(self.start), london_midnight(self.end + timedelta(days=1))

    def query_args(self) -> dict[str, str]:
        """The period as a link's query string carries it."""
        if self.key != "range":
            return {"period": self.key}
        return {"period": "range", "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass
class PeriodChoice:
    """What was asked for: the period (None if the dates were wrong), what was typed, and the errors."""

    period: Period | None
    key: str
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def _words(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def this_month(today: date) -> Period:
    return Period("month", today.replace(day=1), month_end(today))


def this_quarter(today: date) -> Period:
    start = quarter_start(today)
    return Period("quarter", start, month_end(date(start.year, start.month + 2, 1)))


def last_quarter(today: date) -> Period:
    end = quarter_start(today) - timedelta(days=1)
    return Period("last_quarter", quarter_start(end), end)


def choose_period(args: Mapping[str, str], today: date) -> PeriodChoice:
    """The period a query string asks for. An unknown choice is this month; dates that are missing
    or wrong give errors keyed by the field to show them on ("from", "to")."""
    key = args.get("period", DEFAULT)
    if key not in CHOICES:
        key = DEFAULT
    if key == "month":
        return PeriodChoice(this_month(today), key)
    if key == "quarter":
        return PeriodChoice(this_quarter(today), key)
    if key == "last_quarter":
        return PeriodChoice(last_quarter(today), key)
    typed = {
        f"{which}-{part}": args.get(f"{which}-{part}", "").strip()[:10]
        for which in ("from", "to")
        for part in ("day", "month", "year")
    }
    for which in ("from", "to"):  # a link carries the dates as YYYY-MM-DD
        iso = args.get(which, "").strip()
        if iso and not any(typed[f"{which}-{p}"] for p in ("day", "month", "year")):
            parts = iso.split("-")
            if len(parts) == 3:
                typed.update(zip((f"{which}-year", f"{which}-month", f"{which}-day"), parts, strict=True))
    errors: dict[str, str] = {}
    start = _date(typed, "from", "start", errors)
    end = _date(typed, "to", "end", errors)
    if start and end:
        if end < start:
            errors["to"] = "The end date must be the same as or after the start date"
        elif (end - start).days > MAX_DAYS:
            errors["to"] = "The period must be no longer than 3 years"
        elif start > today:
            errors["from"] = "The start date must be today or in the past"
    if errors or start is None or end is None:
        return PeriodChoice(None, key, typed, errors)
    return PeriodChoice(Period("range", start, end), key, typed, errors)


def _date(typed: dict[str, str], which: str, name: str, errors: dict[str, str]) -> date | None:
    day, month, year = (typed[f"{which}-{p}"] for p in ("day", "month", "year"))
    if not (day or month or year):
        errors[which] = f"Enter the {name} date"
        return None
    missing = [p for p, v in (("day", day), ("month", month), ("year", year)) if not v]
    if missing:
        errors[which] = f"The {name} date must include a {' and a '.join(missing)}"
        return None
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        errors[which] = f"The {name} date must be a real date, in numbers"
        return None
    if len(year) != 4:
        errors[which] = f"The year of the {name} date must include 4 numbers"
        return None
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        errors[which] = f"The {name} date must be a real date"
        return None
    if value.year < EARLIEST_YEAR:
        errors[which] = f"The {name} date must be in {EARLIEST_YEAR} or later"
        return None
    return value
