"""What the type checker is told about WTForms (app/formkit/wtforms33.py) is true of the WTForms
installed: every keyword, attribute and method declared there exists at run time, so mypy can
never pass a form that WTForms would refuse."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from typing import Any

import pytest
import wtforms

from app.config import ROOT
from app.formkit import wtforms33

SOURCE = ROOT / "app" / "formkit" / "wtforms33.py"


def declared_classes() -> dict[str, ast.ClassDef]:
    """The classes declared for the type checker: those under `if TYPE_CHECKING:`."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    )
    return {node.name: node for node in block.body if isinstance(node, ast.ClassDef)}


def attributes(cls: ast.ClassDef) -> list[str]:
    return [
        node.target.id
        for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]


def methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in cls.body if isinstance(node, ast.FunctionDef)}


def keywords_accepted(runtime: type) -> set[str]:
    """Every keyword a field's constructor takes: its own, and those it passes on to its bases."""
    names: set[str] = set()
    for cls in runtime.__mro__:
        init = cls.__dict__.get("__init__")
        if init is not None:
            names |= {
                p.name
                for p in inspect.signature(init).parameters.values()
                if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
            }
    return names


def bound(runtime: type) -> Any:
    """A field of this class as WTForms makes it on a form."""
    form = type("Form", (wtforms.Form,), {"field": runtime("Label")})()
    return form.field


FIELDS = sorted(set(declared_classes()) - {"SelectChoice", "Choice"})
CONSTRUCTORS = [name for name in FIELDS if "__init__" in methods(declared_classes()[name])]


def test_every_name_declared_is_exported_by_wtforms_itself() -> None:
    for name in declared_classes():
        runtime = getattr(wtforms33, name)
        assert runtime.__module__.startswith("wtforms."), f"{name} is not WTForms' own class"
    assert set(wtforms33.__all__) == set(declared_classes())


def test_a_choice_offered_has_the_fields_declared() -> None:
    declared = attributes(declared_classes()["SelectChoice"])
    assert declared == [f.name for f in dataclasses.fields(wtforms33.SelectChoice)]


def test_a_choice_drawn_has_the_fields_declared() -> None:
    assert tuple(attributes(declared_classes()["Choice"])) == wtforms33.Choice._fields


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_a_field_takes_every_keyword_declared(name: str) -> None:
    init = methods(declared_classes()[name])["__init__"]
    declared = {a.arg for a in [*init.args.args, *init.args.kwonlyargs] if a.arg != "self"}
    missing = declared - keywords_accepted(getattr(wtforms33, name))
    assert not missing, f"WTForms' {name} takes no {', '.join(sorted(missing))}"


@pytest.mark.parametrize("name", FIELDS)
def test_a_field_has_every_attribute_and_method_declared(name: str) -> None:
    field = bound(getattr(wtforms33, name))
    cls = declared_classes()[name]
    missing = [n for n in [*attributes(cls), *methods(cls)] if not hasattr(field, n)]
    assert not missing, f"WTForms' {name} has no {', '.join(missing)}"


def test_the_declarations_would_catch_a_keyword_wtforms_does_not_take() -> None:
    """The check above can fail: a made-up keyword is not among those WTForms takes."""
    assert "invalid_choice_message" in keywords_accepted(wtforms33.RadioField)
    assert "no_such_message" not in keywords_accepted(wtforms33.RadioField)
