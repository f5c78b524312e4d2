"""The attributes and methods a diagram expression may use, by the type of the value.

An allow-list, not a deny-list: a type or method not named here is refused with a plain
message, so a method that takes a size (`'x'.ljust(10**9)`, `(1).to_bytes(10**9)`,
`'{:>1000000000}'.format(1)`) cannot slip through. Methods whose result can be much larger
than their inputs are wrapped so that the size is charged to the expression's memory limit
before the work is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from app.engine.guards import POINTER_BYTES, bounded, charged, text_bytes, walk
from app.engine.limits import NotAllowed, TooBig
from app.engine.limits import current_meter as meter

# Methods that read text and answer with something small.
_TEXT_READ = {
    "count",
    "endswith",
    "find",
    "index",
    "isalnum",
    "isalpha",
    "isdecimal",
    "isdigit",
    "islower",
    "isnumeric",
    "isspace",
    "istitle",
    "isupper",
    "rfind",
    "rindex",
    "startswith",
}
# Methods that answer with a copy no bigger than (or, for case changes, a few times) the input:
# charged after the fact, see guards.charged.
_TEXT_COPY = {
    "capitalize",
    "casefold",
    "lower",
    "lstrip",
    "partition",
    "removeprefix",
    "removesuffix",
    "rpartition",
    "rstrip",
    "strip",
    "swapcase",
    "title",
    "upper",
}
_DATE = {"year", "month", "day", "weekday", "isoweekday", "isoformat", "toordinal"}
_TIME = {"hour", "minute", "second", "microsecond", "isoformat"}

ALLOWED: dict[type, frozenset[str]] = {
    str: frozenset(_TEXT_READ),
    list: frozenset({"append", "insert", "pop", "reverse", "clear"}),
    tuple: frozenset(),
    dict: frozenset({"get", "keys", "values", "items", "pop", "setdefault", "clear"}),
    set: frozenset({"add", "discard", "remove", "pop", "clear"}),
    frozenset: frozenset(),
    int: frozenset({"real", "numerator", "denominator"}),
    bool: frozenset(),
    float: frozenset({"is_integer", "real"}),
    Decimal: frozenset({"is_zero", "is_signed"}),
    date: frozenset(_DATE),
    datetime: frozenset(_DATE | _TIME | {"date", "time", "timestamp"}),
    time: frozenset(_TIME),
    timedelta: frozenset({"days", "seconds", "total_seconds"}),
}


def _widen(text: str, name: str, width: int, *args: Any) -> str:
    if width > len(text):
        if width > meter().limits.memory_bytes:
            raise TooBig(meter().limits, f"text {width:,} characters wide")
        meter().charge(width * (1 if text.isascii() else 4), f"text {width:,} characters wide")
    result: str = getattr(text, name)(width, *args)
    return result


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    found = text.count(old) if old else len(text) + 1
    if count >= 0:
        found = min(found, count)
    grows = max(0, found * (len(new) - len(old)))
    meter().charge(text_bytes(text) + grows * (1 if new.isascii() else 4), "replacing text many times")
    return text.replace(old, new, count)


def _join(separator: str, iterable: Iterable[Any]) -> str:
    items = list(iterable)
    meter().charge(len(items) * POINTER_BYTES, "a long list")
    size = sum(len(item) for item in items if isinstance(item, str)) + len(separator) * max(0, len(items) - 1)
    meter().charge(size * (1 if separator.isascii() else 4), "joining many pieces of text")
    return separator.join(items)


def _split(text: str, name: str, *args: Any, **kwargs: Any) -> list[str]:
    # Up to one piece per character: the pieces' list is the cost.
    meter().charge(len(text) * POINTER_BYTES, "splitting a long text")
    pieces: list[str] = getattr(text, name)(*args, **kwargs)
    return pieces


def _extend(items: list[Any], more: Iterable[Any]) -> None:
    if isinstance(more, list | tuple | str | dict | set | frozenset | range):
        meter().charge(len(more) * POINTER_BYTES, "a long list")
    items.extend(more)


def _copy(value: Any, name: str, *args: Any) -> Any:
    return charged(getattr(value, name)(*args))


def _compare(container: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Methods that compare (or hash) the items: walk them first, as for `==`."""
    walk(container)
    for arg in args:
        bounded(arg)
    return getattr(container, name)(*args, **kwargs)


def _update(mapping: dict[Any, Any], *args: Any, **kwargs: Any) -> None:
    for arg in args:
        bounded(arg)
        if isinstance(arg, dict | list | tuple):
            meter().charge(len(arg) * 4 * POINTER_BYTES, "a long list")
    mapping.update(*args, **kwargs)


def _combine(values: set[Any] | frozenset[Any], name: str, *others: Iterable[Any]) -> Any:
    for other in others:
        bounded(other)
        if isinstance(other, list | tuple | set | frozenset | dict):
            meter().charge(len(other) * 4 * POINTER_BYTES, "a long list")
    return getattr(values, name)(*others)


def _named(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    def call(obj: Any, *args: Any, **kwargs: Any) -> Any:
        return function(obj, name, *args, **kwargs)

    return call


_WRAPPED: dict[tuple[type, str], Callable[..., Any]] = {
    (str, "join"): _join,
    (str, "replace"): _replace,
    **{(str, name): _named(_widen, name) for name in ("ljust", "rjust", "center", "zfill")},
    **{(str, name): _named(_split, name) for name in ("split", "rsplit", "splitlines")},
    **{(str, name): _named(_copy, name) for name in _TEXT_COPY},
    **{(kind, "copy"): _named(_copy, "copy") for kind in (list, dict, set)},
    (list, "extend"): _extend,
    **{(list, name): _named(_compare, name) for name in ("sort", "index", "count", "remove")},
    **{(tuple, name): _named(_compare, name) for name in ("index", "count")},
    (dict, "update"): _update,
    **{
        (kind, name): _named(_combine, name)
        for kind in (set, frozenset)
        for name in ("union", "intersection", "difference", "symmetric_difference")
    },
    **{
        (kind, name): _named(_compare, name)
        for kind in (set, frozenset)
        for name in ("issubset", "issuperset", "isdisjoint")
    },
}


def getattr_guard(obj: Any, name: str) -> Any:
    """`obj.name` in a diagram: an allowed attribute, a guarded method, or NotAllowed."""
    kind = type(obj)
    if name in ALLOWED.get(kind, ()):
        return getattr(obj, name)
    wrapped = _WRAPPED.get((kind, name))
    if wrapped is not None:
        return partial(wrapped, obj)
    label = {str: "text", list: "a list", dict: "a dict", int: "a number", float: "a number"}.get(
        kind, f"a value of the kind '{kind.__name__}'"
    )
    raise NotAllowed(f"'{name}' of {label}")
