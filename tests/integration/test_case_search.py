"""The case list: every filter narrows it, it sorts both ways, it pages, it downloads as CSV
(every matching case, safe to open in a spreadsheet, in the audit trail), it shows nobody a
case they may not see, and nonsense in the address is ignored with a message."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.cases import exports, listing
from app.cases.search import CaseFilters
from app.cases.services import refer_child
from app.extensions import db
from app.lists import downloads
from app.models import AuditEvent, Case, Team
from app.models.audit import AuditEventCase
from tests import factories
from tests.conftest import login

REFERENCE = re.compile(r'<td class="govuk-table__cell">([CT]\d{7})</td>')


def listed(client, query: str = "") -> list[str]:
    """The references the case list shows, in order."""
    response = client.get(f"/cases?{query}")
    assert response.status_code == 200, query
    return REFERENCE.findall(response.get_data(as_text=True))


def text_of(download) -> str:
    """A CSV download's text (UTF-8 with the byte-order mark spreadsheets need)."""
    assert download.status_code == 200 and download.mimetype == "text/csv"
    return download.get_data().decode("utf-8-sig")


def team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


@pytest.fixture
def three(ctx, people) -> dict[str, Case]:
    """Ada (Early Help, triage due in two days, held by Priya), Ben (Early Help, overdue, referred
    in January), Cal (CAS, unallocated for ten days, due in two months)."""
    ada = factories.refer(
        people["school"], first_name="Ada", last_name="Begum", date_of_birth=date(2015, 3, 27)
    )
    ben = factories.refer(
        people["school"],
        first_name="Ben",
        last_name="Smith",
        date_of_birth=date(2012, 1, 1),
        school="Hammond Academy",
        referral_date=date(2026, 1, 10),
    )
    cal = refer_child(
        factories.referral(
            first_name="Cal", last_name="Jones", date_of_birth=date(2014, 6, 1), attendance_percent=None
        ),
        people["school"],
        "cas_assessment",
    )
    db.session.commit()
    now = datetime.now(UTC)
    ada_task, ben_task, cal_task = (factories.only_open_task(c) for c in (ada, ben, cal))
    ada_task.assignee_id, ada_task.due_at = people["practitioner"].id, now + timedelta(days=2)
    ben_task.due_at = now - timedelta(days=3)
    cal_task.due_at, cal_task.created_at = now + timedelta(days=60), now - timedelta(days=10)
    db.session.commit()
    return {"ada": ada, "ben": ben, "cal": cal}


def refs(*cases: Case) -> set[str]:
    return {c.reference for c in cases}


def test_each_filter_narrows_the_list_to_the_cases_it_describes(client, three, people) -> None:
    ada, ben, cal = three["ada"], three["ben"], three["cal"]
    cal_task = factories.only_open_task(cal)
    login(client, "manager@example.org")
    assert set(listed(client)) == refs(ada, ben, cal)
    expected = {
        "q=ada": {ada},
        "q=BEN+smi": {ben},
        f"q={cal.reference.lower()}": {cal},
        "dob=2012-01-01": {ben},
        "dob=27/3/2015": {ada},
        "school=hammond": {ben},
        "pathway=cas_assessment": {cal},
        "pathway=referral_to_early_help": {ada, ben},
        f"stage={cal_task.bpmn_id}": {cal},
        f"team={team_id('CAS')}": {cal},
        f"team={team_id('Early Help')}": {ada, ben},
        f"worker={people['practitioner'].id}": {ada},
        "overdue=1": {ben},
        "due_soon=1": {ada},
        "unallocated_days=5": {cal},
        "unallocated_days=30": set(),
        "from=2026-01-01&to=2026-01-31": {ben},
        f"overdue=1&team={team_id('CAS')}": set(),  # one task meets both, or the case does not match
        "q=nobody": set(),
    }
    for query, cases in expected.items():
        assert set(listed(client, query)) == refs(*cases), query


def test_closed_cases_are_listed_only_when_asked_for(client, three) -> None:
    three["ben"].status = "closed"
    db.session.commit()
    login(client, "manager@example.org")
    assert set(listed(client)) == refs(three["ada"], three["cal"])
    assert listed(client, "status=closed") == [three["ben"].reference]
    assert set(listed(client, "status=all")) == refs(*three.values())


