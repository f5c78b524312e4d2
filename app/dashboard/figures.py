"""Every figure the dashboard shows for a scope and period, worked out once and kept briefly.

Worked out from live data, a manager of every team in a large authority (100,000 open tasks)
waits for several aggregate scans; the figures are kept for up to KEEP_SECONDS, per scope, period
and choices, and forgotten in this process as soon as anything writes to the tables they come
from (tasks, meetings, instances). Another process's writes are seen within KEEP_SECONDS. The page
says when its figures were worked out. The lists behind the figures are always read live.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.dashboard import charts, timeliness
from app.dashboard.periods import Period
from app.dashboard.scope import Scope
from app.dashboard.workload import PAST_45_STEPS, Workload, overdue_cases_at, workload
from app.timescales.status import due_soon_until, due_soon_working_days
from app.timescales.working_days import LONDON

KEEP_SECONDS = 60
MOST_KEPT = 128
# Writes to these tables can change a figure.
_SOURCES = ("human_task", "meeting", "process_instance", "team_member", "user_account")


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
        self._entries: OrderedDict[tuple[Any, ...], tuple[float, Figures]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Figures | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or time.monotonic() - found[0] > KEEP_SECONDS:
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple[Any, ...], figures: Figures) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), figures)
            self._entries.move_to_end(key)
            while len(self._entries) > MOST_KEPT:
                self._entries.popitem(last=False)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


KEPT = _Kept()


@event.listens_for(Engine, "after_cursor_execute")
def _forget_on_write(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
    """Any INSERT, UPDATE or DELETE on a table the figures read makes the kept figures stale."""
    head = statement.lstrip()[:6].upper()
    if head in ("INSERT", "UPDATE", "DELETE") and any(table in statement[:200] for table in _SOURCES):
        KEPT.forget()


def figures(scope: Scope, period: Period | None, unallocated_days: int, now: datetime) -> Figures:
    """The dashboard's figures for the scope, and for the period if there is one (consent always)."""
    soon_days = due_soon_working_days()
    key = (
        scope.team_ids,
        tuple(t.id for t in scope.teams),
        period,
        unallocated_days,
        soon_days,
        now.astimezone(LONDON).date(),
    )
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
