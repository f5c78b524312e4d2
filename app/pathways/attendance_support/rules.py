"""Rules of the attendance support forms that a form definition cannot say as data."""

from __future__ import annotations

from app.pathways.registry import TaskContext, rule


@rule("attendance.support_before_legal_planning")
def support_before_legal_planning(ctx: TaskContext) -> str | None:
    """A plan review refers for legal planning only when support was not engaged with or did
    not work: support comes first (the case goes back to the family otherwise)."""
    if ctx.value == "legal_planning" and ctx.answers.get("support_result") == "working":
        return (
            "Legal planning comes only after support was not engaged with or did not work:"
            " select another outcome"
        )
    return None
