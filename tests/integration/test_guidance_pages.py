"""Pages show a diagram's guidance with each local setting as its current value, read as the page is drawn."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from tests import factories
from tests.conftest import login


def text(response) -> str:
    return response.get_data(as_text=True)


def guidance_of(page: str) -> str:
    found = re.search(r'<div class="govuk-inset-text app-guidance" id="guidance">(.*?)</div>', page, re.S)
    assert found, "the task page shows no guidance"
    return found.group(1)


def test_task_guidance_shows_settings_in_words_escapes_the_rest_and_follows_a_change(client, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    task.documentation = (
        "Meet within {setting: core_group_interval_weeks}, below {setting: at_risk_attendance_percent}. "
        "<script>alert(1)</script> Due within {setting: no_such_setting}."
    )
    db.session.commit()

    login(client, "practitioner@example.org")
    shown = guidance_of(text(client.get(f"/tasks/{task.id}")))
    assert "Meet within 6 weeks, below 95%." in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    assert "Due within the time your council has set." in shown
    assert "{setting" not in shown and "no_such_setting" not in shown and "core_group" not in shown

    login(client, "admin@example.org")
    changed = client.post("/admin/settings/core_group_interval_weeks", data={"value": "4"})
    assert changed.status_code == 302
    login(client, "practitioner@example.org")
    assert "Meet within 4 weeks" in guidance_of(text(client.get(f"/tasks/{task.id}")))


def test_start_up_refuses_a_diagram_whose_guidance_names_an_unknown_setting(tmp_path) -> None:
    from app.engine import Engine, InvalidDiagram
    from app.workflow.helpers import diagram_helpers
    from app.workflow.library import ProcessLibrary
    from tests.fixtures.diagrams import two_step
    from tests.fixtures.forms import write_test_forms

    typo = two_step().replace(b"Do the first thing well.", b"Within {setting: core_group_interval_wekks}.")
    (tmp_path / "two_step.bpmn").write_bytes(typo)
    write_test_forms(tmp_path, typo)
    with pytest.raises(InvalidDiagram) as refused:
        ProcessLibrary(tmp_path, Engine(diagram_helpers()), tmp_path).load_shipped()
    assert refused.value.problems == [
        "two_step.bpmn: the guidance for 'First step' names a setting that does not exist: "
        "{setting: core_group_interval_wekks}"
    ]


def test_process_pages_show_the_settings_in_words_in_explanations_and_decision_tables(client) -> None:
    login(client, "practitioner@example.org")
    library = text(client.get("/processes"))
    assert "never more than 6 weeks apart" in library and "reviews every 3 months" in library
    plan = text(client.get("/processes/child_protection_plan"))
    assert "the first review conference within 3 months of the ICPC" in plan
    tiers = text(client.get("/processes/attendance_support"))
    assert "Tier 2: above 90% and at or below 95%, the top of the local at-risk band" in tiers
    for page in (library, plan, tiers):
        assert "{setting" not in page


def test_a_real_task_shows_its_timescale_in_words(client, people) -> None:
    case = factories.refer(people["school"])
    login(client, "school@example.org")
    refer = client.post(f"/cases/{case.reference}/pathways", data={"pathway": "medical_needs"})
    assert refer.status_code == 302
    [task] = [t for t in factories.open_tasks(case) if t.name == "Record the school's sickness return"]
    shown = guidance_of(text(client.get(f"/tasks/{task.id}")))
    assert "Complete the sickness return within 2 working days of the referral." in shown
