"""What the audit search page was asked for, read from its query string.

Nonsense in the query string never fails the page: a date that is not a date is reported in the
user's terms (and the search runs without it); a person, action or page position that cannot be
one is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.audit import ACTION_LABELS, VIEW_ACTIONS

VIEWS_ONLY = "views"
CHANGES_ONLY = "changes"
_MAX_ID = 2**63 - 1  # past this an id is nonsense (and would overflow PostgreSQL's bigint)


@dataclass(frozen=True)
class Problem:
    """A filter that could not be read: the field's id (for the error summary's link) and why."""

    field: str
    message: str


@dataclass(frozen=True)
class AuditFilter:
    case_reference: str = ""
    user_id: int | None = None
    email: str = ""
    action: str = ""  # "", VIEWS_ONLY, CHANGES_ONLY or one action of ACTION_LABELS
    date_from: date | None = None
    date_to: date | None = None
    before: int | None = None  # the page of events older than this id (the Older link)
    after: int | None = None  # the page of events newer than this id (the Newer link)
    problems: tuple[Problem, ...] = field(default=())

    @property
    def any_filter(self) -> bool:
        return bool(
            self.case_reference or self.user_id or self.email or self.action or self.date_from or self.date_to
        )

    def actions(self) -> tuple[frozenset[str], bool] | None:
        """The actions asked for and whether they are the ones to leave out (changes are every
        action that is not a view, whatever it is called); None for all of them."""
        if self.action == VIEWS_ONLY:
            return VIEW_ACTIONS, False
        if self.action == CHANGES_ONLY:
            return VIEW_ACTIONS, True
        return (frozenset({self.action}), False) if self.action else None

    def query(self, **changes: object) -> dict[str, str]:
        """The filters as query-string values (for the paging links), with `changes` applied."""
        values: dict[str, object] = {
            "case": self.case_reference,
            "user": self.user_id,
            "email": self.email,
            "action": self.action,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def read_filter(args: Mapping[str, str]) -> AuditFilter:
    problems: list[Problem] = []
    date_from = _date(args.get("from", ""), "from", "The date from", problems)
    date_to = _date(args.get("to", ""), "to", "The date to", problems)
    if date_from and date_to and date_to < date_from:
        problems.append(Problem("to", "The date to must be the same as or after the date from"))
        date_to = None
    action = args.get("action", "").strip()
    if action not in (VIEWS_ONLY, CHANGES_ONLY) and action not in ACTION_LABELS:
        action = ""
    before, after = _id(args.get("before", "")), _id(args.get("after", ""))
    return AuditFilter(
        case_reference=args.get("case", "").strip().upper()[:20],
        user_id=_id(args.get("user", "")),
        email=args.get("email", "").strip().lower()[:254],
        action=action,
        date_from=date_from,
        date_to=date_to,
        before=before,
        after=after if before is None else None,
        problems=tuple(problems),
    )


def _id(value: str) -> int | None:
    value = value.strip()
    if not value.isdigit() or not value.isascii():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _date(value: str, name: str, label: str, problems: list[Problem]) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 10 or parsed.year < 2000 or parsed.year > 2999:
        problems.append(Problem(name, f"{label} must be a real date, like 2026-09-01"))
        return None
    return parsed
