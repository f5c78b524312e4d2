"""The audit search: managers and administrators find who did and saw what, by case, person,
action and date, newest first, a page at a time by event id; each person sees only the events
on cases they may see, and the search itself is recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select

from app.auth.services import create_user
from app.extensions import db
from app.models import AuditEvent, Case, Role, Team, User
from app.models.audit import AuditEventCase
from app.trail import search as trail_search
from tests import factories
from tests.conftest import login


def _event(action: str, actor: User | None, case: Case | None = None, **values: object) -> int:
    row = {
        "at": datetime.now(UTC),
        "actor_id": actor.id if actor else None,
        "action": action,
        "case_id": case.id if case else None,
        "detail": "",
        **values,
    }
    return db.session.execute(insert(AuditEvent).values(row)).inserted_primary_key[0]


def _shown(html: str) -> list[int]:
    """The event ids on the page, in order."""
    return [int(i) for i in re.findall(r'data-event-id="(\d+)"', html)]


def _main(html: str) -> str:
    """The page's main content (the nonce of its scripts differs every time)."""
    return html[html.index("<main") : html.index("</main>")]


def _page(client, **query: object) -> str:
    response = client.get("/audit", query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def legal_manager(ctx, teams) -> User:
    """A manager of Legal Services only: nothing of a new Early Help referral is theirs."""
    user = create_user(
        "legal.manager@example.org", "Lee Gale", "legal-manager-pw", Role.MANAGER, [teams["Legal Services"]]
    )
    db.session.commit()
    return user


def test_practitioners_may_not_search_the_trail(client, people) -> None:
    login(client, "practitioner@example.org")
    assert client.get("/audit").status_code == 403
    assert client.get("/audit?case=C9999999").status_code == 403


def test_the_nav_offers_audit_to_managers_and_administrators_only(client, people) -> None:
    for email, shown in (
        ("manager@example.org", True),
        ("admin@example.org", True),
        ("practitioner@example.org", False),
    ):
        login(client, email)
        assert ('href="/audit"' in client.get("/worklist").get_data(as_text=True)) is shown, email


def test_an_administrator_sees_every_event_a_manager_only_those_on_cases_they_may_see(
    client, people, legal_manager
) -> None:
    case = factories.refer(people["school"])
    sign_in = _event("auth.signed_in", people["practitioner"])
    on_case = _event("task.claimed", people["practitioner"], case)
    db.session.commit()
    login(client, "admin@example.org")
    assert {sign_in, on_case} <= set(_shown(_page(client)))
    login(client, "manager@example.org")  # manages Early Help, which holds the case's task
    seen = _shown(_page(client))
    assert on_case in seen and sign_in not in seen
    login(client, "legal.manager@example.org", "legal-manager-pw")
    assert _shown(_page(client)) == []


def test_a_case_the_manager_may_not_see_answers_as_a_made_up_reference_does(
    client, people, legal_manager
) -> None:
    case = factories.refer(people["school"])
    login(client, "legal.manager@example.org", "legal-manager-pw")
    hidden, made_up = _page(client, case=case.reference), _page(client, case="C9999999")
    assert 'id="no-results"' in hidden and 'id="no-results"' in made_up
    assert _main(hidden).replace(case.reference, "REF") == _main(made_up).replace("C9999999", "REF")
    login(client, "manager@example.org")
    assert _shown(_page(client, case=case.reference))  # the same search finds it for one who may see it


def test_by_case_finds_its_changes_and_every_view_that_showed_it(client, people) -> None:
    case, other = factories.refer(people["school"]), factories.refer(people["school"], first_name="Ben")
    listed = _event("cases.listed", people["practitioner"], detail="/cases")
    db.session.execute(insert(AuditEventCase), [{"event_id": listed, "case_id": c.id} for c in (case, other)])
    claimed_other = _event("task.claimed", people["practitioner"], other)
    db.session.commit()
    login(client, "manager@example.org")
    html = _page(client, case=case.reference.lower())  # as typed
    shown = _shown(html)
    assert listed in shown and claimed_other not in shown
    referred = db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.referred")
    )
    assert referred in shown
    assert "Page /cases: showed 2 cases" in html


def test_by_person_by_email_and_by_action(client, people) -> None:
    case = factories.refer(people["school"])
    claimed = _event("task.claimed", people["practitioner"], case)
    viewed = _event("case.viewed", people["family_worker"], case)
    db.session.commit()
    login(client, "manager@example.org")
    by_person = _shown(_page(client, user=people["practitioner"].id))
    assert claimed in by_person and viewed not in by_person
    assert _shown(_page(client, email="FAMILY.worker@example.org")) == [viewed]
    assert claimed in _shown(_page(client, action="task.claimed"))
    assert viewed not in _shown(_page(client, action="task.claimed"))
    assert viewed in _shown(_page(client, action="views")) and claimed not in _shown(
        _page(client, action="views")
    )
    assert claimed in _shown(_page(client, action="changes")) and viewed not in _shown(
        _page(client, action="changes")
    )
    both = _shown(_page(client, user=people["practitioner"].id, action="task.claimed", case=case.reference))
    assert both == [claimed]
    unknown = _page(client, email="nobody@example.org")
    assert "No one has that email address" in unknown and _shown(unknown) == []


