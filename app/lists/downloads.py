"""Lists as CSV files: written a chunk of rows at a time, with every cell safe to open in a
spreadsheet, and sent as a download."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from flask import Response, send_file

# The most rows one download holds: a list longer than this is refused with a message asking for
# narrower filters (a file that size is also more than anyone should carry about).
MAX_ROWS = 50_000
# Rows read from the database at a time while a download is written.
CHUNK = 500
# A download is kept in memory up to this size, and on disk beyond it.
SPOOL_IN_MEMORY = 1024 * 1024
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


def too_many_message(what: str) -> str:
    return (
        f"There are more than {MAX_ROWS:,} {what} in this list, and a download can hold up to "
        f"{MAX_ROWS:,}: narrow the filters and download again."
    )


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(lines: Iterator[str], name: str) -> Response:
    """The file, written now (a chunk of rows at a time, in the request's own transaction, so the
    audit of the download and what it holds agree) to a temporary file that spills from memory to
    disk as it grows, and sent from there. UTF-8 with a byte-order mark, which spreadsheets need
    to read names like Zoë."""
    # Closed by the response once sent, so not in a with block.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115
    spool.write(codecs.BOM_UTF8)
    for text in lines:
        spool.write(text.encode("utf-8"))
    spool.seek(0)
    response = send_file(
        spool, mimetype="text/csv", as_attachment=True, download_name=name, max_age=0, etag=False
    )
    response.headers["Cache-Control"] = "no-store"
    return response
