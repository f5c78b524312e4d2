"""The National Framework for Penalty Notices as plain date arithmetic (no database).

Sections 444A and 444B of the Education Act 1996 and the Education (Penalty Notices) (England)
(Amendment) Regulations 2024, which set up the framework:
- a notice is presumed served on the 2nd working day after it is posted;
- a first notice is £80 if paid within 21 days of service, £160 within 28 days;
- a second notice to the same parent for the same child within 3 years of the first is a flat
  £160 within 28 days;
- at most 2 notices per parent per child in a rolling 3 years: a third is refused;
- withdrawn notices do not count; issued-but-unpaid (and prosecuted) ones do.

"Within 3 years of" a notice issued on day D means before D's third anniversary. The third
anniversary of 29 February is taken as 1 March (the reading of s9 Family Law Reform Act 1969
for anniversaries that do not exist), so a notice issued on 29 Feb 2024 still counts on
28 Feb 2027 and stops counting on 1 Mar 2027.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.timescales.working_days import add_working_days

WINDOW_YEARS = 3
MAX_IN_WINDOW = 2
SERVICE_WORKING_DAYS = 2
DISCOUNT_DAYS = 21
PAYMENT_DAYS = 28
FIRST_AMOUNT, FULL_AMOUNT = 80, 160
THRESHOLD_SESSIONS = 10
THRESHOLD_SCHOOL_WEEKS = 10
UNAUTHORISED_CODES = ("G", "N", "O", "U")
NOT_COUNTED = frozenset({"withdrawn"})


@dataclass(frozen=True)
class Notice:
    """What the rules need to know about a notice already on the ledger."""

    issued_on: date
    status: str


@dataclass(frozen=True)
class Assessment:
    """What a new notice to this parent for this child on `issued_on` would be."""

    issued_on: date
    counted: tuple[Notice, ...] = field(default=())

    @property
    def refused(self) -> bool:
        return len(self.counted) >= MAX_IN_WINDOW

    @property
    def sequence(self) -> int:
        return len(self.counted) + 1

    @property
    def amount(self) -> int:
        """Pounds payable at issue: £80 for a first notice (its discount), £160 for a second."""
        return FIRST_AMOUNT if self.sequence == 1 else FULL_AMOUNT

    @property
    def next_allowed_on(self) -> date | None:
        """When refused: the first day another notice could be issued (the oldest counted lapses)."""
        if not self.refused:
            return None
        return min(window_ends(n.issued_on) for n in self.counted)


def window_ends(issued_on: date) -> date:
    """The first day a notice issued on `issued_on` no longer counts: its 3rd anniversary."""
    try:
        return issued_on.replace(year=issued_on.year + WINDOW_YEARS)
    except ValueError:  # 29 February into a year without one
        return date(issued_on.year + WINDOW_YEARS, 3, 1)


def counts_on(notice: Notice, day: date) -> bool:
    """Whether `notice` counts towards the limit for a notice issued on `day`."""
    return notice.status not in NOT_COUNTED and notice.issued_on <= day < window_ends(notice.issued_on)


def assess(earlier: Iterable[Notice], issued_on: date) -> Assessment:
    """The sequence, amount and refusal of a new notice, given this parent's notices for the child."""
    counted = tuple(sorted((n for n in earlier if counts_on(n, issued_on)), key=lambda n: n.issued_on))
    return Assessment(issued_on, counted)


def served_on(posted_on: date) -> date:
    """Presumed service: the 2nd working day after posting (first-class post)."""
    return add_working_days(posted_on, SERVICE_WORKING_DAYS)


def discount_ends(served: date) -> date:
    return served + timedelta(days=DISCOUNT_DAYS)


def payment_ends(served: date) -> date:
    return served + timedelta(days=PAYMENT_DAYS)


def amount_due(sequence: int, served: date, paid_on: date) -> int | None:
    """What a payment on `paid_on` must be; None once the 28 days have passed."""
    if paid_on > payment_ends(served):
        return None
    if sequence == 1 and paid_on <= discount_ends(served):
        return FIRST_AMOUNT
    return FULL_AMOUNT


def parent_key(name: str) -> str:
    """A parent's name as the ledger matches it: case, punctuation, spacing and titles ignored."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    if len(words) > 1 and words[0] in {"mr", "mrs", "ms", "miss", "mx", "dr"}:
        words = words[1:]
    return " ".join(words)


def child_key(first_name: str, last_name: str, date_of_birth: date) -> str:
    """A child as the ledger matches them across cases: name (as parent_key) and date of birth."""
    return f"{parent_key(f'{first_name} {last_name}')}|{date_of_birth.isoformat()}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
