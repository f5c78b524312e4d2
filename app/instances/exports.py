"""The process list as a CSV file: the same filters and order as the page, every matching row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from app.instances import queries
from app.instances.filters import statuses
from app.lists.downloads import csv_lines
from app.timescales.working_days import LONDON

HEADER = (
    "Reference",
    "Child",
    "Process",
    "Version",
    "Status",
    "Started",
    "Last changed",
    "Waiting at",
    "Teams",
    "Workers",
)


def _rows(ids: Sequence[int]) -> Iterator[list[object]]:
    labels = statuses()
    for row in queries.rows_for(ids):
        i = row.instance
        yield [
            i.case.reference,
            i.case.child.full_name,
            i.process_version.name,
            i.process_version.number,
            labels.get(i.status.value, i.status.value),
            i.started_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
            i.updated_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M"),
            "; ".join(row.stages),
            "; ".join(row.teams),
            "; ".join(row.workers),
        ]


def instance_csv(ids: Sequence[int]) -> Iterator[str]:
    return csv_lines(HEADER, ids, _rows)
