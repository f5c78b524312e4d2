"""Lists as CSV files: written a chunk of rows at a time, with every cell safe to open in a
spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from flask import Response, stream_with_context

# The most rows one download holds: a list longer than this is refused with a message asking for
# narrower filters (a file that size is also more than anyone should carry about).
MAX_ROWS = 50_000
# Rows read from the database at a time while a download streams.
CHUNK = 500
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, with a quote mark in front of anything a spreadsheet would run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(
    header: Sequence[str], ids: Sequence[int], rows_for: Callable[[Sequence[int]], Iterable[Sequence[object]]]
) -> Iterator[str]:
    """The header, then the rows of `ids` in order, `CHUNK` ids at a time (`rows_for` reads one
    chunk's rows, in the order of its ids)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield _take(buffer)
    for start in range(0, len(ids), CHUNK):
        for row in rows_for(ids[start : start + CHUNK]):
            writer.writerow([safe_cell(cell) for cell in row])
        yield _take(buffer)


def filename(kind: str, today: date) -> str:
    return f"{kind}-{today.isoformat()}.csv"


def too_many_message(total: int, what: str) -> str:
    return (
        f"There are {total:,} {what} in this list. A download can hold up to {MAX_ROWS:,}: "
        "narrow the filters and download again."
    )


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(lines: Iterator[str], name: str) -> Response:
    """A download streamed as it is written (the request's context stays open while it streams)."""
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
