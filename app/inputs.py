"""Input at the edge, made safe once for the whole app, so that bad input gets an answer, not a 500.

- Ids in URLs: `<int:...>` matches only numbers that fit the database's integer columns, and no
  path segment may hold a NUL byte. Anything else matches no route: a 404, as for any unknown id,
  instead of an overflow inside SQLite or "integer out of range" from PostgreSQL.
- Query strings and form values: NUL bytes (which PostgreSQL refuses in text) and, in query
  strings, other control characters (which would split a redirect's headers) are refused with a
  400 before any view runs.
- JSON bodies (the API, and forms posted as JSON): refused with a 400 when nested more than
  `JSON_DEPTH_LIMIT` deep (Python's parser would otherwise recurse until it fails), when they
  use NaN or Infinity (not JSON) or numbers too big to be finite, when a string holds a NUL or
  half of a surrogate pair (which no database column can store), or when they are not JSON.
- Query parameters: `page_number`, `whole_number` and `one_of` turn what was typed in a URL into
  a value a page can use: the nearest sensible one, or a ValueError the caller answers with a 400.
- Redirect targets (`next`): `safe_next` follows one only if it stays on this site.

`init_inputs(app)` wires all of it; create_app calls it before any blueprint is registered,
because a rule picks up its converters when it is added.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from itertools import accumulate
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

# PostgreSQL's `integer` (SQLite's is wider; the narrower one decides).
DB_INT_MAX = 2**31 - 1
# No form or API call here nests more than a few levels; 64 leaves room and stops the attack.
JSON_DEPTH_LIMIT = 64
# Deep enough for any real queue at any page size, small enough that (page - 1) * size fits.
MAX_PAGE = 1_000_000

# In a query string no control character is meant (and CR or LF would split a redirect's headers).
_QUERY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # read as signed bytes: +1 in, -1 out


def init_inputs(app: Flask) -> None:
    """Bound URL ids, refuse control characters and unsafe JSON, for every route of the app."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainStringConverter
    app.json = StrictJSONProvider(app)
    app.request_class = CheckedRequest
    app.before_request(refuse_control_characters)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only what the database's integer columns can hold."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = DB_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class PlainStringConverter(UnicodeConverter):
    """`<name>` as Werkzeug's default, but a segment holding a NUL byte matches nothing."""

    def __init__(
        self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def refuse_control_characters() -> None:
    """Before every view: a 400 for a control character in the query string, or a NUL in a form."""
    for key, value in request.args.items(multi=True):
        if _QUERY_CONTROL.search(key) or _QUERY_CONTROL.search(value):
            raise BadRequest("The web address contains a character that is not allowed")
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        # Only NUL: pasted text may carry tabs, form feeds and the like, which any column stores.
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value:
                raise BadRequest(
                    "Your answers contain a character that is not allowed. Remove it and try again"
                )


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading with the limits above (a request's `get_json` calls `loads`)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """The parsed text; BadRequest for a body we refuse, ValueError for one that is not JSON."""
        text = s.decode(json.detect_encoding(s)) if isinstance(s, bytes) else s
        if json_too_deep(text):
            raise BadRequest(f"The request body is nested more than {JSON_DEPTH_LIMIT} levels deep")
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, **kwargs)
        if "\\u" in text:  # only an escape can put a NUL or a lone surrogate into a string
            _refuse_unstorable_strings(value)
        return value


class CheckedRequest(Request):
    """Flask's request, saying in words why a JSON body could not be read."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:  # not sent as JSON: Werkzeug's 415 stands
            return super().on_json_loading_failed(e)
        raise BadRequest("The request body is not valid JSON")


def json_too_deep(text: str, limit: int = JSON_DEPTH_LIMIT) -> bool:
    """Whether a JSON text nests arrays and objects more than `limit` deep.

    Brackets inside strings do not count; for broken JSON the deepest prefix counts. Never
    recursive, and the work is done in C (bytes methods, the regular-expression engine,
    itertools): on the largest body the size limit lets through it takes from a fraction of the
    time parsing takes to about three times as long (a body of 2 MB of short strings).
    """
    data = text.encode("utf-8", "surrogatepass")
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    steps = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS).translate(_STEPS)
    return max(accumulate(memoryview(steps).cast("b"), initial=0)) > limit


def _refuse_unstorable_strings(value: Any) -> None:
    """BadRequest if any key or string holds a NUL or a lone surrogate (depth is already bounded)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable_strings(key)
            _refuse_unstorable_strings(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_unstorable_strings(item)
    elif isinstance(value, str):
        if "\x00" in value:
            raise BadRequest("The request body contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("The request body contains half of a surrogate pair") from None


def _refuse_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not a number JSON can carry; send a finite number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadRequest(f"{text[:40]} is too large a number")
    return value


def page_number(raw: str | None, *, strict: bool = False) -> int:
    """The page a query string asks for, from 1 to MAX_PAGE.

    Absent or blank is 1; below 1 is 1; beyond MAX_PAGE is MAX_PAGE. Anything that is not a whole
    number is 1, or, when `strict`, a ValueError the caller answers with a 400.
    """
    text = (raw or "").strip()
    if not text:
        return 1
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        if strict:
            raise ValueError(text)
        return 1
    if text.startswith("-"):
        return 1
    digits = text.lstrip("+").lstrip("0") or "0"
    return max(1, min(MAX_PAGE, int(digits) if len(digits) <= 7 else MAX_PAGE))


def whole_number(raw: str | None, default: int | None = None, *, highest: int = DB_INT_MAX) -> int | None:
    """A whole number from 0 to `highest` (an id, by default) from a query string; otherwise `default`."""
    text = (raw or "").strip()
    if not re.fullmatch(r"[0-9]{1,10}", text):
        return default
    value = int(text)
    return value if value <= highest else default


def one_of(raw: str | None, allowed: Collection[str], default: str) -> str:
    """`raw` if it is one of `allowed` (a view name, a sort key, a filter), otherwise `default`."""
    return raw if raw is not None and raw in allowed else default


def safe_next(target: str | None, default: str) -> str:
    """A redirect target from the request, if it stays on this site; otherwise `default`."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return default
