"""The case list as a CSV file: the same filters and order as the page, every matching case."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from app.cases import listing
from app.lists.downloads import csv_lines
from app.timescales.working_days import LONDON

HEADER = (
    "Reference",
    "First name",
    "Last name",
    "Date of birth",
    "School",
    "Referral date",
    "Status",
    "Pathways running",
    "Current stages",
    "Workers",
    "Next due date",
    "Overdue",
)


def _rows(ids: Sequence[int]) -> Iterator[list[object]]:
    now = datetime.now(UTC)
    for row in listing.rows_for(ids):
        case, child, due = row.case, row.case.child, row.next_due
        yield [
            case.reference,
            child.first_name,
            child.last_name,
            child.date_of_birth.isoformat(),
            child.school,
            case.referral_date.isoformat(),
            case.status,
            "; ".join(row.pathways),
            "; ".join(row.stages),
            "; ".join(row.workers),
            due.astimezone(LONDON).date().isoformat() if due else "",
            "Yes" if due and due < now else "No",
        ]


def case_csv(ids: Sequence[int]) -> Iterator[str]:
    return csv_lines(HEADER, ids, _rows)
