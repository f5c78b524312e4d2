"""The checks a process owner's bundle goes through, with the pathways' own: one entry point for
the pages, the API and the command line."""

from __future__ import annotations

from app.formkit.definitions import FormBundle
from app.pathways.checks import pathway_problems
from app.workflow import ElementIndex, ParsedDiagram, Problem
from app.workflow.validation import Bundle, Checked, check_bundle

__all__ = ["Bundle", "Checked", "check"]


def _named_python(diagram: ParsedDiagram, forms: FormBundle, index: ElementIndex) -> list[Problem]:
    return [index.about(p, "named_python") for p in pathway_problems(diagram, forms, index.filename)]


def check(bundle: Bundle) -> Checked:
    """Every problem with the bundle, the pathways' named rules and effects included."""
    return check_bundle(bundle, extra=_named_python)
