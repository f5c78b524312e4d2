"""When a field applies: the part of FEEL form-js writes in `conditional.hide`, parsed, never run."""

from __future__ import annotations

from datetime import date

import pytest

from app.formkit.conditions import ConditionError, only_when, parse


@pytest.mark.parametrize(
    ("condition", "answers", "hidden"),
    [
        ('=review_outcome = "end"', {"review_outcome": "end"}, True),
        ('=review_outcome = "end"', {"review_outcome": "continue"}, False),
        ('=review_outcome = "end"', {}, False),
        ('=review_outcome != "end"', {}, True),
        ('=not(list contains(["continue", "change"], review_outcome))', {"review_outcome": "end"}, True),
        ('=not(list contains(["continue", "change"], review_outcome))', {"review_outcome": "change"}, False),
        ('=not(list contains(["continue", "change"], review_outcome))', {"review_outcome": None}, True),
        ("=hours > 10 and hours <= 25", {"hours": 12}, True),
        ("=hours > 10 and hours <= 25", {"hours": 26}, False),
        ("=hours > 10", {"hours": None}, False),  # nothing typed is not more than 10
        ("=hours > 10", {"hours": "many"}, False),  # FEEL answers null for what cannot be compared
        ('=a = "x" or (b = "y" and not(c = "z"))', {"b": "y", "c": "q"}, True),
        ('=some r in reasons satisfies list contains(["other"], r)', {"reasons": ["late", "other"]}, True),
        ('=some r in reasons satisfies list contains(["other"], r)', {"reasons": ["late"]}, False),
        ('=some r in reasons satisfies list contains(["other"], r)', {"reasons": None}, False),
        ("=true", {}, True),
        ("=false", {}, False),
        ("=held_on = null", {"held_on": None}, True),
        ('="it said \\"yes\\"" = answer', {"answer": 'it said "yes"'}, True),
    ],
)
def test_conditions_decide_as_feel_would(condition: str, answers: dict, hidden: bool) -> None:
    assert parse(condition).holds(answers) is hidden


def test_a_condition_names_the_fields_it_reads_but_not_its_own_variables() -> None:
    condition = parse('=some r in reasons satisfies list contains(["other"], r) or age > 10')
    assert condition.names == {"reasons", "age"}


@pytest.mark.parametrize(
    "source",
    [
        "=x ==",
        "=import os",
        "=x.__class__",
        "=f(x)",
        "=x = ",
        "=(((x",
        "=some in x satisfies y",
        "=some r x satisfies y",
        '="unclosed',
        "=x = 1; y = 2",
        "=" + "(" * 40 + "x" + ")" * 40,
        "=x" + " or x" * 2000,
    ],
)
def test_anything_outside_the_subset_is_refused_with_a_reason(source: str) -> None:
    with pytest.raises(ConditionError) as refused:
        parse(source)
    assert str(refused.value)


def test_dates_compare_as_dates() -> None:
    assert parse("=ends_on < starts_on").holds({"ends_on": date(2026, 1, 1), "starts_on": date(2026, 2, 1)})


def test_only_when_writes_what_form_js_would_for_a_choice_and_for_checkboxes() -> None:
    choice = parse(only_when("review_outcome", ("continue", "change")))
    assert choice.holds({"review_outcome": "end"}) and not choice.holds({"review_outcome": "change"})
    boxes = parse(only_when("reasons", ("other",), many=True))
    assert boxes.holds({"reasons": ["late"]}) and not boxes.holds({"reasons": ["late", "other"]})
