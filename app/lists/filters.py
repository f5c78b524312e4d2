"""Reading a list's filters from a query string: each value is checked once, and nonsense is
ignored with a message in the user's terms, never a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from app import inputs
from app.extensions import db
from app.models import Case, Child, ProcessVersion, Role, Team, User, team_members
from app.timescales.working_days import LONDON
from app.workflow.library import get_library

PAGE_SIZE = 25
# The longest text filter kept (a name, a reference, a school): longer is typing gone wrong.
TEXT_LIMIT = 100
DIRECTIONS = ("asc", "desc")
# The years a date filter may name: no child, referral or process is outside them, and every
# day in them has a day after it (the end of a range).
YEARS = (1900, 2199)
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# What a case reference looks like (a name has no digits).
REFERENCE = re.compile(r"[A-Za-z]{1,3}[0-9]{1,9}")


@dataclass
class Reader:
    """Reads one query string's filters, noting a message for each value it had to ignore."""

    args: Mapping[str, str]
    messages: list[str] = field(default_factory=list)

    def raw(self, name: str) -> str:
        return (self.args.get(name) or "").strip()

    def text(self, name: str, label: str) -> str:
        value = " ".join(self.raw(name).split())
        if len(value) > TEXT_LIMIT:
            self.messages.append(f"{label} was ignored: it must be {TEXT_LIMIT} characters or fewer")
            return ""
        return value

    def day(self, name: str, label: str) -> date | None:
        """A date typed as 2015-03-27 or 27/3/2015."""
        value = self.raw(name)
        if not value:
            return None
        parsed = parse_day(value)
        if parsed is None:
            self.messages.append(f"{label} was ignored: enter a real date, for example 2015-03-27")
        return parsed

    def choice(self, name: str, allowed: Mapping[str, str], label: str) -> str:
        value = self.raw(name)
        if value and value not in allowed:
            self.messages.append(f"{label} was ignored: choose one from the list")
            return ""
        return value

    def number_choice(self, name: str, allowed: Mapping[int, str], label: str) -> int | None:
        value = self.raw(name)
        if not value:
            return None
        number = inputs.whole_number(value)
        if number is None or number not in allowed:
            self.messages.append(f"{label} was ignored: choose one from the list")
            return None
        return number

    def whole(self, name: str, label: str, highest: int) -> int | None:
        value = self.raw(name)
        if not value:
            return None
        number = inputs.whole_number(value, highest=highest)
        if number is None:
            self.messages.append(f"{label} was ignored: enter a whole number from 0 to {highest:,}")
        return number

    def flag(self, name: str) -> bool:
        return self.raw(name).lower() in ("1", "on", "yes", "true")

    def one_of(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        """A sort or a status: a link sets these, so an unknown value quietly takes the default."""
        return inputs.one_of(self.raw(name) or None, allowed, default)

    def page(self) -> int:
        return inputs.page_number(self.raw("page"))

    def date_range(self, field: str, what: str) -> tuple[date | None, date | None]:
        """`from` and `to`, labelled "<field> from" and "<field> to" on the page."""
        start, end = self.day("from", f"{field} from"), self.day("to", f"{field} to")
        if start and end and start > end:
            self.messages.append(
                f"The {what} dates were ignored: the from date must not be after the to date"
            )
            return None, None
        return start, end


def parse_day(value: str) -> date | None:
    """A date from 1900 to 2199 (a child's birth, a referral, a start), or None."""
    try:
        if match := _DAY_MONTH_YEAR.fullmatch(value):
            day, month, year = (int(g) for g in match.groups())
            found = date(year, month, day)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            found = date.fromisoformat(value)
        else:
            return None
    except ValueError:
        return None
    return found if YEARS[0] <= found.year <= YEARS[1] else None


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a day in England, as a UTC time (to compare with stored times)."""
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    return start_of_day(day + timedelta(days=1))


def pages(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def teams_for(user: User) -> dict[int, str]:
    """The teams a user may filter by: an administrator all; anyone else their own."""
    if user.role == Role.ADMIN:
        return {t.id: t.name for t in db.session.scalars(select(Team).order_by(Team.name))}
    return {t.id: t.name for t in sorted(user.teams, key=lambda t: t.name)}


def workers_for(user: User, teams: Mapping[int, str]) -> dict[int, str]:
    """The people a user may filter by: an administrator everyone; anyone else the people of
    their teams (themselves included)."""
    query = select(User.id, User.name).where(User.active).order_by(User.name, User.id)
    if user.role != Role.ADMIN:
        members = select(team_members.c.user_id).where(team_members.c.team_id.in_(list(teams)))
        query = query.where((User.id == user.id) | User.id.in_(members))
    return {row.id: row.name for row in db.session.execute(query)}


@dataclass(frozen=True)
class Stage:
    process_id: str
    process_name: str
    bpmn_id: str
    name: str


def processes() -> dict[str, str]:
    """The published processes, by id, with their names (the current version's)."""
    rows = db.session.execute(
        select(ProcessVersion.process_id, ProcessVersion.name)
        .where(ProcessVersion.is_current)
        .order_by(ProcessVersion.name)
    )
    return {row.process_id: row.name for row in rows}


def stages(published: Mapping[str, str], process_id: str = "") -> list[Stage]:
    """The steps a case can wait at (the user tasks of each current diagram), of one process or
    of all, in the order of the processes' names."""
    chosen = [process_id] if process_id else list(published)
    versions = db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.is_current, ProcessVersion.process_id.in_(chosen))
    )
    library = get_library()
    found = []
    for version in sorted(versions, key=lambda v: published.get(v.process_id, v.name)):
        seen = set()
        for task in library.diagram_for_version_id(version.id).user_tasks:
            if task.bpmn_id not in seen:
                seen.add(task.bpmn_id)
                found.append(
                    Stage(version.process_id, published[version.process_id], task.bpmn_id, task.name)
                )
    return found


def version_ids(process_id: str) -> list[int]:
    """Every version of a process, current or not (a case runs on the version it started on)."""
    return list(db.session.scalars(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id)))


def starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`column` starts with `prefix` (both lower case): a range an index on the column reads, and
    the LIKE that makes it exact."""
    like = column.startswith(prefix, autoescape=True)
    if ord(prefix[-1]) >= 0xD7FF:  # no next character to bound the range with (surrogates follow)
        return and_(column >= prefix, like)
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1), like)


def name_or_reference(q: str) -> ColumnElement[bool]:
    """A case reference (C0001234), or each word the start of the child's first or last name."""
    typed = q.replace(" ", "")
    if REFERENCE.fullmatch(typed):
        return Case.reference == typed.upper()
    words = q.lower().split()[:4]
    first, last = func.lower(Child.first_name), func.lower(Child.last_name)
    named = [or_(starts_with(last, word), starts_with(first, word)) for word in words]
    return Case.child_id.in_(select(Child.id).where(*named))
