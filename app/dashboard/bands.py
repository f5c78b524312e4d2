"""The Children in Need census's assessment duration bands, and working days counted fast enough
to band every row of a period.

Working days follow app/timescales/working_days.py (weekends and England and Wales bank holidays
do not count; the trigger day is day 0), so "same day" is 0 working days and an assessment
authorised on the 45th working day after the referral is within the 45.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.timescales.working_days import is_working_day


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int | None  # inclusive; None: no upper bound

    def holds(self, days: int) -> bool:
        return days >= self.low and (self.high is None or days <= self.high)


CENSUS_BANDS: tuple[Band, ...] = (
    Band("same_day", "Same day", 0, 0),
    Band("1_10", "1 to 10 working days", 1, 10),
    Band("11_20", "11 to 20 working days", 11, 20),
    Band("21_30", "21 to 30 working days", 21, 30),
    Band("31_40", "31 to 40 working days", 31, 40),
    Band("41_45", "41 to 45 working days", 41, 45),
    Band("46_50", "46 to 50 working days", 46, 50),
    Band("51_60", "51 to 60 working days", 51, 60),
    Band("61_plus", "61 working days or more", 61, None),
)
BANDS_BY_KEY = {b.key: b for b in CENSUS_BANDS}
ASSESSMENT_WORKING_DAYS = 45


def census_band(days: int) -> Band:
    """The band an assessment that took `days` working days falls in (a negative count, an
    authorisation dated before its referral, is counted as the same day)."""
    return next((b for b in CENSUS_BANDS if b.holds(days)), CENSUS_BANDS[0])


class WorkingDayCount:
    """Working days between dates, from one running total built once over the dates asked about.

    `between(a, b)` equals app.timescales.working_days.working_days_between(a, b), in constant
    time per pair after the table is built (one step per calendar day of the whole span).
    """

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self._totals: list[int] = []
        running = 0
        day = first
        while day <= last:
            if is_working_day(day):
                running += 1
            self._totals.append(running)
            day += timedelta(days=1)

    @classmethod
    def spanning(cls, days: list[date]) -> WorkingDayCount:
        if not days:
            return cls(date.today(), date.today())
        return cls(min(days), max(days))

    def _total(self, day: date) -> int:
        index = (day - self.first).days
        if not 0 <= index < len(self._totals):
            raise ValueError(f"{day} is outside the dates this count was built for")
        return self._totals[index]

    def between(self, start: date, end: date) -> int:
        """Working days after `start` (day 0) up to and including `end`; negative if `end` is earlier."""
        return self._total(end) - self._total(start)
