"""What each dashboard chart draws, as the JSON app/static/src/charts/charts.js reads. The same
numbers are in the table beside each chart."""

from __future__ import annotations

from typing import Any

from app.dashboard.timeliness import Summary
from app.dashboard.workload import Workload


def tasks_by_team(work: Workload) -> dict[str, Any]:
    rows = [r for r in work.teams if r.counts.open]
    return {
        "kind": "count",
        "horizontal": True,
        "labels": [r.name for r in rows],
        "series": [
            {"label": "Overdue", "values": [r.counts.overdue for r in rows], "colour": "red"},
            {"label": "Due soon", "values": [r.counts.due_soon for r in rows], "colour": "yellow"},
            {
                "label": "Other open tasks",
                "values": [r.counts.open - r.counts.overdue - r.counts.due_soon for r in rows],
                "colour": "blue",
            },
        ],
        "stacked": True,
    }


def census_bands(summary: Summary) -> dict[str, Any]:
    bands = summary.figure.bands
    within = summary.figure.groups["within"]
    return {
        "kind": "count",
        "labels": [label for _, label in bands],
        "series": [
            {
                "label": "Assessments authorised",
                "values": [summary.counts.get(key, 0) for key, _ in bands],
                "colours": ["green" if key in within else "red" for key, _ in bands],
            }
        ],
    }


def within_timescale(summaries: dict[str, Summary]) -> dict[str, Any]:
    shown = [s for key, s in summaries.items() if key != "consent" and s.total]
    return {
        "kind": "percent",
        "labels": [s.figure.title for s in shown],
        "series": [
            {
                "label": "Percentage within the timescale",
                "values": [s.percent_within for s in shown],
                "colour": "blue",
            }
        ],
    }
