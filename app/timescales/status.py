"""Due-date status a manager can scan: overdue, due soon, on track."""

from __future__ import annotations

from datetime import UTC, datetime

from app.timescales.settings import local_setting
from app.timescales.working_days import LONDON, add_working_days, working_days_between

DUE_SOON_WORKING_DAYS = 5  # the setting's default


def due_soon_working_days() -> int:
    """How many working days ahead a task counts as due soon (a local setting)."""
    return local_setting("due_soon_working_days")


def due_soon_until(now: datetime, working_days: int | None = None) -> datetime:
    """The instant (UTC) before which a task not yet overdue is due soon: London midnight at the start
    of the working day after the last one that counts. A query's bound for what due_status calls due soon."""
    days = due_soon_working_days() if working_days is None else working_days
    first_not_soon = add_working_days(now.astimezone(LONDON).date(), days + 1)
    return datetime.combine(first_not_soon, datetime.min.time(), tzinfo=LONDON).astimezone(UTC)


def due_status(due_at: datetime | None, now: datetime | None = None) -> str:
    """'overdue', 'due_soon' (within the due-soon setting's working days), 'on_track', or '' when
    there is no due date."""
    if due_at is None:
        return ""
    now = now or datetime.now(UTC)
    if due_at < now:
        return "overdue"
    if (
        working_days_between(now.astimezone(LONDON).date(), due_at.astimezone(LONDON).date())
        <= due_soon_working_days()
    ):
        return "due_soon"
    return "on_track"


__all__ = ["DUE_SOON_WORKING_DAYS", "due_soon_until", "due_soon_working_days", "due_status"]
