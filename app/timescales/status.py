"""Due-date status a manager can scan: overdue, due soon, on track."""

from __future__ import annotations

from datetime import UTC, datetime

from app.timescales.working_days import LONDON, working_days_between

DUE_SOON_WORKING_DAYS = 5


def due_status(due_at: datetime | None, now: datetime | None = None) -> str:
    """'overdue', 'due_soon' (within 5 working days), 'on_track', or '' when there is no due date."""
    if due_at is None:
        return ""
    now = now or datetime.now(UTC)
    if due_at < now:
        return "overdue"
    if (
        working_days_between(now.astimezone(LONDON).date(), due_at.astimezone(LONDON).date())
        <= DUE_SOON_WORKING_DAYS
    ):
        return "due_soon"
    return "on_track"
