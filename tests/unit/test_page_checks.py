"""The checks the tests' client makes of every answer (tests/checked_client.py), on pages made here."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder, TestResponse

from tests.checked_client import SORRY, answer_problems, page_problems

GOOD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Your worklist</title></head>
<body class="govuk-template__body">
<main><h1 class="govuk-heading-l">Your worklist</h1>
<p>Tasks you hold<p>Tasks in your queues
<ul><li>First<li>Second</ul>
<table><tr><td>One<td>Two</table>
<svg viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg>
<input name="q" value="x"><br>
<select name="s"><option>A<option selected>B</select>
</main></body></html>"""


def answer(body: str, status: int = 200, mimetype: str = "text/html") -> TestResponse:
    request = EnvironBuilder(path="/worklist").get_request()
    return TestResponse([body.encode()], status, [("Content-Type", f"{mimetype}; charset=utf-8")], request)


def test_a_well_formed_page_has_no_problems_even_with_end_tags_html_lets_it_leave_out() -> None:
    problems, headings = page_problems(GOOD)
    assert problems == []
    assert headings == ["Your worklist", "Your worklist"]


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ("<!DOCTYPE html><div><p>a</div></div>", "line 1: </div> closes nothing that is open"),
        ("<!DOCTYPE html><main><div>a</main>", "line 1: </main> arrives while <div> (line 1) is open"),
        ("<!DOCTYPE html>\n<main>\n<section>a</main>", "</main> arrives while <section> (line 3) is open"),
        ("<!DOCTYPE html><main><div>a", "never closed: <main> (line 1), <div> (line 1)"),
        ('<!DOCTYPE html><a href="/x" href="/y">a</a>', "<a> has href more than once"),
        ("<!DOCTYPE html><p>a<br></br>", "</br> closes an element that has no end"),
        ("<main>a</main>", "no <!DOCTYPE html>: not a whole page"),
    ],
)
def test_html_a_browser_would_have_to_repair_is_a_problem(html: str, problem: str) -> None:
    problems, _ = page_problems(html)
    assert any(problem in p for p in problems), problems


def test_the_server_error_page_and_any_5xx_fail_unless_the_test_expects_them() -> None:
    sorry = f"<!DOCTYPE html><title>{SORRY} – Casework</title><h1>{SORRY}</h1>"
    assert answer_problems(answer(sorry, 500)) == [
        "a server error (mark the test expects_server_error if it means one)",
        "the page is the server error page",
    ]
    assert answer_problems(answer(sorry, 500), server_errors_expected=True) == []
    assert answer_problems(answer('{"error": "server_error"}', 503, "application/json")) == [
        "a server error (mark the test expects_server_error if it means one)"
    ]
    assert answer_problems(answer(sorry, 200)) == ["the page is the server error page"]


def test_a_traceback_on_a_page_is_a_problem_whatever_its_status() -> None:
    page = "<!DOCTYPE html><pre>Traceback (most recent call last):\n  File x</pre>"
    assert answer_problems(answer(page, 400)) == ["the page shows a traceback"]


def test_a_page_that_does_not_parse_is_a_problem_naming_what_is_wrong() -> None:
    assert answer_problems(answer("<!DOCTYPE html><main><div>a</main>")) == [
        "the HTML does not parse: line 1: </main> arrives while <div> (line 1) is open"
    ]


def test_answers_that_are_not_html_are_not_parsed() -> None:
    assert answer_problems(answer("<div>", 200, "application/json")) == []
