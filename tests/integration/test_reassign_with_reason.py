"""A manager reassigning or releasing someone else's task says why; the trail keeps who held it
before, who holds it after, and the reason. Assigning still starts from a blank choice."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, HumanTask
from tests import factories
from tests.conftest import login


def _held_task(people, holder: str = "practitioner") -> HumanTask:
    task = factories.only_open_task(factories.refer(people["school"]))
    task.assignee_id = people[holder].id
    db.session.commit()
    return task


def _events(task: HumanTask, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.task_id == task.id, AuditEvent.action == action)
        )
    )


def _holder(task: HumanTask) -> int | None:
    db.session.expire_all()
    return db.session.get(HumanTask, task.id).assignee_id


def test_reassigning_without_a_reason_is_refused_and_keeps_the_choice(client, people) -> None:
    task = _held_task(people)
    other = people["family_worker"]
    login(client, "manager@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Why are you assigning it?" in page
    assert f"Needed: {people['practitioner'].name} holds this task now." in page

    refused = client.post(f"/tasks/{task.id}/assign", data={"assignee_id": str(other.id), "reason": "  "})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "There is a problem" in body and '<a href="#reason">Enter why you are assigning it</a>' in body
    assert f'<option value="{other.id}" selected>' in body  # the person chosen is still chosen
    assert '<option value="" selected>' not in body
    assert _holder(task) == people["practitioner"].id
    assert _events(task, "task.assigned") == []


def test_a_reassignment_records_who_held_it_who_holds_it_and_why(client, people) -> None:
    task = _held_task(people)
    other = people["family_worker"]
    login(client, "manager@example.org")
    done = client.post(
        f"/tasks/{task.id}/assign", data={"assignee_id": str(other.id), "reason": "Sam is on leave this week"}
    )
    assert done.status_code == 302
    assert _holder(task) == other.id
    [event] = _events(task, "task.assigned")
    assert event.actor_id == people["manager"].id
    assert event.before == {"assignee_id": people["practitioner"].id, "assignee": people["practitioner"].name}
    assert event.after == {"assignee_id": other.id, "assignee": other.name}
    assert event.detail == "Sam is on leave this week"


def test_giving_an_unheld_task_to_another_person_needs_a_reason_but_taking_it_yourself_does_not(
    client, people
) -> None:
    task = factories.only_open_task(factories.refer(people["school"]))
    login(client, "manager@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Needed unless you are taking the task yourself." in page
    refused = client.post(f"/tasks/{task.id}/assign", data={"assignee_id": str(people["practitioner"].id)})
    assert refused.status_code == 400 and _holder(task) is None

    taken = client.post(f"/tasks/{task.id}/assign", data={"assignee_id": str(people["manager"].id)})
    assert taken.status_code == 302
    [event] = _events(task, "task.assigned")
    assert (event.before, event.after, event.detail) == (
        {"assignee_id": None, "assignee": None},
        {"assignee_id": people["manager"].id, "assignee": people["manager"].name},
        "",
    )


def test_a_reason_typed_is_kept_when_no_person_was_chosen(client, people) -> None:
    task = _held_task(people)
    login(client, "manager@example.org")
    typed = {"assignee_id": "", "reason": "Workload <b>review</b>"}
    refused = client.post(f"/tasks/{task.id}/assign", data=typed)
    assert refused.status_code == 403
    body = refused.get_data(as_text=True)
    assert "Select a person to assign the task to" in body
    assert "Workload &lt;b&gt;review&lt;/b&gt;</textarea>" in body
    select_html = re.search(r'<select class="govuk-select[^"]*" id="assignee_id".*?</select>', body, re.S)
    assert select_html is not None and '<option value="" selected>' in select_html.group(0)


def test_a_manager_releasing_someone_elses_task_says_why(client, people) -> None:
    task = _held_task(people)
    login(client, "manager@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Why are you releasing it?" in page

    refused = client.post(f"/tasks/{task.id}/release", data={"release_reason": ""})
    assert refused.status_code == 400
    message = f"Enter why you are releasing {people['practitioner'].name}’s task"
    assert message in refused.get_data(as_text=True)
    assert _holder(task) == people["practitioner"].id

    reason = "Off sick; the team will pick it up"
    done = client.post(f"/tasks/{task.id}/release", data={"release_reason": reason})
    assert done.status_code == 302
    assert _holder(task) is None
    [event] = _events(task, "task.released")
    assert event.actor_id == people["manager"].id
    assert event.before == {"assignee_id": people["practitioner"].id, "assignee": people["practitioner"].name}
    assert event.after == {"assignee_id": None, "assignee": None}
    assert event.detail == "Off sick; the team will pick it up"


def test_the_holder_releases_their_own_task_without_a_reason(client, people) -> None:
    task = _held_task(people)
    login(client, "practitioner@example.org")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Release to team queue" in page and "Why are you releasing it?" not in page
    assert client.post(f"/tasks/{task.id}/release").status_code == 302
    assert _holder(task) is None
    [event] = _events(task, "task.released")
    holder = people["practitioner"]
    assert event.before == {"assignee_id": holder.id, "assignee": holder.name}
    assert event.after == {"assignee_id": None, "assignee": None}


def test_others_may_not_release_or_assign_whatever_reason_they_give(client, people) -> None:
    task = _held_task(people)
    login(client, "family.worker@example.org")
    refused = client.post(f"/tasks/{task.id}/release", data={"release_reason": "I want it"})
    assert refused.status_code == 403
    refused = client.post(
        f"/tasks/{task.id}/assign", data={"assignee_id": str(people["family_worker"].id), "reason": "Mine"}
    )
    assert refused.status_code == 403
    assert _holder(task) == people["practitioner"].id
    assert _events(task, "task.released") == _events(task, "task.assigned") == []
