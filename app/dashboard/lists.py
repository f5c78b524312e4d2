"""The cases behind a dashboard figure that the case list's filters cannot express (census bands,
late conferences, how long consent has been awaited): rows the user may see, a page of them with
the child and the people named, and the whole list as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.access import case_visibility
from app.dashboard.timeliness import Figure, Row
from app.extensions import db
from app.models import Case, User

PAGE_SIZE = 50
_CHUNK = 5000
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ListedCase:
    case: Case
    row: Row
    person: str


def visible(rows: list[Row], user: User) -> list[Row]:
    """The rows whose case the user may see."""
    ids = sorted({r.case_id for r in rows})
    seen: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        seen.update(db.session.scalars(select(Case.id).where(Case.id.in_(part), case_visibility(user))))
    return [r for r in rows if r.case_id in seen]


def in_order(rows: list[Row]) -> list[Row]:
    """Longest first (the ones a manager asks about), then by date."""
    # No count at all (no strategy discussion recorded) comes first: it is the one to ask about.
    return sorted(rows, key=lambda r: (-(10**6 if r.days is None else r.days), r.end or date.min, r.case_id))


def listed(rows: Iterable[Row]) -> list[ListedCase]:
    """The rows with their cases (and children) and the people's names, in the order given."""
    chosen = list(rows)
    cases = {
        c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_({r.case_id for r in chosen})))
    }
    people_ids = {r.person_id for r in chosen if r.person_id is not None}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(people_ids))).all())
    return [
        ListedCase(cases[r.case_id], r, names.get(r.person_id, "") if r.person_id else "")
        for r in chosen
        if r.case_id in cases
    ]


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs: one that starts like a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def as_csv(figure: Figure, items: list[ListedCase]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Child",
            "Date of birth",
            "Case reference",
            figure.start_label,
            figure.end_label or "Until",
            figure.days_label,
            figure.person_label,
            "Band",
        ]
    )
    for item in items:
        r = item.row
        writer.writerow(
            safe_cell(v)
            for v in (
                item.case.child.full_name,
                item.case.child.date_of_birth.isoformat(),
                item.case.reference,
                r.start.isoformat() if r.start else "",
                r.end.isoformat() if r.end else "",
                "" if r.days is None else r.days,
                item.person,
                figure.label_of(r.band),
            )
        )
    return out.getvalue()
