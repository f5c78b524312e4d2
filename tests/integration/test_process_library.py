"""The process library: every published process with its explanation and its diagram."""

from __future__ import annotations

from markupsafe import escape

from app.processes.queries import current_versions, explanation_of
from app.timescales.guidance import render_guidance
from tests.conftest import login


def test_the_library_lists_every_process_with_what_it_is_for(client) -> None:
    login(client, "practitioner@example.org")
    page = client.get("/processes").get_data(as_text=True)
    for name in [
        "Referral to Early Help",
        "Child and family assessment",
        "Child in need plan",
        "Child protection plan",
    ]:
        assert name in page
    shipped = {
        e.version.process_id: e.explanation
        for e in current_versions()
        if e.version.process_id
        in {"referral_to_early_help", "cas_assessment", "child_in_need_plan", "child_protection_plan"}
    }
    assert len(shipped) == 4 and all(shipped.values())
    for explanation in shipped.values():
        assert str(escape(render_guidance(explanation))) in page  # settings in words


def test_a_process_page_offers_its_diagram_for_drawing(client) -> None:
    login(client, "owner@example.org")
    page = client.get("/processes/referral_to_early_help").get_data(as_text=True)
    assert 'data-src="/processes/referral_to_early_help/v1.bpmn"' in page
    xml = client.get("/processes/referral_to_early_help/v1.bpmn")
    assert xml.status_code == 200 and xml.headers["Content-Disposition"].startswith("attachment")
    assert b'id="referral_to_early_help"' in xml.data
    assert client.get("/processes/no_such_process").status_code == 404
    assert client.get("/processes/referral_to_early_help/v99.bpmn").status_code == 404


def test_signed_out_visitors_cannot_read_the_library(client) -> None:
    assert client.get("/processes").status_code == 302
    assert client.get("/processes/referral_to_early_help/v1.bpmn").status_code == 302


def test_the_library_says_where_each_process_gets_cases_from_and_hands_them_to(client) -> None:
    login(client, "owner@example.org")
    page = client.get("/processes").get_data(as_text=True)
    referral = page.split('id="process-referral_to_early_help"')[1].split('class="govuk-summary-card"')[0]
    assert "Hands cases on to" in referral and "Child and family assessment" in referral
    assert "Cases come from" in referral  # CAS and CIN step down into it
    for entry in current_versions():
        url = f"/processes/{entry.version.process_id}/v{entry.version.number}.bpmn"
        assert f'data-src="{url}"' in page  # every diagram is drawn on the page
    assessment = client.get("/processes/cas_assessment").get_data(as_text=True)
    assert "Cases come from" in assessment and "Referral to Early Help" in assessment


def test_a_process_page_shows_its_decision_table_as_rules(client) -> None:
    login(client, "owner@example.org")
    page = client.get("/processes/attendance_support").get_data(as_text=True)
    assert "Decision:" in page and "app-decision-table" in page
    table = page.split("app-decision-table")[1].split("</table>")[0]
    assert table.count('<tr class="govuk-table__row">') >= 4  # a rule for each tier
    assert "at-risk band" in table and "Severely absent" in table  # the band is a local setting


def test_every_shipped_process_is_written_for_the_people_who_work_it(ctx) -> None:
    """Plain-English names, lanes that are teams, guidance, a form and a due date on every task."""
    from lxml import etree
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Team
    from app.workflow.library import get_library

    bpmn = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    team_lanes = set(db.session.scalars(select(Team.lane)))
    shipped = get_library().shipped
    assert len(shipped) >= 11
    for process_id, item in shipped.items():
        diagram = item.diagram
        assert explanation_of(diagram.content_hash, item.xml.decode()), process_id
        assert set(diagram.lanes) <= team_lanes, process_id
        root = etree.fromstring(item.xml)
        # A task that stands open for a plan's life, with a review cycle on it, has no due date.
        standing = {
            b.get("attachedToRef")
            for b in root.iter(f"{bpmn}boundaryEvent")
            if b.get("cancelActivity") == "false" and b.find(f"{bpmn}timerEventDefinition") is not None
        }
        for task in diagram.user_tasks:
            where = f"{process_id}: {task.name}"
            assert task.name[0].isupper() and task.documentation, where
            assert task.due_expression or task.bpmn_id in standing, where
            assert task.form_key in item.forms.forms, where
        for end in root.iter(f"{bpmn}endEvent"):
            assert end.get("name"), f"{process_id}: end event {end.get('id')} names no outcome"
        shapes = {
            s.get("bpmnElement") for s in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")
        }
        nodes = {
            el.get("id")
            for el in root.iter()
            if isinstance(el.tag, str) and el.tag.endswith(("Task", "Event", "Gateway", "}task"))
        }
        assert nodes <= shapes, f"{process_id}: not drawn: {sorted(nodes - shapes)}"
