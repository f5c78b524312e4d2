"""The parsers and limits in app/inputs.py, on their own: query parameters and JSON bodies."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from werkzeug.exceptions import BadRequest

from app.inputs import (
    JSON_DEPTH_LIMIT,
    MAX_PAGE,
    StrictJSONProvider,
    json_too_deep,
    one_of,
    page_number,
    whole_number,
)


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        (" 3 ", 3),
        ("+3", 3),
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("NaN", 1),
        ("1e3", 1),
        ("3.5", 1),
        (str(MAX_PAGE), MAX_PAGE),
        (str(MAX_PAGE + 1), MAX_PAGE),
        (str(10**30), MAX_PAGE),
        ("9" * 10_000, MAX_PAGE),  # more digits than Python will read as a number
        ("0" * 10_000 + "7", 7),
    ],
)
def test_a_page_number_is_the_nearest_sensible_page(typed: str | None, page: int) -> None:
    assert page_number(typed) == page


@pytest.mark.parametrize("typed", ["abc", "NaN", "1e3", "٣", "<script>"])
def test_a_strict_page_number_refuses_what_is_not_a_whole_number(typed: str) -> None:
    with pytest.raises(ValueError):
        page_number(typed, strict=True)
    assert page_number(str(10**30), strict=True) == MAX_PAGE


@pytest.mark.parametrize(
    ("typed", "number"),
    [("7", 7), (None, None), ("", None), ("-7", None), ("x", None), (str(2**31), None), (str(10**30), None)],
)
def test_a_whole_number_is_one_an_id_column_can_hold_or_the_default(
    typed: str | None, number: int | None
) -> None:
    assert whole_number(typed) == number
    assert whole_number(typed, 0) == (0 if number is None else number)


def test_a_choice_is_one_of_those_allowed_or_the_default() -> None:
    assert one_of("team", {"mine", "team"}, "mine") == "team"
    assert one_of("<script>", {"mine", "team"}, "mine") == "mine"
    assert one_of(None, {"mine", "team"}, "mine") == "mine"


def test_json_too_deep_counts_brackets_outside_strings_only() -> None:
    assert not json_too_deep("[" * 64 + "]" * 64)
    assert json_too_deep("[" * 65 + "]" * 65)
    assert json_too_deep("[{" * 33 + "}]" * 33)
    assert json_too_deep("[1,[" * 65 + "]]" * 65)
    assert json_too_deep("[" * 100_000)  # broken, but its prefix is deep
    assert not json_too_deep("[" + "[]," * 100_000 + "[" * 63 + "]" * 63 + "]")  # wide, not deep
    assert not json_too_deep('["' + "[" * 100 + '"]')  # brackets inside a string
    assert not json_too_deep('["\\"' + "[" * 100 + '"]')  # an escaped quote does not end it
    assert json_too_deep('["\\\\", ' + "[" * 65 + "]" * 65 + "]")  # an escaped backslash does
    assert not json_too_deep("")
    assert json_too_deep("[" * 3 + "]" * 3, limit=2) and not json_too_deep("[[]]", limit=2)


@pytest.fixture
def provider() -> StrictJSONProvider:
    return StrictJSONProvider(Flask(__name__))


def test_json_nested_deeper_than_the_limit_is_refused_without_recursing(provider: StrictJSONProvider) -> None:
    assert provider.loads("[" * JSON_DEPTH_LIMIT + "]" * JSON_DEPTH_LIMIT) is not None
    started = time.perf_counter()
    with pytest.raises(BadRequest, match="nested more than 64 levels deep"):
        provider.loads("[" * 100_000 + "]" * 100_000)
    assert time.perf_counter() - started < 0.5
    with pytest.raises(BadRequest, match="nested more than 64 levels deep"):
        provider.loads(b'{"a": ' * 65 + b"1" + b"}" * 65)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"a": NaN}', "NaN is not a number JSON can carry"),
        ('{"a": -Infinity}', "-Infinity is not a number JSON can carry"),
        ('{"a": 1e999999}', "1e999999 is too large a number"),
        ('{"a": "x\\u0000y"}', "contains a NUL character"),
        ('{"a\\u0000": 1}', "contains a NUL character"),
        ('{"a": ["\\ud800"]}', "half of a surrogate pair"),
    ],
)
def test_json_no_database_can_store_is_refused(provider: StrictJSONProvider, body: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        provider.loads(body)


def test_json_that_is_not_json_is_a_value_error_for_get_json_to_answer(provider: StrictJSONProvider) -> None:
    for body in ["{not json", "", b"\xff\xfe\xff", '{"a": ' + "1" * 5000 + "}"]:
        with pytest.raises(ValueError):
            provider.loads(body)
    assert provider.loads('{"a": [1, 2.5, "x", true, null]}') == {"a": [1, 2.5, "x", True, None]}
