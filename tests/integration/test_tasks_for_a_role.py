"""A task the diagram reserves for a role shows no Claim button to others and says who can do it;
assigning a task starts from a blank choice, never a silent first person."""

from __future__ import annotations

import re

from app.extensions import db
from tests import factories
from tests.conftest import login


def _managers_task(people):
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    task.required_role = "manager"
    db.session.commit()
    return case, task


def test_a_task_for_a_manager_shows_no_claim_button_to_a_practitioner(client, people) -> None:
    _case, task = _managers_task(people)
    login(client, "practitioner@example.org")
    queue = client.get("/worklist?view=team").get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", queue, re.S) if task.id in r)
    assert "For a manager" in row
    assert "Claim" not in row
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Only a manager can do this task." in page
    assert "Claim this task" not in page


def test_a_manager_sees_the_claim_button_on_it(client, people) -> None:
    _case, task = _managers_task(people)
    login(client, "manager@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Claim this task" in page
    assert "Only a manager can do this task." not in page


def test_assigning_starts_from_a_blank_choice(client, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    task.assignee_id = people["practitioner"].id
    db.session.commit()
    login(client, "manager@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    select = re.search(r'<select class="govuk-select" id="assignee_id".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(0))
    assert options[0] == (' value="" selected', "Choose a person")
    assert sum("selected" in attributes for attributes, _ in options) == 1
    assert any("(holds it now)" in text for _, text in options)
    refused = client.post(f"/tasks/{task.id}/assign", data={"assignee_id": ""})
    assert refused.status_code == 403
    assert "Select a person to assign the task to" in refused.get_data(as_text=True)
