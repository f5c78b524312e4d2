"""What an administrator changes about statutory time: local settings and school term dates.

Every change is audited and drops the app context's cached settings or calendars. Services
flush only; the request edge commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import audit
from app.extensions import db
from app.models import LocalSetting, SchoolClosure, SchoolTerm, User
from app.timescales.school_days import forget_cached_calendars
from app.timescales.settings import (
    DEFINITIONS,
    SettingDefinition,
    definition,
    forget_cached_settings,
    parse_setting_value,
    stored_values,
)
from app.timescales.term_dates import LONGEST_TERM_DAYS, calendar_name, canonical_school_name
from app.transactions import Refusal


class CalendarProblem(Refusal, ValueError):
    """A term or closure day cannot be saved; `field` is the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


# -- local settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingRow:
    setting: SettingDefinition
    value: int
    changed_by: str
    changed_at: datetime | None

    @property
    def is_default(self) -> bool:
        return self.value == self.setting.default


def settings_overview() -> list[SettingRow]:
    """Every local setting with its current value and who last changed it."""
    values = stored_values()
    rows = {
        r.name: r
        for r in db.session.scalars(select(LocalSetting).options(selectinload(LocalSetting.updated_by)))
    }
    result = []
    for d in DEFINITIONS:
        row = rows.get(d.name)
        who = row.updated_by.name if row is not None and row.updated_by is not None else ""
        result.append(SettingRow(d, values[d.name], who, row.updated_at if row else None))
    return result


def change_setting(name: str, typed: int | str, actor: User) -> int | None:
    """Set local setting `name` to the whole number `typed`; returns it, or None if unchanged.

    Raises UnknownSetting, or ValueError (with the message to show) if it is not a whole
    number in the setting's range.
    """
    setting = definition(name)
    value = parse_setting_value(setting, typed)
    before = stored_values()[name]
    if value == before:
        return None
    row = db.session.get(LocalSetting, name)
    if row is None:
        row = LocalSetting(name=name)
        db.session.add(row)
    row.value = str(value)
    row.description = setting.description
    row.updated_by_id = actor.id
    row.updated_at = datetime.now(UTC)
    db.session.flush()
    forget_cached_settings()
    audit.record(
        "setting.changed",
        actor,
        before={"name": name, "value": before},
        after={"name": name, "value": value},
        detail=f"{setting.label}: {setting.describe(before)} to {setting.describe(value)}",
    )
    return value


# -- school term dates ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarSummary:
    school: str | None  # None: the local authority's default calendar
    label: str
    terms: int
    first: date | None
    last: date | None


def calendars_overview() -> list[CalendarSummary]:
    """The LA default calendar (always listed) and every school with terms of its own."""
    rows = db.session.execute(
        select(
            SchoolTerm.school,
            func.count(SchoolTerm.id),
            func.min(SchoolTerm.starts_on),
            func.max(SchoolTerm.ends_on),
        )
        .group_by(SchoolTerm.school)
        .order_by(SchoolTerm.school)
    ).all()
    by_school = {school: CalendarSummary(school, calendar_name(school), n, a, b) for school, n, a, b in rows}
    default = by_school.pop(None, CalendarSummary(None, calendar_name(None), 0, None, None))
    return [default, *sorted(by_school.values(), key=lambda c: (c.school or "").lower())]


def terms_of(school: str | None) -> list[SchoolTerm]:
    """A calendar's terms in date order, with their closure days."""
    name = canonical_school_name(school)
    condition = SchoolTerm.school.is_(None) if name is None else SchoolTerm.school == name
    return list(
        db.session.scalars(
            select(SchoolTerm)
            .options(selectinload(SchoolTerm.closures))
            .where(condition)
            .order_by(SchoolTerm.starts_on)
        )
    )


def find_term(term_id: int) -> SchoolTerm | None:
    return db.session.get(SchoolTerm, term_id)


def find_closure(closure_id: int) -> SchoolClosure | None:
    return db.session.get(SchoolClosure, closure_id)


def _term_record(term: SchoolTerm) -> dict[str, object]:
    return {
        "school": term.school,
        "name": term.name,
        "starts_on": term.starts_on.isoformat(),
        "ends_on": term.ends_on.isoformat(),
        "closure_days": [c.day.isoformat() for c in term.closures],
    }


def add_term(school: str | None, name: str, starts_on: date, ends_on: date, actor: User) -> SchoolTerm:
    """Add a term to `school`'s calendar (None: the LA default).

    Raises CalendarProblem if the dates are out of order, implausibly long, or overlap
    another term of the same calendar.
    """
    if ends_on < starts_on:
        raise CalendarProblem("ends_on", "The end date must be the same as or after the start date")
    if (ends_on - starts_on).days > LONGEST_TERM_DAYS:
        raise CalendarProblem("ends_on", "The term must be 20 weeks or shorter")
    school = canonical_school_name(school)
    for other in terms_of(school):
        if other.starts_on <= ends_on and other.ends_on >= starts_on:
            raise CalendarProblem(
                "starts_on",
                f"The term overlaps {other.name or 'another term'} "
                f"({_day(other.starts_on)} to {_day(other.ends_on)})",
            )
    term = SchoolTerm(school=school, name=name.strip(), starts_on=starts_on, ends_on=ends_on)
    term.closures = []
    db.session.add(term)
    db.session.flush()
    forget_cached_calendars()
    audit.record("school_term.added", actor, after=_term_record(term), detail=calendar_name(school))
    return term


def delete_term(term: SchoolTerm, actor: User) -> None:
    """Remove a term, and its closure days, from its calendar."""
    before = _term_record(term)
    db.session.delete(term)
    db.session.flush()
    forget_cached_calendars()
    audit.record("school_term.deleted", actor, before=before, detail=calendar_name(term.school))


def add_closure(term: SchoolTerm, day: date, reason: str, actor: User) -> SchoolClosure:
    """Mark `day` inside `term` as a day the school does not meet (INSET, closure).

    Raises CalendarProblem if the day is outside the term or already a closure day.
    """
    if not term.starts_on <= day <= term.ends_on:
        raise CalendarProblem(
            "day",
            f"The closure day must be within the term, {_day(term.starts_on)} to {_day(term.ends_on)}",
        )
    if any(c.day == day for c in term.closures):
        raise CalendarProblem("day", f"{_day(day)} is already a closure day")
    before = _term_record(term)
    closure = SchoolClosure(day=day, reason=reason.strip() or "Closure day")
    term.closures.append(closure)
    db.session.flush()
    forget_cached_calendars()
    audit.record(
        "school_term.closure_added", actor, before=before, after=_term_record(term), detail=closure.reason
    )
    return closure


def remove_closure(closure: SchoolClosure, actor: User) -> None:
    """Make a closure day a school day again."""
    term = closure.term
    before = _term_record(term)
    term.closures.remove(closure)
    db.session.flush()
    forget_cached_calendars()
    audit.record("school_term.closure_removed", actor, before=before, after=_term_record(term))


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
