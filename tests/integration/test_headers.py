"""Security headers: what a browser is told about every page, API answer and static file."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from flask import Flask

from tests import factories
from tests.conftest import login


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser would read them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def attribute_names(self) -> set[str]:
        return {name for _, attrs in self.tags for name in attrs}


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.fixture
def case_pages(client, people) -> list[str]:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")
    return [
        "/worklist",
        "/cases",
        f"/cases/{case.reference}",
        f"/tasks/{task.id}",
        "/referrals/new",
        "/processes",
        "/processes/referral_to_early_help",
    ]


def test_every_page_tells_the_browser_to_run_only_our_own_scripts(client, case_pages) -> None:
    for url in case_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["default-src"] == "'self'"
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
        assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", policy["script-src"]), url
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["form-action"] == "'self'"


def test_every_inline_script_and_style_carries_this_requests_nonce(client, case_pages) -> None:
    for url in case_pages:
        response = client.get(url)
        page = Tags(response.get_data(as_text=True))
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        inline = [a for tag, a in page.tags if (tag == "script" and "src" not in a) or tag == "style"]
        assert inline, url  # the GOV.UK template's js-enabled script at least
        assert all(attributes.get("nonce") == nonce for attributes in inline), url
        # inline event handlers and javascript: links would be refused by the policy
        assert not [name for name in page.attribute_names() if name.startswith("on")], url
        links = [a.get(n) or "" for _, a in page.tags for n in ("href", "src", "action")]
        assert not [link for link in links if link.strip().lower().startswith("javascript:")], url


def test_the_fallback_style_for_a_server_without_front_end_packages_carries_the_nonce(
    client, monkeypatch
) -> None:
    monkeypatch.setitem(client.application.jinja_env.globals, "assets_available", False)
    response = client.get("/login")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert "'nonce-" in directives(response)["style-src"]
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)


def test_no_page_uses_style_attributes_the_policy_would_refuse(client, case_pages) -> None:
    client.post("/logout")
    login(client, "manager@example.org")
    for url in [*case_pages, "/cme", "/incidents"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "style-src-attr" not in response.headers["Content-Security-Policy"]
        assert "style" not in Tags(response.get_data(as_text=True)).attribute_names(), url


def test_the_nonce_is_new_on_every_request(client) -> None:
    nonces = {
        re.search(r"'nonce-([^']+)'", client.get("/login").headers["Content-Security-Policy"]).group(1)
        for _ in range(3)
    }
    assert len(nonces) == 3


def test_every_answer_forbids_framing_sniffing_and_cross_site_referrers(client, case_pages) -> None:
    token = client.application.test_cli_runner().invoke(
        args=["users", "create-token", "practitioner@example.org"]
    )
    api = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token.output.strip()}"})
    for response in [client.get(case_pages[0]), client.get("/login"), client.get("/no-such-page"), api]:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        # outside production the browser is not told to insist on HTTPS
        assert "Strict-Transport-Security" not in response.headers
        # every answer says what it is, and text says how it is encoded
        assert response.mimetype in {"text/html", "application/json"}
        assert response.mimetype == "application/json" or response.mimetype_params["charset"] == "utf-8"


def test_api_answers_are_files_to_a_browser_and_readable_by_no_other_site(client) -> None:
    token = client.application.test_cli_runner().invoke(
        args=["users", "create-token", "practitioner@example.org"]
    )
    headers = {"Authorization": f"Bearer {token.output.strip()}", "Origin": "https://evil.example"}
    for response in [
        client.get("/api/v1/tasks", headers=headers),
        client.get("/api/v1/openapi.json", headers=headers),
        client.get("/api/v1/nothing-here", headers=headers),
        client.options("/api/v1/tasks", headers={**headers, "Access-Control-Request-Method": "POST"}),
    ]:
        # a JSON answer opened as a page is downloaded, never rendered
        assert response.headers["Content-Disposition"] == 'attachment; filename="api.json"'
        # no cross-origin reads: the API grants no other origin anything
        assert not [name for name, _ in response.headers.items() if name.startswith("Access-Control-")]
    # pages are not attachments
    assert "Content-Disposition" not in client.get("/login").headers


def test_production_tells_browsers_to_use_https_only(ctx: Flask) -> None:
    settings = ctx.extensions["settings"]
    ctx.extensions["settings"] = dataclasses.replace(settings, env="production")
    try:
        response = ctx.test_client().get("/login")
    finally:
        ctx.extensions["settings"] = settings
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "includeSubDomains" in hsts


def test_no_page_or_api_answer_that_may_show_a_child_is_stored_by_the_browser(client, case_pages) -> None:
    token = client.application.test_cli_runner().invoke(
        args=["users", "create-token", "practitioner@example.org"]
    )
    case_reference = case_pages[2].rsplit("/", 1)[1]
    api = client.get(
        f"/api/v1/cases/{case_reference}", headers={"Authorization": f"Bearer {token.output.strip()}"}
    )
    assert api.status_code == 200
    answers = [client.get(url) for url in case_pages] + [api, client.get("/no-such-page")]
    for response in answers:
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_static_files_keep_normal_caching_and_the_same_protections(client) -> None:
    response = client.get("/static/js/init.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
