"""The process list (/instances): for managers, administrators and process owners; only the
processes on cases the user may see; every filter narrows it; it sorts both ways, pages and
downloads as CSV, with the views in the audit trail."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases.services import refer_child
from app.extensions import db
from app.models import AuditEvent, InstanceStatus, ProcessInstance, Team
from app.models.audit import AuditEventCase
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step

ROW = re.compile(r'href="/cases/([^/"]+)/processes/(\d+)"')


def listed(client, query: str = "") -> list[tuple[str, int]]:
    """(case reference, instance id) of each row, in order."""
    response = client.get(f"/instances?{query}")
    assert response.status_code == 200, query
    return [(ref, int(i)) for ref, i in ROW.findall(response.get_data(as_text=True))]


@pytest.fixture
def running(ctx, people) -> dict[str, ProcessInstance]:
    """Early Help referrals for Ada and Ben (Ben's started a month ago and stopped by a failed
    step), and Cal's CAS assessment."""
    ada = factories.refer(people["school"], first_name="Ada", last_name="Begum")
    ben = factories.refer(people["school"], first_name="Ben", last_name="Smith")
    cal = refer_child(
        factories.referral(first_name="Cal", last_name="Jones", attendance_percent=None),
        people["school"],
        "cas_assessment",
    )
    db.session.commit()
    found = {name: case.instances[0] for name, case in (("ada", ada), ("ben", ben), ("cal", cal))}
    now = datetime.now(UTC)
    found["ben"].status = InstanceStatus.INCIDENT
    found["ben"].started_at = now - timedelta(days=30)
    found["ada"].updated_at, found["ben"].updated_at, found["cal"].updated_at = (
        now - timedelta(hours=h) for h in (3, 1, 2)
    )
    db.session.commit()
    return found


def ids(*found: ProcessInstance) -> list[int]:
    return [i.id for i in found]


def test_only_managers_administrators_and_process_owners_may_use_it(client, running) -> None:
    login(client, "practitioner@example.org")
    assert client.get("/instances").status_code == 403
    for email in ("manager@example.org", "admin@example.org", "owner@example.org"):
        login(client, email)
        assert client.get("/instances").status_code == 200, email
    page = client.get("/worklist").get_data(as_text=True)
    assert 'href="/instances?status=running"' in page  # "Processes running" in the menu


def test_each_filter_narrows_the_list(client, running) -> None:
    ada, ben, cal = running["ada"], running["ben"], running["cal"]
    cas = db.session.scalar(select(Team.id).where(Team.name == "CAS"))
    stage = factories.only_open_task(cal.case).bpmn_id
    today = datetime.now(UTC).date()
    login(client, "manager@example.org")
    expected = {
        "": {ada, ben, cal},
        "process=cas_assessment": {cal},
        "process=referral_to_early_help": {ada, ben},
        "status=incident": {ben},
        "status=running": {ada, cal},
        "status=completed": set(),
        f"stage={stage}": {cal},
        f"team={cas}": {cal},
        f"from={today - timedelta(days=1)}": {ada, cal},
        f"to={today - timedelta(days=20)}": {ben},
        "q=ben": {ben},
        "q=jo": {cal},
        "q=smith+ben": {ben},
        f"q={cal.case.reference.lower()}": {cal},
        "q=nobody": set(),
    }
    for query, found in expected.items():
        assert {i for _, i in listed(client, query)} == set(ids(*found)), query


def test_every_instance_status_is_offered_including_ones_added_later(client, running) -> None:
    login(client, "manager@example.org")
    page = client.get("/instances").get_data(as_text=True)
    for status in InstanceStatus:
        assert f'<option value="{status.value}"' in page, status


