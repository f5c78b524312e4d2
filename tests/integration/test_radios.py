"""No radio is chosen for the user: every form starts with none selected.

A pre-selected radio is an answer the user did not give (GOV.UK: "do not pre-select radio
options"), and a user who misses it sends it anyway. Editing a saved record shows the saved
answer, which is not pre-selection; every other form page is checked here: each task form as a
task page draws it, and every page a signed-in user can open without naming a record. A filter
(a form sent with GET, such as the dashboard's period) shows the choice the page is drawn for,
which is not an answer either: its radios are not counted.
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask, render_template_string

from tests import factories
from tests.conftest import login
from tests.fixtures.forms import all_form_keys, shipped_form


class _Radios(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.radios: list[str] = []
        self.checked: list[str] = []
        self.in_filter = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.in_filter = (a.get("method") or "get").lower() == "get"
        if tag == "input" and a.get("type") == "radio" and not self.in_filter:
            self.radios.append(f"{a.get('name')}={a.get('value')}")
            if "checked" in a:
                self.checked.append(f"{a.get('name')}={a.get('value')}")


def radios(page: str) -> _Radios:
    reader = _Radios()
    reader.feed(page)
    return reader


    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_filter = False


def test_the_reader_sees_a_checked_radio() -> None:
    page = '<input type="radio" name="a" value="1"><input class="x" type="radio" name="a" value="2" checked>'
    assert radios(page).checked == ["a=2"] and len(radios(page).radios) == 2
    posted = f'<form method="post">{page}</form>'
    assert radios(posted).checked == ["a=2"]
    assert radios(f'<form method="get">{page}</form>{posted}').checked == ["a=2"]


def test_no_task_form_starts_with_a_radio_chosen(ctx: Flask) -> None:
    drawn = 0
    with ctx.test_request_context():
        for key in all_form_keys():
            form = shipped_form(key)(formdata=None, meta={"csrf": False})
            page = render_template_string("{% for f in form.data_fields() %}{{ f() }}{% endfor %}", form=form)
            found = radios(page)
            drawn += len(found.radios)
            assert found.checked == [], key
    assert drawn > 200


def test_no_form_page_starts_with_a_radio_chosen(client, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    pages = 0
    for who in ("school@example.org", "practitioner@example.org", "admin@example.org"):
        login(client, who)
        urls = [
            rule.rule
            for rule in client.application.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/api", "/static"))
        ]
        for url in [*urls, f"/tasks/{task.id}", f"/cases/{case.reference}"]:
            response = client.get(url)
            if response.mimetype == "text/html" and response.status_code == 200:
                pages += 1
                assert radios(response.get_data(as_text=True)).checked == [], (who, url)
    assert pages > 20
    login(client, "school@example.org")
    assert len(radios(client.get("/referrals/new").get_data(as_text=True)).radios) >= 5
