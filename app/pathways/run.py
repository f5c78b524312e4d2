"""Running a task's named rules, calculations and effects (see registry.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.formkit.base import TaskForm
from app.pathways.registry import CALCULATIONS, EFFECTS, RULES, TaskContext, parse_calls


def check_answers(form: TaskForm, ctx: TaskContext) -> bool:
    """Validate the form, then each field's named rules (once its own checks pass); True if
    every answer may be kept. Errors are left on the form's fields, as WTForms leaves its own."""
    valid = bool(form.validate())
    answers = {field.name: field.data for field in form.data_fields()}
    for key, names in form.field_rules.items():
        field = form[key]
        if field.errors:
            continue
        for name in names:
            message = RULES.get(name)(replace(ctx, answers=answers, field=key))
            if message:
                field.errors = [*field.errors, message]
                valid = False
                break
    return valid


def calculate(calls: str, ctx: TaskContext) -> dict[str, Any]:
    """The answers a task's calculations add to its data (later ones may use earlier ones)."""
    added: dict[str, Any] = {}
    for call in parse_calls(calls) if calls else []:
        added.update(CALCULATIONS.get(call.name)(replace(ctx, answers={**ctx.answers, **added})))
    return added


def apply_effects(calls: str, ctx: TaskContext) -> None:
    """Run a completed task's effects, in the order the diagram names them."""
    for call in parse_calls(calls) if calls else []:
        EFFECTS.get(call.name)(ctx, *call.args, **call.kwargs)
