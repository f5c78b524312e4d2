"""Rules of the child and family assessment's forms (processes/cas_assessment.bpmn)."""

from __future__ import annotations

from app.pathways.registry import TaskContext, rule


@rule("cas.early_help_needs_consent")
def early_help_needs_consent(ctx: TaskContext) -> str | None:
    """Stepping down to Early Help needs the family's agreement: Early Help is voluntary.
    (The form itself asks for the answer whenever the outcome is a step-down.)"""
    if ctx.answers.get("assessment_outcome") == "step_down_early_help" and ctx.value == "no":
        return "Early Help needs the family's consent: select another outcome"
    return None
