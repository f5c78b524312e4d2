"""Diagrams are files, not pages: a download never renders on our origin, and diagram text
shown in pages is escaped however it was written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessVersion
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step

# Markup a process owner (or an attacker with their account) might put in a diagram's text.
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"


def _xml_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def assert_downloaded_not_rendered(response, filename: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_diagram_download_is_an_attachment_the_browser_will_not_render(client) -> None:
    login(client, "owner@example.org")
    response = client.get("/processes/referral_to_early_help/v1.bpmn")
    assert_downloaded_not_rendered(response, "referral_to_early_help-v1.bpmn")
    assert b'id="referral_to_early_help"' in response.data  # the diagram, byte for byte


def test_a_decision_table_download_is_an_attachment_too(client) -> None:
    login(client, "owner@example.org")
    version = db.session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_id == "attendance_support", ProcessVersion.is_current
        )
    )
    page = client.get("/processes/attendance_support").get_data(as_text=True)
    url = f"/processes/attendance_support/v{version.number}.dmn"
    assert f'href="{url}"' in page and "Download the decision tables" in page
    response = client.get(url)
    assert_downloaded_not_rendered(response, f"attendance_support-v{version.number}.dmn")
    assert response.get_data(as_text=True) == version.dmn_xml
    # a process without decision tables has nothing to download, and says nothing about one
    assert client.get("/processes/referral_to_early_help/v1.dmn").status_code == 404
    assert "decision tables" not in client.get("/processes/referral_to_early_help").get_data(as_text=True)


def test_signed_out_visitors_cannot_download_decision_tables(client) -> None:
    assert client.get("/processes/attendance_support/v1.dmn").status_code == 302


@pytest.fixture
def hostile_diagram(ctx, people) -> Iterator[ProcessVersion]:
    """A published diagram whose name, documentation and task carry markup, running on a case."""
    xml = (
        two_step(process_id="escape_probe")
        .replace(b'name="Two step"', f'name="{_xml_escaped(IMAGE)} Probe"'.encode())
        .replace(
            b'isExecutable="true">',
            f'isExecutable="true"><bpmn:documentation>{_xml_escaped(SCRIPT)} Explained'
            "</bpmn:documentation>".encode(),
        )
        .replace(b'name="First step"', f'name="First {_xml_escaped(IMAGE)}"'.encode())
        .replace(b"Do the first thing well.", _xml_escaped(SCRIPT).encode())
    )
    version = factories.publish_test_diagram(xml, "escape_probe.bpmn")
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "escape_probe", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    yield version
    # versions outlive a test; keep this one out of the library pages of later tests
    version.is_current = False
    db.session.commit()


def test_markup_in_a_diagrams_text_is_shown_as_text_on_every_page(client, people, hostile_diagram) -> None:
    login(client, "practitioner@example.org")
    [task] = factories.open_tasks(hostile_diagram_case := _case_of(hostile_diagram))
    pages = {
        url: client.get(url)
        for url in [
            "/processes",
            "/processes/escape_probe",
            "/worklist?view=team",
            f"/cases/{hostile_diagram_case.reference}",
            f"/tasks/{task.id}",
        ]
    }
    for url, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert SCRIPT not in html and IMAGE not in html, url
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Explained" in pages["/processes/escape_probe"].get_data(
        as_text=True
    )
    assert "First &lt;img src=x onerror=alert(2)&gt;" in pages[f"/tasks/{task.id}"].get_data(as_text=True)
    # and the diagram file itself, markup and all, only ever arrives as a download
    download = client.get(f"/processes/escape_probe/v{hostile_diagram.number}.bpmn")
    assert_downloaded_not_rendered(download, f"escape_probe-v{hostile_diagram.number}.bpmn")


def test_markup_in_a_decision_tables_text_is_shown_as_text(client, monkeypatch) -> None:
    from app.processes import routes

    version = db.session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_id == "attendance_support", ProcessVersion.is_current
        )
    )
    hostile = version.dmn_xml.replace('label="', f'label="{_xml_escaped(IMAGE)} ', 1)
    hostile = hostile.replace("<description>Tier 4", f"<description>{_xml_escaped(SCRIPT)} Tier 4", 1)
    assert hostile != version.dmn_xml
    real = routes.decision_tables
    monkeypatch.setattr(
        routes, "decision_tables", lambda content_hash, _xml: real(content_hash + "x", hostile)
    )
    login(client, "owner@example.org")
    html = client.get("/processes/attendance_support").get_data(as_text=True)
    assert SCRIPT not in html and IMAGE not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _case_of(version: ProcessVersion):
    from app.models import ProcessInstance

    instance = db.session.scalar(
        select(ProcessInstance).where(ProcessInstance.process_version_id == version.id)
    )
    return instance.case
