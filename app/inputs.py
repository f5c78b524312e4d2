"""Input at the edge, made safe once for the whole app, so that bad input gets an answer, not a 500.

- Ids in URLs: `<int:...>` matches only numbers that fit the database's integer columns, and no
  path segment may hold a NUL byte. Anything else matches no route: a 404, as for any unknown id,
  instead of an overflow inside SQLite or "integer out of range" from PostgreSQL.
- Query strings and form values: NUL bytes (which PostgreSQL refuses in text) and, in query
  strings, other control characters (which would split a redirect's headers) are refused with a
  400 before any view runs.
- Query parameters: `page_number`, `whole_number` and `one_of` turn what was typed in a URL into
  a value a page can use: the nearest sensible one, or a ValueError the caller answers with a 400.

`init_inputs(app)` wires all of it; create_app calls it before any blueprint is registered,
because a rule picks up its converters when it is added.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

# PostgreSQL's `integer` (SQLite's is wider; the narrower one decides).
DB_INT_MAX = 2**31 - 1
# Deep enough for any real queue at any page size, small enough that (page - 1) * size fits.
MAX_PAGE = 1_000_000

# In a query string no control character is meant (and CR or LF would split a redirect's headers).
_QUERY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def init_inputs(app: Flask) -> None:
    """Bound URL ids and refuse control characters, for every route of the app."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainStringConverter
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
