"""The statutory periods of a school attendance order (Education Act 1996, sections 437 and 438).

They are calendar days that begin with the day of service: a notice served on 3 March giving
15 days runs to 17 March. The tasks that serve a notice work out when its period ends, so the
diagram's due dates and timers, and the people reading the case, can use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from app.pathways.registry import TaskContext, calculation

NOTICE_MINIMUM_DAYS = 15  # s437(1): "not less than 15 days beginning with the day on which it is served"
CHOICE_DAYS = 15  # s438: the parent's time to choose another school


def period_end(served_on: date, days: int) -> date:
    """The last day of a period of `days` days beginning with the day of service (that day is day 1)."""
    return served_on + timedelta(days=days - 1)


@calculation("sao.notice_period_end")
def notice_period_end(ctx: TaskContext) -> Mapping[str, Any]:
    """`notice_period_ends_on`: the last day of the period the s437(1) notice gives."""
    served, days = ctx.answers["notice_served_on"], ctx.answers["notice_period_days"]
    return {"notice_period_ends_on": period_end(served, days).isoformat()}


@calculation("sao.choice_period_end")
def choice_period_end(ctx: TaskContext) -> Mapping[str, Any]:
    """`choice_period_ends_on`: the last day the parent may choose another school (s438)."""
    return {"choice_period_ends_on": period_end(ctx.answers["intention_served_on"], CHOICE_DAYS).isoformat()}
