"""Term dates from a CSV file: checking them, and replacing a calendar's terms with them.

The file has a header row and one row per term (half-terms are the gaps between terms):

    term,starts_on,ends_on,closure_days
    Autumn 1 2026,2026-09-01,2026-10-23,2026-09-01;2026-09-02

`closure_days` (INSET and other days the school is closed) may be empty; days are separated
by semicolons and must fall inside the term. Dates are YYYY-MM-DD or DD/MM/YYYY. Blank
lines and lines starting with # are ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, select

from app import audit
from app.extensions import db
from app.models import SchoolClosure, SchoolTerm, User
from app.timescales.school_calendar import Term
from app.timescales.school_days import forget_cached_calendars, school_key

DEFAULT_TERMS_CSV = Path(__file__).parent / "data" / "la_default_terms.csv"
COLUMNS = ("term", "starts_on", "ends_on", "closure_days")
REQUIRED = ("starts_on", "ends_on")
LONGEST_TERM_DAYS = 140  # 20 weeks: longer is almost always a mistyped year


class TermDatesInvalid(ValueError):
    """The term dates cannot be used; `problems` says where, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ParsedTerm:
    line: int
    term: Term


@dataclass(frozen=True)
class ImportSummary:
    calendar: str
    added: int
    replaced: int
    closures: int


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD or DD/MM/YYYY; ValueError otherwise."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def term_problems(starts_on: date, ends_on: date, closures: Sequence[date] = ()) -> list[str]:
    """What is wrong with one term's dates, in words for the person who typed them."""
    if ends_on < starts_on:
        return ["the end date is before the start date"]
    problems = []
    if (ends_on - starts_on).days > LONGEST_TERM_DAYS:
        problems.append("the term is longer than 20 weeks; check the years")
    outside = [d for d in closures if not starts_on <= d <= ends_on]
    if outside:
        problems.append(
            "closure day " + ", ".join(d.isoformat() for d in outside) + " is not inside the term"
        )
    return problems


def parse_term_csv(text: str) -> list[ParsedTerm]:
    """Every term in the file, or TermDatesInvalid listing each wrong line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))  # Excel saves UTF-8 with a BOM
    header: list[str] | None = None
    problems: list[str] = []
    terms: list[ParsedTerm] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise TermDatesInvalid(
                    [f"Line {line}: the header must name the columns {', '.join(COLUMNS)}"]
                )
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        parsed = _parse_row(line, values, problems)
        if parsed is not None:
            terms.append(parsed)
    if header is None or (not terms and not problems):
        raise TermDatesInvalid(["The file has no terms"])
    problems.extend(_overlaps(terms))
    if problems:
        raise TermDatesInvalid(problems)
    return sorted(terms, key=lambda p: p.term.starts_on)


def _parse_row(line: int, values: dict[str, str], problems: list[str]) -> ParsedTerm | None:
    found: dict[str, date] = {}
    for column, words in (("starts_on", "start date"), ("ends_on", "end date")):
        raw = values.get(column, "")
        if not raw:
            problems.append(f"Line {line}: enter the {words}")
            continue
        try:
            found[column] = parse_date(raw)
        except ValueError:
            problems.append(f"Line {line}: the {words} '{raw}' is not a real date (write 2026-09-01)")
    closures: list[date] = []
    for raw in (values.get("closure_days") or "").split(";"):
        if raw.strip():
            try:
                closures.append(parse_date(raw))
            except ValueError:
                problems.append(f"Line {line}: the closure day '{raw.strip()}' is not a real date")
    if len(found) < 2:
        return None
    wrong = term_problems(found["starts_on"], found["ends_on"], closures)
    if wrong:
        problems.extend(f"Line {line}: {p}" for p in wrong)
        return None
    name = values.get("term", "")[:60]
    return ParsedTerm(line, Term(found["starts_on"], found["ends_on"], frozenset(closures), name))


def _overlaps(terms: list[ParsedTerm]) -> list[str]:
    problems = []
    latest: ParsedTerm | None = None  # the term reaching furthest so far
    for p in sorted(terms, key=lambda p: p.term.starts_on):
        if latest is not None and p.term.starts_on <= latest.term.ends_on:
            problems.append(f"Line {p.line}: the term overlaps the term on line {latest.line}")
        if latest is None or p.term.ends_on > latest.term.ends_on:
            latest = p
    return problems


def calendar_name(school: str | None) -> str:
    return " ".join(school.split()) if school and school.strip() else "the local authority default"


def import_term_dates(text: str, school: str | None, actor: User | None) -> ImportSummary:
    """Replace `school`'s terms (None: the LA default) between the file's first and last dates.

    Terms of that calendar outside the file's span are kept, so importing next year's file
    leaves this year alone and importing the same file twice changes nothing. Raises
    TermDatesInvalid, having changed nothing, if any line is wrong. Flushes only.
    """
    parsed = parse_term_csv(text)
    name = canonical_school_name(school)
    first = min(p.term.starts_on for p in parsed)
    last = max(p.term.ends_on for p in parsed)
    same_calendar = (
        SchoolTerm.school.is_(None) if name is None else SchoolTerm.school.in_(_stored_spellings(name))
    )
    replaced_ids = list(
        db.session.scalars(
            select(SchoolTerm.id).where(
                same_calendar, SchoolTerm.starts_on <= last, SchoolTerm.ends_on >= first
            )
        )
    )
    if replaced_ids:
        db.session.execute(delete(SchoolClosure).where(SchoolClosure.term_id.in_(replaced_ids)))
        db.session.execute(delete(SchoolTerm).where(SchoolTerm.id.in_(replaced_ids)))
    for p in parsed:
        term = SchoolTerm(school=name, name=p.term.name, starts_on=p.term.starts_on, ends_on=p.term.ends_on)
        term.closures = [SchoolClosure(day=d, reason="INSET or closure day") for d in sorted(p.term.closures)]
        db.session.add(term)
    db.session.flush()
    forget_cached_calendars()
    summary = ImportSummary(
        calendar=calendar_name(name),
        added=len(parsed),
        replaced=len(replaced_ids),
        closures=sum(len(p.term.closures) for p in parsed),
    )
    audit.record(
        "school_calendar.imported",
        actor,
        after={"school": name, "from": first.isoformat(), "to": last.isoformat(), "terms": len(parsed)},
        detail=f"{summary.added} terms imported for {summary.calendar}, {summary.replaced} replaced",
    )
    return summary


def _stored_spellings(name: str) -> list[str]:
    """The school names stored that match `name` the way lookups do (case and spaces ignored)."""
    key = school_key(name)
    stored = db.session.scalars(select(SchoolTerm.school).where(SchoolTerm.school.is_not(None)).distinct())
    return sorted(s for s in stored if s is not None and school_key(s) == key) or [name]


def canonical_school_name(school: str | None) -> str | None:
    """How a new term names its school: as already stored if the school has terms, else as typed.

    None (or blank) is the LA default calendar.
    """
    if not school or not school.strip():
        return None
    return _stored_spellings(" ".join(school.split()))[0]


def load_default_terms_if_empty() -> ImportSummary | None:
    """For demo data: load the shipped LA default calendar when no term dates exist at all."""
    if db.session.scalar(select(SchoolTerm.id).limit(1)) is not None:
        return None
    return import_term_dates(DEFAULT_TERMS_CSV.read_text(encoding="utf-8"), None, None)
