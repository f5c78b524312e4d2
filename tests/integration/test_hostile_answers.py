"""Every form, every field, every hostile answer: refused with a message, or kept as something sane.

The walk over the pages (test_bad_input_walk.py) posts whole forms of hostile answers; here each
field of every registered form gets each hostile answer on its own, so an answer one field lets
through cannot hide behind another field's error. A field that accepts an answer must hold a
value no later step can choke on: a finite number of sensible size, a date after 1900 and
within a century from now; and the field must show the page again without failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, FloatField, IntegerField

from app.admin.forms import ClosureForm, SettingForm, TermForm
from app.cases.forms import ReferralForm
from app.timescales.settings import SETTINGS
from tests.fixtures.forms import all_form_keys, shipped_form

HOSTILE = [
    "NaN",
    "sNaN",
    "-nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999999",
    "-1e999999",
    "1e-999999",
    "0E-1000000",
    "",
    "   ",
    str(10**30),
    str(-(10**30)),
    "9" * 5000,
    "x" * 10_000,
    "٣",
    "1_000",
    "0x10",
    "<script>alert(1)</script>",
    "-1",
]
HOSTILE_DATES = [
    ["", "3", "2026"],
    ["1", "", "2026"],
    ["1", "1", ""],
    ["1", "1", "1"],
    ["1", "1", "0001"],
    ["1", "1", "1899"],
    ["1", "1", "1900"],
    ["1", "1", "9999"],
    ["31", "2", "2026"],
    ["29", "2", "2027"],
    [str(10**30), "1", "2026"],
    ["NaN", "1e999999", "-1"],
    ["1 1 2026 1"],
    ["1", "1", "2026", "1"],
    ["٣", "١", "٢٠٢٦"],
]


# Fields that turn what was typed into a number or a date, and back again to show it. (Text and
# choices are shown as typed; the walk over the pages shows those with hostile answers.)
TYPED = (DateField, DecimalField, FloatField, IntegerField)
SHOWN: set[tuple[type, str]] = set()  # showing depends on the field's class, not its form: once each


def referral_form(**kwargs: Any) -> ReferralForm:
    form = ReferralForm(**kwargs)
    form.pathway.choices = [("early_help", "An attendance concern for Early Help")]
    return form


BUILDERS: dict[str, Callable[..., FlaskForm]] = {
    **{key: shipped_form(key) for key in all_form_keys()},
    "referral": referral_form,
    "admin.term": TermForm,
    "admin.closure": ClosureForm,
    "admin.setting": partial(SettingForm, next(iter(SETTINGS.values()))),
}


def sane(value: Any, today: date) -> bool:
    """A value every later step can use: what a real answer could be."""
    if value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, list):
        return all(sane(v, today) for v in value)
    if isinstance(value, int):
        return abs(value) <= 1_000_000
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) < 10**12
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) < 10**12 and value.as_tuple().exponent >= -12  # type: ignore[operator]
    if isinstance(value, date):
        return 1900 < value.year <= today.year + 100
    return False


def answers_for(field: Any) -> list[Any]:
    return HOSTILE + HOSTILE_DATES if isinstance(field, DateField) else HOSTILE


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_each_field_refuses_or_tames_each_hostile_answer(app: Flask, key: str) -> None:
    build, today, problems = BUILDERS[key], date.today(), []
    with app.test_request_context("/", method="POST"):
        names = [f.name for f in build(meta={"csrf": False}, formdata=None) if f.name != "csrf_token"]
        fields = {f.name: f for f in build(meta={"csrf": False}, formdata=None)}
        for name in names:
            for answer in answers_for(fields[name]):
                typed = MultiDict(
                    [(name, part) for part in (answer if isinstance(answer, list) else [answer])]
                )
                form = build(meta={"csrf": False}, formdata=typed)
                try:
                    form.validate()
                    shown = (type(form[name]), str(answer))
                    if isinstance(form[name], TYPED) and shown not in SHOWN:
                        form[name]()  # the page shows the field again, with what was typed
                        SHOWN.add(shown)
                except Exception as exc:  # any exception here would be a 500
                    problems.append(f"{name} = {str(answer)[:30]!r}: {exc.__class__.__name__}: {exc}")
                    continue
                if not form[name].errors and not sane(form[name].data, today):
                    problems.append(f"{name} = {str(answer)[:30]!r} accepted as {form[name].data!r:.60}")
    assert problems == []