def test_the_list_sorts_both_ways_by_each_column_that_offers_it(client, three, people) -> None:
    ada, ben, cal = (three[k].reference for k in ("ada", "ben", "cal"))
    undated = factories.bare_case(people["manager"], first_name="Dee", last_name="Owusu")  # no task
    db.session.commit()
    login(client, "manager@example.org")
    assert (
        listed(client, "sort=due&dir=asc")[-1] == listed(client, "sort=due&dir=desc")[-1] == undated.reference
    )
    undated.status = "closed"  # out of the open list for the orders below
    db.session.commit()
    orders = {
        "sort=child&dir=asc": [ada, cal, ben],  # Begum, Jones, Smith
        "sort=child&dir=desc": [ben, cal, ada],
        "sort=reference&dir=asc": [ada, ben, cal],
        "sort=reference&dir=desc": [cal, ben, ada],
        "sort=referred&dir=asc": [ben, ada, cal],  # January first; then in the order referred
        "sort=due&dir=asc": [ben, ada, cal],  # overdue, in two days, in two months
        "sort=due&dir=desc": [cal, ada, ben],
    }
    for query, order in orders.items():
        assert listed(client, query) == order, query
    page = client.get("/cases?sort=due&dir=desc").get_data(as_text=True)
    assert re.search(r'aria-sort="descending">\s*<a[^>]*href="/cases\?sort=due&amp;dir=asc"', page)
    assert page.count('aria-sort="none"') == 3


def test_a_page_by_due_date_read_from_the_first_open_tasks_is_the_same_page_as_sorting_them_all(
    ctx, three, people, monkeypatch
) -> None:
    """The due-date order reads a window of open tasks in due order and, when that finds no whole
    page, sorts every matching case: either way, the same cases in the same order."""
    factories.bare_case(people["manager"], first_name="Dee")  # no task: last either way
    db.session.commit()
    manager = people["manager"]
    monkeypatch.setattr(listing, "DUE_WINDOW", 1)  # a window of (offset + size) * 4 tasks
    for way in ("asc", "desc"):
        f = CaseFilters(sort="due", dir=way)
        whole = listing.page_ids(manager, f, 0, 25)  # fewer than a page: sorted whole
        assert len(whole) == 4
        one_by_one = [listing.page_ids(manager, f, offset, 1) for offset in range(4)]
        assert [ids[0] for ids in one_by_one] == whole, way
        assert listing.page_ids(manager, f, 0, 2) == whole[:2]


def test_the_list_pages_with_the_total(client, people) -> None:
    for n in range(27):
        factories.bare_case(people["admin"], first_name=f"Child{n:02d}")
    db.session.commit()
    login(client, "admin@example.org")
    first, second = listed(client, "sort=child&dir=asc"), listed(client, "sort=child&dir=asc&page=2")
    assert len(first) == 25 and len(second) == 2 and not set(first) & set(second)
    page = client.get("/cases?sort=child&dir=asc&page=2").get_data(as_text=True)
    assert "<strong>27</strong> cases, page 2 of 2" in page
    assert 'aria-current="page">2</a>' in page and 'rel="prev"' in page
    assert listed(client, "sort=child&dir=asc&page=99") == second  # past the end: the last page


def test_past_the_counting_limit_the_list_says_there_are_more(client, three, monkeypatch) -> None:
    monkeypatch.setattr(listing, "COUNT_LIMIT", 2)
    login(client, "manager@example.org")
    page = client.get("/cases?sort=reference&dir=asc&page=5").get_data(as_text=True)
    assert "More than <strong>2</strong> cases" in page and "narrow the filters to reach the rest" in page
    assert 'rel="next"' not in page  # page 5 asked for: the pages stop at the counted ones


def test_a_download_holds_every_matching_case_safely_and_is_in_the_audit_trail(client, people) -> None:
    made = [factories.bare_case(people["admin"], first_name=f"Child{n:02d}") for n in range(30)]
    made[0].child.first_name = '=HYPERLINK("http://evil.example")'
    made[1].child.school = "+44 1234"
    made[2].child.last_name = "@SUM(A1)"
    db.session.commit()
    login(client, "admin@example.org")
    response = client.get("/cases?format=csv&sort=reference&dir=asc")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0][:3] == ["Reference", "First name", "Last name"]
    assert [r[0] for r in rows[1:]] == [c.reference for c in made]  # all 30, not a page of 25
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'
    assert rows[2][4] == "'+44 1234" and rows[3][2] == "'@SUM(A1)"
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cases.exported"))
    assert event is not None and event.actor_id == people["admin"].id
    shown = set(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == event.id)))
    assert shown == {c.id for c in made}


