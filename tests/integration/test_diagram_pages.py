"""A case's process on its diagram, and where a whole process's cases are (app/diagrams)."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProcessInstance
from app.tasks import services as tasks
from app.timescales.working_days import LONDON
from app.workflow import instances
from app.workflow.positions import positions_of
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import hand_off_receiver, hand_off_sender, two_step, with_timer

TRIAGE = {"existing_involvement": "none", "triage_decision": "seek_consent", "triage_reasons": "Attendance."}


def consent(case) -> dict[str, object]:
    return {
        "consent": "given",
        "consent_date": case.referral_date.isoformat(),
        "consent_given_by": "Sam Begum, mother",
        "consent_share_with": ["school", "health"],
    }


def diagram_attribute(page: str, name: str) -> dict:
    tag = re.search(r'<div id="diagram"[^>]*>', page)
    assert tag is not None, "no diagram on the page"
    value = re.search(rf'{name}="([^"]*)"', tag.group(0))
    assert value is not None, f"the diagram has no {name}"
    return json.loads(html.unescape(value.group(1)))


def table(page: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert found is not None, f"no table {table_id}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def instance_of(case) -> ProcessInstance:
    [instance] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id))
    return instance


def views(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def referral_case(ctx, people):
    return factories.refer(people["school"])


def test_a_new_referral_is_at_triage_unallocated_and_the_view_is_recorded(
    client, people, referral_case
) -> None:
    instance = instance_of(referral_case)
    url = f"/cases/{referral_case.reference}/processes/{instance.id}"
    login(client, "practitioner@example.org")
    answer = client.get(url)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    markers = diagram_attribute(page, "data-markers")
    assert markers == {"start_referral": "done", "triage": "active", "flow_start_triage": "taken"}
    task = factories.only_open_task(referral_case)
    assert task.due_at is not None
    due = task.due_at.astimezone(LONDON).strftime("%-d %b %H:%M")
    assert diagram_attribute(page, "data-notes") == {"triage": f"Unallocated, due {due}"}
    assert f'data-src="/processes/referral_to_early_help/v{instance.process_version.number}.bpmn"' in page
    assert 'data-focus="triage"' in page  # the diagram opens close up on where the case is
    active = table(page, "active-tasks")
    assert "Triage the referral" in active and "Unallocated" in active and "Early Help" in active
    assert "No steps are done yet." in page and "No deadline timer is waiting." in page
    [view] = views("case.diagram_viewed")
    assert (view.actor_id, view.case_id, view.detail) == (people["practitioner"].id, referral_case.id, url)


def test_after_two_tasks_the_path_taken_and_who_did_each_step_show(client, people, referral_case) -> None:
    worker = people["practitioner"]
    tasks.complete_task(factories.only_open_task(referral_case), TRIAGE, worker)
    tasks.complete_task(factories.only_open_task(referral_case), consent(referral_case), worker)
    db.session.commit()
    allocate = factories.only_open_task(referral_case)
    tasks.claim_task(allocate, worker)
    db.session.commit()
    instance = instance_of(referral_case)

    positions = positions_of(instance)
    assert {"flow_start_triage", "flow_triage_route", "flow_triage_early_help", "flow_consent_sought"} <= (
        positions.flows_taken
    )
    assert "flow_triage_step_up" not in positions.flows_taken
    assert positions.elements["triage"].completed and positions.elements["seek_consent"].completed
    assert positions.markers()[allocate.bpmn_id] == "active"

    login(client, "practitioner@example.org")
    page = client.get(f"/cases/{referral_case.reference}/processes/{instance.id}").get_data(as_text=True)
    markers = diagram_attribute(page, "data-markers")
    assert markers["triage"] == markers["seek_consent"] == "done"
    assert markers[allocate.bpmn_id] == "active"
    assert markers["flow_triage_early_help"] == "taken" and "flow_triage_step_up" not in markers
    initials = "".join(part[0] for part in worker.name.split()).upper()
    assert diagram_attribute(page, "data-notes")[allocate.bpmn_id].startswith(initials)
    done = table(page, "done-steps")
    assert done.index("Triage the referral") < done.index("Seek consent from the family")
    assert done.count(worker.name) == 2 and "Completed" in done
    active = table(page, "active-tasks")
    assert allocate.name in active and worker.name in active and "since" in active


def test_a_waiting_timer_shows_with_its_due_date_in_london_time(client, people) -> None:
    factories.publish_test_diagram(with_timer('"P3D"'))
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, "timed", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    assert instance.next_timer_at is not None
    login(client, "practitioner@example.org")
    page = client.get(f"/cases/{case.reference}/processes/{instance.id}").get_data(as_text=True)
    assert diagram_attribute(page, "data-markers")["deadline"] == "waiting"
    due = instance.next_timer_at.astimezone(LONDON)
    timers = table(page, "timers")
    assert due.strftime("%-d %b %Y %H:%M") in timers
    assert diagram_attribute(page, "data-notes")["deadline"] == f"Due {due.strftime('%-d %b %H:%M')}"


def test_an_outsider_and_another_cases_instance_get_404_and_nothing_is_recorded(
    client, people, referral_case
) -> None:
    instance = instance_of(referral_case)
    other = factories.refer(people["school"], first_name="Idris")
    other_instance = instance_of(other)
    login(client, "medical.needs@example.org")
    assert client.get(f"/cases/{referral_case.reference}/processes/{instance.id}").status_code == 404
    login(client, "practitioner@example.org")  # sees both cases, but not one's instance under the other
    assert client.get(f"/cases/{referral_case.reference}/processes/{other_instance.id}").status_code == 404
    assert client.get(f"/cases/{referral_case.reference}/processes/999999").status_code == 404
    assert client.get(f"/cases/C9999999/processes/{instance.id}").status_code == 404
    assert views("case.diagram_viewed") == []


def test_the_case_page_links_each_process_to_its_diagram(client, referral_case) -> None:
    instance = instance_of(referral_case)
    login(client, "practitioner@example.org")
    page = client.get(f"/cases/{referral_case.reference}").get_data(as_text=True)
    link = f'href="/cases/{referral_case.reference}/processes/{instance.id}"'
    assert link in page and "See where it is on the diagram" in page


def test_where_cases_are_counts_open_tasks_per_step_with_links_to_the_cases(client, people) -> None:
    first = factories.refer(people["school"])
    factories.refer(people["school"], first_name="Idris")
    tasks.complete_task(factories.only_open_task(first), TRIAGE, people["practitioner"])
    db.session.commit()
    login(client, "manager@example.org")
    answer = client.get("/processes/referral_to_early_help/where")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    counts = diagram_attribute(page, "data-counts")
    assert counts == {
        "triage": {"count": 1, "href": "/cases?pathway=referral_to_early_help&stage=triage"},
        "seek_consent": {"count": 1, "href": "/cases?pathway=referral_to_early_help&stage=seek_consent"},
    }
    stages = table(page, "stage-counts")
    assert "Triage the referral 1" in stages and "Allocate a lead practitioner 0" in stages
    assert 'href="/cases?pathway=referral_to_early_help&amp;stage=triage"' in page
    [view] = views("process.positions_viewed")
    assert view.actor_id == people["manager"].id and view.case_id is None
    assert view.detail == "/processes/referral_to_early_help/where"


def test_where_cases_are_counts_only_cases_the_user_may_see(client, people) -> None:
    factories.publish_test_diagram(two_step(process_id="cas_only", lane="CAS"))
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "cas_only", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    login(client, "owner@example.org")  # a process owner in Early Help: the case is CAS's
    page = client.get("/processes/cas_only/where").get_data(as_text=True)
    assert diagram_attribute(page, "data-counts") == {}
    assert "First step 0" in table(page, "stage-counts")
    login(client, "manager@example.org")  # manages CAS
    page = client.get("/processes/cas_only/where").get_data(as_text=True)
    assert diagram_attribute(page, "data-counts")["first"]["count"] == 1


def test_where_cases_are_is_for_managers_admins_and_process_owners(client) -> None:
    login(client, "practitioner@example.org")
    assert client.get("/processes/referral_to_early_help/where").status_code == 403
    login(client, "admin@example.org")
    assert client.get("/processes/no_such_process/where").status_code == 404
    page = client.get("/processes").get_data(as_text=True)
    assert 'href="/processes/referral_to_early_help/where"' in page and "Where cases are" in page


def test_the_process_list_offers_where_cases_are_only_to_those_who_may_see_it(client) -> None:
    login(client, "practitioner@example.org")
    assert "/where" not in client.get("/processes").get_data(as_text=True)


def test_timers_due_are_read_not_fired(client, people) -> None:
    factories.publish_test_diagram(with_timer('"PT1S"'))
    case = factories.bare_case(people["practitioner"])
    instance = instances.start_process(case, "timed", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    version = instance.version
    login(client, "practitioner@example.org")
    later = datetime.now(UTC) + timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        page = client.get(f"/cases/{case.reference}/processes/{instance.id}").get_data(as_text=True)
    assert diagram_attribute(page, "data-markers")["deadline"] == "waiting"
    db.session.refresh(instance)
    assert instance.version == version


def test_a_hand_off_links_the_two_processes_diagrams_and_the_finished_one_shows_its_end(
    client, people
) -> None:
    factories.publish_test_diagram(hand_off_receiver(), "receiver.bpmn")
    factories.publish_test_diagram(hand_off_sender(), "sender.bpmn")
    case = factories.bare_case(people["practitioner"])
    sent = instances.start_process(case, "sender", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    tasks.complete_task(factories.only_open_task(case), {"note": "risk has risen"}, people["practitioner"])
    db.session.commit()
    [received] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.started_by_id == sent.id))
    login(client, "manager@example.org")
    page = client.get(f"/cases/{case.reference}/processes/{sent.id}").get_data(as_text=True)
    assert diagram_attribute(page, "data-markers") == {
        "start": "done",
        "first": "done",
        "end": "done",
        "f1": "taken",
        "f2": "taken",
    }
    assert 'data-focus=""' in page  # finished: the whole diagram
    assert "Finished: Handed on" in page and "No task is waiting for anyone." in page
    assert f'href="/cases/{case.reference}/processes/{received.id}"' in page
    page = client.get(f"/cases/{case.reference}/processes/{received.id}").get_data(as_text=True)
    assert "Handed on by Sender" in page and f'href="/cases/{case.reference}/processes/{sent.id}"' in page
    assert diagram_attribute(page, "data-markers")["received"] == "active"


def test_where_cases_are_says_how_many_cases_wait_on_a_deadline_and_the_soonest(client, people) -> None:
    factories.publish_test_diagram(with_timer('"P3D"'))
    login(client, "manager@example.org")
    page = client.get("/processes/timed/where").get_data(as_text=True)
    assert "No case you can see has a deadline timer waiting" in page
    started = []
    for name in ("Noah", "Ava"):
        case = factories.bare_case(people["practitioner"], first_name=name)
        started.append(instances.start_process(case, "timed", {}, people["practitioner"]))
    db.session.commit()
    page = client.get("/processes/timed/where").get_data(as_text=True)
    soonest = min(i.next_timer_at for i in started if i.next_timer_at)
    when = soonest.astimezone(LONDON).strftime("%-d %b %Y %H:%M")
    assert f"2 cases have a deadline timer waiting on this process; the soonest falls due {when}" in page
