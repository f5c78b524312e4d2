"""Guards the limiting policy puts around everything in an expression that could build a large
value or run long inside one C call, where no loop check can interrupt it.

Each guard works out the size of the result before computing it and charges it to the
expression's meter (app/engine/limits.py), which refuses once the memory limit would be passed:
`'a' * 10**9` fails before a byte is allocated. Containers about to be printed, compared or
hashed are first walked with a bounded count, because a structure that shares itself
(`a = [a, a]`, 60 times) is tiny in memory but 2**60 values to a C loop.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from app.engine.limits import (
    MAX_DEPTH,
    MAX_INT_BITS,
    MAX_INT_DIGITS,
    NotAllowed,
    NotSaveable,
    TooBig,
    TooMuch,
)
from app.engine.limits import current_meter as meter

NUMBERS = frozenset({int, float, bool, Decimal})
_SCALARS = frozenset({int, float, bool, str, type(None), Decimal, date, datetime, time, timedelta})
_SEQUENCES = (str, bytes, list, tuple)
POINTER_BYTES = 8  # bytes per item of a list or tuple
# What the case's saved data can hold (app/engine/serialization.py; a set comes back a list).
_SAVEABLE = (_SCALARS - {time}) | {UUID, list, tuple, dict, set, frozenset}


def text_bytes(text: str) -> int:
    return len(text) if text.isascii() else 4 * len(text)


def _seq_bytes(seq: Any, times: int = 1) -> int:
    if isinstance(seq, str):
        return text_bytes(seq) * times
    if isinstance(seq, bytes):
        return len(seq) * times
    return len(seq) * POINTER_BYTES * times


def _too_many_digits() -> TooMuch:
    return TooMuch(f"a number with more than {MAX_INT_DIGITS:,} digits")


def check_decimal_digits(value: Decimal) -> None:
    """Refuse a decimal whose whole-number or fixed-point form would be too long to build."""
    if value.is_finite() and abs(value.adjusted()) > MAX_INT_DIGITS:
        raise _too_many_digits()


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise _too_many_digits()


# -- operators ------------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    if type(a) in NUMBERS and type(b) in NUMBERS:  # the usual case; a sum grows one bit at most
        return a + b
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        meter().charge(_seq_bytes(a) + _seq_bytes(b), "joining two long values")
    return a + b


def mul(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        _check_bits(a.bit_length() + b.bit_length())
        return a * b
    if isinstance(a, _SEQUENCES) and type(b) in (int, bool):
        _charge_repeat(a, b)
    elif isinstance(b, _SEQUENCES) and type(a) in (int, bool):
        _charge_repeat(b, a)
    return a * b


def _charge_repeat(seq: Any, times: int) -> None:
    if times > 0 and len(seq):
        # Compare before multiplying sizes: 10**9 * len(seq) is itself a big number to build.
        if times > meter().limits.memory_bytes:
            raise TooBig(meter().limits, f"repeating a value {times:,} times")
        meter().charge(_seq_bytes(seq, times), f"repeating a value {times:,} times")


def power(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        if b > MAX_INT_BITS:
            raise _too_many_digits()
        _check_bits(int(b * math.log2(abs(a))))  # 10**3999 has 4,000 digits: allowed
    return a**b


def lshift(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int and a and b > 0:
        _check_bits(a.bit_length() + b)
    return a << b


_COLLECTIONS = (set, frozenset, dict)


def _collection_op(a: Any, b: Any, op: Callable[[Any, Any], Any]) -> Any:
    if isinstance(a, _COLLECTIONS) and isinstance(b, _COLLECTIONS):
        bounded(a)
        bounded(b)
        meter().charge((len(a) + len(b)) * 4 * POINTER_BYTES, "combining two long collections")
    return op(a, b)


def bit_or(a: Any, b: Any) -> Any:
    return _collection_op(a, b, operator.or_)


def bit_and(a: Any, b: Any) -> Any:
    return _collection_op(a, b, operator.and_)


def bit_xor(a: Any, b: Any) -> Any:
    return _collection_op(a, b, operator.xor)


def sub(a: Any, b: Any) -> Any:
    if type(a) in NUMBERS and type(b) in NUMBERS:
        return a - b
    return _collection_op(a, b, operator.sub)


def mod(a: Any, b: Any) -> Any:
    if isinstance(a, str | bytes):
        raise NotAllowed("'%' to format text", "use an f-string")
    return a % b


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": add,
    "-=": sub,
    "*=": mul,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    "%=": mod,
    "**=": power,
    "<<=": lshift,
    ">>=": operator.rshift,
    "&=": bit_and,
    "|=": bit_or,
    "^=": bit_xor,
}


def inplace(op: str, x: Any, y: Any) -> Any:
    """`x op= y`: guarded like `x op y`; lists and dicts change in place, as in Python."""
    if type(x) in NUMBERS and type(y) in NUMBERS and op in ("+=", "-="):  # the usual case: a counter
        return x + y if op == "+=" else x - y
    if op == "+=" and type(x) is list:
        meter().charge(_seq_bytes(y) if isinstance(y, _SEQUENCES) else 0, "joining two long values")
        x += y
        return x
    if op not in _INPLACE:
        raise NotAllowed(f"'{op}'")
    return _INPLACE[op](x, y)


def size_of(value: Any) -> int:
    """Roughly what a new value of this kind takes (its items are counted where they were made)."""
    kind = type(value)
    if kind is str:
        return text_bytes(value)
    if kind in (list, tuple):
        return len(value) * POINTER_BYTES
    if kind in (dict, set, frozenset):
        return len(value) * 4 * POINTER_BYTES
    return 0


def charged(value: Any) -> Any:
    """Charge a value just copied (a slice, `upper()`, `copy()`): each is no bigger than what
    it copied, but a loop can copy a long value many times between two memory checks."""
    meter().charge(size_of(value), "copying a long value many times")
    return value


def getitem(obj: Any, key: Any) -> Any:
    """`obj[key]`: a slice is a copy, and a tuple key is hashed."""
    kind = type(key)
    if kind is slice:
        return charged(obj[key])
    if kind is tuple:
        bounded(key)
    return obj[key]


# -- values printed, compared or hashed --------------------------------------------------


def bounded(value: Any) -> Any:
    """Return `value` once it is known to be a tree of a size C code may safely walk."""
    if type(value) not in _SCALARS:
        walk(value)
    return value


def walk(value: Any, *, saving: bool = False) -> None:
    """Count `value` as a tree (shared parts counted each time they appear), refusing one with
    more values than the memory limit allows, more text than is left of it (printing, comparing
    or saving a list that holds one long text 1,000 times reads it 1,000 times), or nesting
    deeper than MAX_DEPTH. With `saving`, also refuse what the case's saved data cannot hold."""
    limits = meter().limits
    values_left = limits.max_values
    text_left = limits.memory_bytes - meter().spent
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        values_left -= 1
        if values_left < 0:
            raise TooBig(limits, f"a value holding more than {limits.max_values:,} values")
        kind = type(item)
        if kind is str:
            text_left -= len(item)
            if text_left < 0:
                raise TooBig(limits, "a value holding too much text")
            continue
        if saving and kind not in _SAVEABLE:
            raise NotSaveable(f"a value of the kind '{kind.__name__}'")
        if kind is int and saving and item.bit_length() > MAX_INT_BITS:
            raise NotSaveable(f"a number with more than {MAX_INT_DIGITS:,} digits")
        if kind in _SCALARS:
            continue
        if depth >= MAX_DEPTH:
            raise TooMuch(f"values nested more than {MAX_DEPTH} deep")
        if kind is dict:
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif kind in (list, tuple, set, frozenset):
            stack.extend((part, depth + 1) for part in item)


def saveable(value: Any) -> Any:
    """Return `value` once it is known the case's data can hold it."""
    if type(value) not in _SCALARS:
        walk(value, saving=True)
    elif type(value) is int and value.bit_length() > MAX_INT_BITS:
        raise NotSaveable(f"a number with more than {MAX_INT_DIGITS:,} digits")
    return value


_DIGITS = re.compile(r"\d+")


def _check_format_spec(spec: str) -> None:
    for run in _DIGITS.findall(spec):  # widths and precisions: each is that many characters
        if len(run) > 9 or int(run) > meter().limits.memory_bytes:
            wide = f"{int(run):,}" if len(run) <= 12 else "billions of"
            raise TooBig(meter().limits, f"text {wide} characters wide")


def format_value(value: Any, conversion: int = -1, spec: str = "") -> str:
    """An f-string's `{value!conversion:spec}`."""
    bounded(value)
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    elif conversion == ord("s"):
        value = str(value)
    _check_format_spec(spec)
    if type(value) is Decimal and spec.rstrip()[-1:] in ("f", "F", "%", "") and spec:
        check_decimal_digits(value)  # Decimal("1e999999999") in fixed point is a billion digits
    text = format(value, spec)
    meter().charge(text_bytes(text))
    return text
