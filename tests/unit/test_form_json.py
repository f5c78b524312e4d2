"""Forms posted as JSON are read as text answers, by every form class in the product."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest

from app.formkit.base import GovForm, json_answers


def test_a_form_posted_as_json_is_read_as_text_answers() -> None:
    answers = json_answers({"a": "x", "b": 2, "c": True, "d": False, "e": None, "f": ["1", 2]})
    assert list(answers.items(multi=True)) == [("a", "x"), ("b", "2"), ("c", "y"), ("f", "1"), ("f", "2")]
    for body, message in [
        ([1, 2], "Send the answers as a JSON object"),
        ("text", "Send the answers as a JSON object"),
        ({"a": {"b": 1}}, "The answer to a must be text, a number, true or false"),
        ({"a": [[1]]}, "The answer to a must be text, a number, true or false"),
    ]:
        with pytest.raises(BadRequest, match=message):
            json_answers(body)


def test_every_form_class_in_the_product_reads_json_as_text_answers() -> None:
    import app

    for package in (app,):  # every module, so that a form added anywhere is found
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)

    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else found

    ours = {c for c in subclasses(FlaskForm) if c.__module__.startswith("app.")}
    assert len(ours) >= 8 and {c.__qualname__ for c in ours if not issubclass(c, GovForm)} == set()