def test_a_download_keeps_the_filters_and_a_list_too_long_is_refused_politely(
    client, three, monkeypatch
) -> None:
    login(client, "manager@example.org")
    page = client.get("/cases?overdue=1").get_data(as_text=True)
    assert (
        'href="/cases?overdue=1&amp;format=csv"' in page or 'href="/cases?format=csv&amp;overdue=1"' in page
    )
    rows = list(csv.reader(io.StringIO(text_of(client.get("/cases?format=csv&overdue=1")))))
    assert [r[0] for r in rows[1:]] == [three["ben"].reference] and rows[1][-1] == "Yes"
    monkeypatch.setattr(downloads, "MAX_ROWS", 1)
    refused = client.get("/cases?format=csv&school=riverside")
    assert refused.status_code == 302 and refused.headers["Location"] == "/cases?school=riverside"
    assert "a download can hold up to 1:" in client.get(refused.headers["Location"]).get_data(as_text=True)
    exported = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "cases.exported"))
    assert list(exported) == ["/cases?format=csv&overdue=1"]  # the refused one recorded nothing


def test_people_of_another_team_see_none_of_its_cases_in_the_list_or_a_download(client, three) -> None:
    login(client, "medical.needs@example.org")
    assert listed(client) == [] and listed(client, "status=all&q=ada") == []
    assert listed(client, f"q={three['ada'].reference}") == []
    body = text_of(client.get("/cases?format=csv&status=all"))
    assert body.strip() == ",".join(exports.HEADER)  # the header row alone
    login(client, "social.worker@example.org")  # CAS: Cal's case only
    assert listed(client, "status=all") == [three["cal"].reference]
    assert listed(client, f"team={team_id('Early Help')}") == [three["cal"].reference]  # not theirs: ignored
    assert "The team was ignored" in client.get(f"/cases?team={team_id('Early Help')}").get_data(as_text=True)


def test_nonsense_in_the_address_is_ignored_with_a_message_never_an_error(client, three) -> None:
    login(client, "manager@example.org")
    nonsense = {
        "dob=31/02/2026": "The date of birth was ignored",
        "dob=yesterday": "The date of birth was ignored",
        "team=99999": "The team was ignored",
        "worker=abc": "The worker was ignored",
        "pathway=nope": "The pathway was ignored",
        "stage=no_such_step": "The stage was ignored",
        "unallocated_days=-5": "Unallocated for more than was ignored",
        "from=2026-12-01&to=2026-01-01": "the from date must not be after the to date",
        "to=9999-12-31": "Referred to was ignored",
        "dob=0001-01-01": "The date of birth was ignored",
        "q=" + "x" * 500: "The name or reference was ignored",
    }
    everyone = set(listed(client))
    for query, message in nonsense.items():
        response = client.get(f"/cases?{query}")
        assert response.status_code == 200, query
        assert message in response.get_data(as_text=True), query
        assert set(REFERENCE.findall(response.get_data(as_text=True))) == everyone, query
    # The last character there is (nothing after it bounds a range), and LIKE's own characters.
    assert listed(client, "q=%F4%8F%BF%BF") == [] and listed(client, "school=%25_") == []
    for query in ("sort=zzz", "dir=sideways", "page=-1", "page=NaN", "status=maybe", "overdue=banana"):
        assert set(listed(client, query)) == everyone, query


def test_the_filters_chosen_are_shown_chosen(ctx, client, people) -> None:
    """The filter panel draws what the list was filtered by, so the next change starts from it."""
    early_help = db.session.scalar(select(Team.id).where(Team.name == "Early Help"))
    worker = people["family_worker"].id
    login(client, "manager@example.org")
    query = (
        f"status=all&pathway=referral_to_early_help&stage=triage&team={early_help}&worker={worker}"
        "&from=2026-09-01&to=2026-12-31&q=ada"
    )
    page = client.get(f"/cases?{query}").get_data(as_text=True)
    within_a_select = (
        r'<select class="govuk-select" id="(\w+)"(?:(?!</select>).)*?<option value="([^"]*)" selected>'
    )
    chosen = dict(re.findall(within_a_select, page, re.S))
    assert chosen == {
        "status": "all",
        "pathway": "referral_to_early_help",
        "stage": "triage",
        "team": str(early_help),
        "worker": str(worker),
    }
    for name, value in (("from", "2026-09-01"), ("to", "2026-12-31"), ("q", "ada")):
        assert re.search(rf'id="{name}" name="{name}" type="\w+" value="{value}"', page), name
    plain = client.get("/cases").get_data(as_text=True)
    assert 'value="referral_to_early_help" selected' not in plain
