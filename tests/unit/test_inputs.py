"""The parsers in app/inputs.py, on their own: query parameters."""

from __future__ import annotations

import pytest

from app.inputs import MAX_PAGE, one_of, page_number, whole_number


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
