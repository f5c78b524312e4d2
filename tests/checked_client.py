"""The tests' HTTP client: every answer is checked as it arrives, whatever the test then asserts.

Each answer must not be a server error (a status of 500 or more, the "Sorry, there is a problem
with the service" page, a traceback) unless the test is marked `expects_server_error`; each
HTML page must parse as a whole document with its elements closed in order; and each request
must leave nothing in the database session that was neither committed nor rolled back.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from html.parser import HTMLParser
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from tests.isolation import unsaved

SORRY = "Sorry, there is a problem with the service"
# What the last request in this thread left in its session. (Not in the request's environ:
# Werkzeug's test client hands the app a copy of it.)
_left = threading.local()
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets a page leave out (the next element, or the parent's end, closes them).
OPTIONAL_END = {"html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "colgroup"}
OPTIONAL_END |= {"caption", "thead", "tbody", "tfoot", "tr", "td", "th", "rb", "rt", "rtc", "rp"}


class PageReader(HTMLParser):
    """Reads a page as a browser would, noting each departure from well-formed HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []  # element, line
        self.problems: list[str] = []
        self.doctype = False
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower().startswith("doctype html")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closes_itself=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closes_itself=True)  # <br/>, and SVG's <path ... />

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closes_itself: bool) -> None:
        line = self.getpos()[0]
        repeated = [name for name, count in Counter(name for name, _ in attrs).items() if count > 1]
        if repeated:
            self.problems.append(f"line {line}: <{tag}> has {', '.join(repeated)} more than once")
        if tag in ("h1", "title"):
            self._heading = []
        if not closes_itself and tag not in VOID:
            self.open.append((tag, line))

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in ("h1", "title") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag in VOID:
            self.problems.append(f"line {line}: </{tag}> closes an element that has no end")
            return
        names = [name for name, _ in self.open]
        if tag not in names:
            self.problems.append(f"line {line}: </{tag}> closes nothing that is open")
            return
        while self.open:
            name, opened = self.open.pop()
            if name == tag:
                return
            if name not in OPTIONAL_END:
                self.problems.append(f"line {line}: </{tag}> arrives while <{name}> (line {opened}) is open")

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def finish(self) -> list[str]:
        self.close()
        unclosed = [f"<{name}> (line {line})" for name, line in self.open if name not in OPTIONAL_END]
        if unclosed:
            self.problems.append("never closed: " + ", ".join(unclosed))
        if not self.doctype:
            self.problems.append("no <!DOCTYPE html>: not a whole page")
        return self.problems


def page_problems(html: str) -> tuple[list[str], list[str]]:
    """What is wrong with a page's HTML, and the texts of its <title> and <h1>."""
    # Two pages in three are ones already read but for their nonce (a walk asks for the same
    # refusal again and again), so each page is read once.
    key = hashlib.blake2b(NONCE.sub("", html).encode(), digest_size=16).digest()
    if key not in _read:
        reader = PageReader()
        reader.feed(html)
        _read[key] = (reader.finish(), reader.headings)
    problems, headings = _read[key]
    return list(problems), list(headings)


NONCE = re.compile(r'nonce="[^"]*"')
_read: dict[bytes, tuple[list[str], list[str]]] = {}


class CheckedClient(FlaskClient):
    """A test client that fails the test on the first answer that is a server error, a page
    that does not parse, or a request that left changes neither committed nor rolled back."""

    server_errors_expected: ClassVar[bool] = False

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)  # each redirect followed comes through here too
        problems = answer_problems(response, server_errors_expected=self.server_errors_expected)
        if problems:
            where = f"{response.request.method} {response.request.full_path.rstrip('?')}"
            pytest.fail(
                f"{where} answered {response.status_code}:\n  " + "\n  ".join(problems), pytrace=False
            )
        return response


def answer_problems(response: TestResponse, server_errors_expected: bool = False) -> list[str]:
    """Everything wrong with one answer, in words (empty when nothing is)."""
    left: list[str] = _left.__dict__.pop("unsaved", [])
    problems = [f"the request left changes neither committed nor rolled back: {what}" for what in left]
    if response.status_code >= 500 and not server_errors_expected:
        problems.append("a server error (mark the test expects_server_error if it means one)")
    if response.mimetype != "text/html":
        return problems
    html = response.get_data(as_text=True)
    if not html:  # an answer to OPTIONS or HEAD: nothing to read
        return problems
    if "Traceback (most recent call last)" in html:
        problems.append("the page shows a traceback")
    errors, headings = page_problems(html)
    if any(SORRY in text for text in headings) and not server_errors_expected:
        problems.append("the page is the server error page")
    return problems + [f"the HTML does not parse: {error}" for error in errors]


def check_every_request(app: Flask) -> None:
    """Give `app` the checked client, and note what each request leaves in the session.

    The note is taken at teardown, before the app's own teardown discards whatever is left
    (Flask runs teardown functions last registered, first).
    """
    app.test_client_class = CheckedClient

    @app.teardown_request
    def _note_unsaved(error: BaseException | None) -> None:
        _left.unsaved = unsaved(db.session()) if error is None and db.session.registry.has() else []
