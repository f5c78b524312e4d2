"""Publishing checks that need the pathways' named Python: every rule, calculation and effect a
pathway names exists, and is used as it expects."""

from __future__ import annotations

from app.formkit.definitions import FormBundle
from app.pathways.registry import CALCULATIONS, EFFECTS, RULES, FormUse, use_problems
from app.workflow import ParsedDiagram


def pathway_problems(diagram: ParsedDiagram, bundle: FormBundle, filename: str) -> list[str]:
    """What a diagram and its forms name that the product does not have; [] if nothing."""
    problems = []
    for form_key, field, name in bundle.rule_names():
        if name not in RULES:
            problems.append(
                f"forms/{bundle.process_id}.json: the form '{form_key}', field '{field}' names the rule "
                f"'{name}', which does not exist"
            )
    for task in diagram.user_tasks:
        use = FormUse(task.form_key, bundle)
        where = f"{filename}: the user task '{task.name}'"
        if task.calculations:
            problems += use_problems(CALCULATIONS, task.calculations, use, where)
        if task.effects:
            problems += use_problems(EFFECTS, task.effects, use, where)
    return problems
