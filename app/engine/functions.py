"""The builtins a diagram expression may call: a short list, each bounded.

RestrictedPython's safe_builtins would hand diagrams `pow`, `bytes`-like sizes and more; this
list is what the shipped diagrams use (str, float, len, max...) and the everyday rest, each
wrapped where it could build or walk a large value in one C call: `range` refuses to count
past the limit, `list`/`sorted`/`set`/`dict` charge their size first, `sum` adds numbers
only (summing lists is quadratic), `str`/`format`/`min`/`max` walk containers first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from app.engine.guards import NUMBERS, POINTER_BYTES, bounded, charged, check_decimal_digits, format_value
from app.engine.limits import NotAllowed, TooMuch
from app.engine.limits import current_meter as meter


def to_str(value: Any = "") -> str:
    if type(value) is str:
        return value
    return charged(str(bounded(value)))


def to_format(value: Any, spec: str = "") -> str:
    return format_value(value, -1, spec)


def make_range(*args: int) -> range:
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:  # more than sys.maxsize numbers
        count = sys.maxsize
    if count > meter().limits.max_items:
        raise TooMuch(f"a range of more than {meter().limits.max_items:,} numbers")
    return numbers


def _sized(iterable: Any, per_item: int = POINTER_BYTES) -> Any:
    try:
        count = len(iterable)
    except TypeError:  # a generator: each item it makes is ticked and counted where it is made
        return iterable
    meter().charge(count * per_item, "a long list")
    return iterable


def to_list(iterable: Iterable[Any] = ()) -> list[Any]:
    return list(_sized(iterable))


def to_tuple(iterable: Iterable[Any] = ()) -> tuple[Any, ...]:
    return tuple(_sized(iterable))


def to_set(iterable: Iterable[Any] = ()) -> set[Any]:
    return set(bounded(_sized(iterable, 4 * POINTER_BYTES)))


def to_dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    for arg in args:
        bounded(_sized(arg, 4 * POINTER_BYTES))
    return dict(*args, **kwargs)


def sort(
    iterable: Iterable[Any], *, key: Callable[[Any], Any] | None = None, reverse: bool = False
) -> list[Any]:
    return sorted(bounded(_sized(iterable)), key=key, reverse=reverse)


def smallest(*args: Any, **kwargs: Any) -> Any:
    return min(*(bounded(a) for a in args), **kwargs)


def largest(*args: Any, **kwargs: Any) -> Any:
    return max(*(bounded(a) for a in args), **kwargs)


def to_int(value: Any = 0, *base: int) -> int:
    if type(value) is Decimal:  # int(Decimal("1e999999999")) is a billion digits
        check_decimal_digits(value)
    return int(value, *base)


def rounded(value: Any, digits: int | None = None) -> Any:
    if type(value) is Decimal:
        check_decimal_digits(value)
    return round(value, digits)


def total(iterable: Iterable[Any], start: Any = 0) -> Any:
    if type(start) not in NUMBERS:
        # sum(lists, []) copies the growing list once per item: quadratic in one C call.
        raise NotAllowed("sum() on something other than numbers")
    return sum(iterable, start)


BUILTINS: dict[str, Any] = {
    "None": None,
    "True": True,
    "False": False,
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "chr": chr,
    "dict": to_dict,
    "divmod": divmod,
    "enumerate": enumerate,
    "float": float,
    "format": to_format,
    "int": to_int,
    "len": len,
    "list": to_list,
    "max": largest,
    "min": smallest,
    "ord": ord,
    "range": make_range,
    "reversed": reversed,
    "round": rounded,
    "set": to_set,
    "sorted": sort,
    "str": to_str,
    "sum": total,
    "tuple": to_tuple,
    "zip": zip,
}
