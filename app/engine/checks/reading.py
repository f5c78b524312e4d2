"""Reading an uploaded XML file safely: a size limit, UTF-8 only, no document type declaration
(so no entity can expand or reach a file or the network), and lxml's own limits on depth and
text size left on. A file that fails gets one sentence saying why and how to fix it."""

from __future__ import annotations

import re

from lxml import etree

from app.engine.checks.problems import Problem

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"


_PROLOG_ITEM = re.compile(
    rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE
)


_START_TAG = re.compile(rb"<[A-Za-z_:]")


def _root_start(body: bytes) -> int:
    """Where the root element starts: a document type declaration can only come before it (one
    quoted in a comment or CDATA later on is text)."""
    position = 0
    while match := _PROLOG_ITEM.match(body, position):
        position = match.end()
    start = _START_TAG.search(body, position)
    return start.start() if start else len(body)


class Unreadable(Exception):
    """The file cannot be read as a diagram; `problem` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def read_xml(data: bytes, filename: str, max_bytes: int, what: str = "diagram") -> etree._Element:
    """The parsed root of an uploaded file, or Unreadable with a sentence a process owner can act on."""

    def refuse(message: str, reason: str, line: int | None = None) -> Unreadable:
        return Unreadable(Problem(message, reason, filename, line=line))

    if len(data) > max_bytes:
        raise refuse(
            f"The file is {len(data) / 1_000_000:.1f} MB; a {what} may be at most "
            f"{max_bytes / 1_000_000:.0f} MB. Remove embedded images or split the process.",
            "too_large",
        )
    if not data.strip():
        raise refuse(f"The file is empty: choose the {what} file again.", "empty")
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise refuse(
            f"The file is not UTF-8 text: the character at line {line} is in another encoding "
            "(often Latin-1 or Windows-1252, from an older modelling tool). Save or export the file "
            "as UTF-8 and upload it again.",
            "not_utf8",
            line,
        ) from None
    doctype = _DOCTYPE.search(body, 0, _root_start(body))
    if doctype:
        line = body[: doctype.start()].count(b"\n") + 1
        raise refuse(
            "The file contains a document type declaration (<!DOCTYPE …>). Diagrams never need one, "
            "and it is refused because it can make a file read other files: remove it.",
            "doctype",
            line,
        )
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        detail = re.sub(r",? line \d+, column \d+$", "", str(exc.msg or exc)).strip()
        raise refuse(
            f"The file is not well-formed XML ({detail}). Export it again from your modelling tool.",
            "not_xml",
            exc.lineno or None,
        ) from None
    return root