def test_the_list_sorts_both_ways(client, running) -> None:
    ada, ben, cal = running["ada"], running["ben"], running["cal"]
    login(client, "manager@example.org")
    orders = {
        "": [ben, cal, ada],  # latest change first
        "sort=updated&dir=asc": [ada, cal, ben],
        "sort=started&dir=asc": [ben, ada, cal],
        "sort=started&dir=desc": [cal, ada, ben],
        "sort=reference&dir=asc": [ada, ben, cal],
        "sort=reference&dir=desc": [cal, ben, ada],
    }
    for query, order in orders.items():
        assert [i for _, i in listed(client, query)] == ids(*order), query
    by_process = [i for _, i in listed(client, "sort=process&dir=asc")]
    assert by_process[0] == cal.id  # "Contact and assessment..." before "Referral to Early Help"
    assert [i for _, i in listed(client, "sort=process&dir=desc")][-1] == cal.id


def test_each_row_links_to_its_case_and_to_the_process_on_its_diagram(client, running) -> None:
    login(client, "manager@example.org")
    page = client.get("/instances").get_data(as_text=True)
    for instance in running.values():
        reference = instance.case.reference
        assert f'href="/cases/{reference}"' in page
        assert f'href="/cases/{reference}/processes/{instance.id}"' in page


def test_the_list_pages(client, people) -> None:
    factories.publish_test_diagram(two_step(process_id="paging_test"))
    for n in range(27):
        case = factories.bare_case(people["admin"], first_name=f"Child{n:02d}")
        instances.start_process(case, "paging_test", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    login(client, "admin@example.org")
    first, second = listed(client, "sort=reference"), listed(client, "sort=reference&page=2")
    assert len(first) == 25 and len(second) == 2 and not set(first) & set(second)
    assert "<strong>27</strong> processes, page 2 of 2" in client.get("/instances?page=2").get_data(
        as_text=True
    )


def test_a_download_holds_every_matching_process_and_names_their_cases_in_the_trail(
    client, running, people
) -> None:
    running["ada"].case.child.first_name = "=cmd|' /C calc'!A0"
    db.session.commit()
    login(client, "manager@example.org")
    response = client.get("/instances?format=csv&process=referral_to_early_help&sort=reference&dir=asc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Child", "Process"]
    assert [r[0] for r in rows[1:]] == [running["ada"].case.reference, running["ben"].case.reference]
    assert rows[1][1].startswith("'=cmd")  # a spreadsheet shows it, never runs it
    assert rows[2][4] == "Stopped by a failed step"
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "instances.exported"))
    assert event is not None and event.actor_id == people["manager"].id
    shown = set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == event.id)))
    assert shown == {running["ada"].case_id, running["ben"].case_id}


def test_the_page_is_in_the_audit_trail(client, running, people) -> None:
    login(client, "manager@example.org")
    client.get("/instances?process=cas_assessment")
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "instances.listed"))
    assert event is not None and event.detail == "/instances?process=cas_assessment"
    shown = set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == event.id)))
    assert shown == {running["cal"].case_id}


def test_a_process_owner_sees_only_processes_on_cases_their_teams_work_on(client, running) -> None:
    login(client, "owner@example.org")  # Early Help
    assert {i for _, i in listed(client)} == set(ids(running["ada"], running["ben"]))
    assert listed(client, "process=cas_assessment") == []
    body = client.get("/instances?format=csv").get_data().decode("utf-8-sig")
    assert running["cal"].case.reference not in body


def test_nonsense_in_the_address_is_ignored_with_a_message(client, running) -> None:
    login(client, "manager@example.org")
    everyone = set(listed(client))
    for query, message in {
        "status=asleep": "The status was ignored",
        "process=nope": "The process was ignored",
        "team=abc": "The team was ignored",
        "from=2026-13-45": "Started from was ignored",
        "to=9999-12-31": "Started to was ignored",
    }.items():
        response = client.get(f"/instances?{query}")
        assert response.status_code == 200 and message in response.get_data(as_text=True), query
        assert set(ROW.findall(response.get_data(as_text=True))) == {(r, str(i)) for r, i in everyone}
    for query in ("sort=zzz", "dir=up", "page=-3"):
        assert set(listed(client, query)) == everyone, query
