"""The penalty-notice history page's read model: a child's notices by parent, with the 3-year count.

The ledger itself (reading, checking, writing) belongs to the pathway: app/pathways/legal/ledger.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.models import Child
from app.models.penalty_notices import PenaltyNotice
from app.pathways.legal import framework
from app.pathways.legal.ledger import notices_for


@dataclass(frozen=True)
class ParentHistory:
    parent_name: str
    notices: list[PenaltyNotice]
    counted_now: int
    next_allowed_on: date | None

    @property
    def can_issue(self) -> bool:
        return self.counted_now < framework.MAX_IN_WINDOW


def history(child: Child, today: date) -> list[ParentHistory]:
    """The child's notices grouped by parent, each with how many count in the 3 years to today."""
    groups: dict[str, list[PenaltyNotice]] = {}
    for notice in notices_for(child):
        groups.setdefault(notice.parent_key, []).append(notice)
    result = []
    for notices in groups.values():
        assessment = framework.assess([framework.Notice(n.issued_on, n.status) for n in notices], today)
        result.append(
            ParentHistory(
                notices[-1].parent_name, notices, len(assessment.counted), assessment.next_allowed_on
            )
        )
    return sorted(result, key=lambda h: h.parent_name.casefold())


def amount_now(notice: PenaltyNotice, today: date) -> int | None:
    """What an issued notice would cost if paid today; None once the 28 days have passed."""
    return framework.amount_due(notice.sequence, notice.served_on, today)


def due_dates(notice: PenaltyNotice) -> Sequence[tuple[str, date]]:
    """The last day of each rate of the notice, as the page lists them ("£80 by", the date)."""
    if notice.sequence == 1:
        return (
            ("£80 by", framework.discount_ends(notice.served_on)),
            ("£160 by", framework.payment_ends(notice.served_on)),
        )
    return (("£160 by", framework.payment_ends(notice.served_on)),)