def test_dates_are_uk_days_inclusive(client, people) -> None:
    case = factories.refer(people["school"])
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    late_june = _event("task.claimed", people["practitioner"], case, at=datetime(2026, 6, 29, 12, tzinfo=UTC))
    first_july = _event(
        "task.claimed", people["practitioner"], case, at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    )
    mid_july = _event(
        "task.claimed", people["practitioner"], case, at=datetime(2026, 7, 15, 22, 59, tzinfo=UTC)
    )
    after = _event("task.claimed", people["practitioner"], case, at=datetime(2026, 7, 15, 23, 1, tzinfo=UTC))
    db.session.commit()
    login(client, "manager@example.org")
    assert _shown(_page(client, **{"from": "2026-07-01", "to": "2026-07-15"})) == [mid_july, first_july]
    assert late_june in _shown(_page(client, to="2026-06-30"))
    assert first_july not in _shown(_page(client, to="2026-06-30"))
    assert after in _shown(_page(client, **{"from": "2026-07-16"}))
    assert _shown(_page(client, **{"from": "2999-01-01"})) == []


def test_nonsense_in_the_query_string_is_reported_or_ignored(client, people) -> None:
    login(client, "manager@example.org")
    html = _page(
        client,
        **{"from": "yesterday", "to": "2026-02-30", "user": "x", "before": "-1", "action": "drop table"},
    )
    assert "The date from must be a real date" in html and "The date to must be a real date" in html
    assert 'value="yesterday"' in html  # what was typed is kept
    html = _page(client, **{"from": "2026-07-02", "to": "2026-07-01", "after": "9" * 40})
    assert "The date to must be the same as or after the date from" in html


def test_pages_go_back_by_id_both_ways_without_offset(client, people) -> None:
    case = factories.refer(people["school"])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [
        _event("task.claimed", people["practitioner"], case, at=start + timedelta(minutes=n))
        for n in range(120)
    ]
    db.session.commit()
    login(client, "manager@example.org")
    with _statements() as sent:
        first = _page(client, action="task.claimed")
    # SQLite's dialect writes "LIMIT ? OFFSET ?" with an offset of 0: no row is ever skipped.
    assert [(s, p) for s, p in sent if "OFFSET" in s.upper() and list(p)[-1] != 0] == []
    assert _shown(first) == ids[::-1][:50] and "Newer" not in first
    second = _page(client, action="task.claimed", before=_shown(first)[-1])
    assert _shown(second) == ids[::-1][50:100]
    third = _page(client, action="task.claimed", before=_shown(second)[-1])
    assert _shown(third) == ids[::-1][100:] and "Older" not in third
    newer = re.search(r'href="([^"]+)" rel="prev"', third).group(1).replace("&amp;", "&")
    back = client.get(newer).get_data(as_text=True)
    assert _shown(back) == _shown(second)
    newer = re.search(r'href="([^"]+)" rel="prev"', back).group(1).replace("&amp;", "&")
    assert _shown(client.get(newer).get_data(as_text=True)) == _shown(first)


def test_a_manager_who_sees_few_events_pages_on_through_windows(
    client, people, legal_manager, monkeypatch
) -> None:
    monkeypatch.setattr(trail_search, "WINDOW", 10)
    theirs = factories.refer(people["school"])
    legal = db.session.scalar(select(Team).where(Team.name == "Legal Services"))
    factories.only_open_task(theirs).team_id = legal.id  # the case is now Legal Services' too
    mine = _event("task.claimed", people["solicitor"], theirs)
    others = factories.refer(people["school"], first_name="Other")
    for _ in range(25):
        _event("case.viewed", people["practitioner"], others)
    db.session.commit()
    login(client, "legal.manager@example.org", "legal-manager-pw")
    html = _page(client)
    found, pages = _shown(html), 0
    while mine not in found and pages < 10:
        assert "Only part of the trail was searched" in html
        older = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
        html = client.get(older).get_data(as_text=True)
        found, pages = found + _shown(html), pages + 1
    assert mine in found and pages >= 1


def test_changes_show_field_by_field_before_and_after(client, people) -> None:
    case = factories.refer(people["school"])
    long_text = "A very long explanation " * 20
    _event(
        "setting.changed",
        people["admin"],
        case,
        before={"name": "due_soon_days", "value": 3, "reasons": "short"},
        after={"name": "due_soon_days", "value": 5, "reasons": long_text, "added": True},
    )
    db.session.commit()
    login(client, "admin@example.org")
    html = _page(client, action="setting.changed")
    assert "<dt>Value</dt>" in html and "<del>3</del> → <ins>5</ins>" in html
    assert 'due_soon_days <span class="govuk-hint">(unchanged)</span>' in html
    assert "(none) → <ins>Yes</ins>" in html
    assert long_text.strip() in html  # wrapped by the page, never cut


def test_the_search_is_itself_recorded_with_the_cases_it_showed(client, people) -> None:
    case = factories.refer(people["school"])
    db.session.commit()
    login(client, "manager@example.org")
    _page(client, case=case.reference)
    db.session.expire_all()
    searched = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit.searched"))
    assert searched is not None and searched.actor_id == people["manager"].id
    assert searched.detail == f"/audit?case={case.reference}"
    linked = set(
        db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == searched.id))
    )
    assert linked == {case.id}
    # and a search that showed no case records nothing: it showed nothing about any child
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    _page(client, case="C9999999")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before




@contextmanager
def _statements() -> Iterator[list[tuple[str, object]]]:
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)
