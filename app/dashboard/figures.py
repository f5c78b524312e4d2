"""Every figure the dashboard shows for a scope and period, worked out once and kept briefly.

Worked out from live data, the figures for every team in a large authority (83,000 open tasks)
take a few hundred milliseconds of aggregate scans; they are kept for up to KEEP_SECONDS, per
scope, period and choices, in each process. The page says when its figures were worked out and
offers to work them out again now. The lists behind the figures are always read live.

Not forgotten at each write: a listener on every SQL statement, which that would need, cost
about 5% of every engine step (bench/engine_overhead.py, alternated pairs), and a busy service
writes every second, so the figures would almost never be kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.dashboard import charts, timeliness
from app.dashboard.periods import Period
from app.dashboard.scope import Scope
from app.dashboard.workload import PAST_45_STEPS, Workload, overdue_cases_at, workload
from app.timescales.status import due_soon_until, due_soon_working_days
from app.timescales.working_days import LONDON

KEEP_SECONDS = 60
MOST_KEPT = 128


@dataclass(frozen=True)
class Figures:
    work: Workload
    summaries: dict[str, timeliness.Summary]
    past_45: dict[str, int]
    charts: dict[str, Any]
    worked_out_at: datetime
    due_soon_days: int


class _Kept:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clock = time.monotonic  # seconds; a test moves it on
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Figures]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Figures | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or self.clock() - found[0] > KEEP_SECONDS:
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple[Any, ...], figures: Figures) -> None:
        with self._lock:
            self._entries[key] = (self.clock(), figures)
            self._entries.move_to_end(key)
            while len(self._entries) > MOST_KEPT:
                self._entries.popitem(last=False)

    def drop(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


KEPT = _Kept()


def figures(
    scope: Scope, period: Period | None, unallocated_days: int, now: datetime, *, afresh: bool = False
) -> Figures:
    """The dashboard's figures for the scope, and for the period if there is one (consent always);
    worked out again now if `afresh`, else as kept if they were worked out in the last minute."""
    soon_days = due_soon_working_days()
    key = (
        scope.team_ids,
        tuple(t.id for t in scope.teams),
        period,
        unallocated_days,
        soon_days,
        now.astimezone(LONDON).date(),
    )
    if afresh:
        KEPT.drop(key)
    kept = KEPT.get(key)
    if kept is not None:
        return kept
    made = _work_out(scope, period, unallocated_days, soon_days, now)
    KEPT.put(key, made)
    return made


def _work_out(
    scope: Scope, period: Period | None, unallocated_days: int, soon_days: int, now: datetime
) -> Figures:
    summaries = {"consent": timeliness.consent_summary(scope, now)}
    if period is not None:
        for key in ("assessments", "icpcs", "core_groups", "reviews"):
            figure = timeliness.FIGURES[key]
            summaries[key] = timeliness.summarise(figure, timeliness.figure_rows(key, scope, period, now))
    work = workload(scope, now, due_soon_until(now, soon_days), unallocated_days)
    drawn = {"teams": charts.tasks_by_team(work)}
    if period is not None:
        drawn["census"] = charts.census_bands(summaries["assessments"])
        drawn["timescale"] = charts.within_timescale(summaries)
    return Figures(work, summaries, overdue_cases_at(scope, now, PAST_45_STEPS), drawn, now, soon_days)
