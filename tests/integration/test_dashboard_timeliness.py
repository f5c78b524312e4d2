"""The dashboard's timeliness figures on real cases moved through the shipped pathways at chosen
times (assessments in the census bands, conferences, core groups and reviews, consent), the cases
behind every figure, and a manager of other teams seeing none of them."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from app import scheduling
from app.auth.services import create_user
from app.cases.services import refer_child
from app.dashboard import timeliness
from app.dashboard.periods import Period
from app.dashboard.scope import scope_for
from app.demo.progress import task_data
from app.demo.safeguarding import CONVENE, _convene, _s47, _strategy
from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, Role
from app.models.audit import AuditEventCase
from app.timescales.working_days import add_working_days, end_of_working_day
from tests import factories
from tests.integration.dashboard_support import (
    AUG_TO_NOV,
    CAS,
    NOW,
    R,
    assert_every_drill_link_lists_its_cases,
    assess,
    at,
    decide_and_allocate,
    do,
    figure_links,
    get,
    refer,
    references,
    sign_in,
    write_assessment,
)


@pytest.fixture
def assessments(ctx, people) -> dict[str, Any]:
    wd = lambda n: add_working_days(R, n)  # noqa: E731
    made = {
        "same_day": assess(people, R, R, first_name="Same"),
        "1_10": assess(people, R, wd(10), first_name="Ten"),
        "41_45": assess(people, R, wd(45), first_name="Fortyfive"),
        "46_50": assess(people, R, wd(46), returned_on=wd(30), first_name="Returned"),
        "61_plus": assess(people, R, wd(61), first_name="Sixtyone"),
        "outside": assess(people, date(2026, 7, 1), date(2026, 7, 10), first_name="July"),
    }
    # Stepped up from Early Help: the CAS clock starts on the day of the hand-off, not the day the
    # case was first referred (20 days earlier).
    handed_on = wd(5)
    stepped = refer(
        people["school"], R - timedelta(days=20), referral_date=R - timedelta(days=20), first_name="Step"
    )
    triage = task_data("referral.triage", R, {"triage_decision": "step_up"})
    do(stepped, "referral.triage", triage, people["practitioner"], handed_on)
    decide_and_allocate(stepped, people["manager"], handed_on)
    authorised = add_working_days(handed_on, 11)
    write_assessment(stepped, people["social_worker"], authorised)
    do(
        stepped,
        "cas.authorise",
        {"authorisation_decision": "authorised", "authorisation_notes": ""},
        people["manager"],
        authorised,
    )
    made["11_20"] = stepped
    # Still being written on 1 December: past 45 working days.
    waiting = refer(people["manager"], R, CAS, referral_date=R, first_name="Waiting")
    decide_and_allocate(waiting, people["manager"], R)
    made["past_45"] = waiting
    return made


def test_assessments_fall_in_the_census_bands_measured_from_the_diagrams_anchor(
    ctx, client, people, assessments
) -> None:
    sign_in(client, "manager@example.org")
    page = get(client, "/dashboard?" + "&".join(f"{k}={v}" for k, v in AUG_TO_NOV.items()))
    summary = re.search(r'id="assessments-within">(.*?)</p>', page, re.S)
    assert summary is not None
    text = re.sub(r"<[^>]+>|\s+", " ", summary.group(1))
    assert "4 assessments within 45 working days of 6 assessments authorised (67%)" in re.sub(
        r" +", " ", text
    )
    bands = {
        k: {assessments[k].reference} for k in ("same_day", "1_10", "11_20", "41_45", "46_50", "61_plus")
    }
    expected = {
        "assessments": {
            **bands,
            "all": set().union(*bands.values()),
            "within": bands["same_day"] | bands["1_10"] | bands["11_20"] | bands["41_45"],
            "late": bands["46_50"] | bands["61_plus"],
        }
    }
    assert assert_every_drill_link_lists_its_cases(client, page, expected) >= 11
    past = figure_links(page, "/cases?")
    assert past["/cases?pathway=cas_assessment&stage=assessment&overdue=1"] == 1
    assert past["/cases?pathway=cas_assessment&stage=authorise_assessment&overdue=1"] == 0


def test_the_anchor_is_the_one_the_diagram_counts_45_working_days_from(ctx, people, assessments) -> None:
    """The diagram's authorisation is due on the 45th working day after its referral_date: the
    dashboard's anchor, plus 45, is that due date for every case, handed on or not."""
    scope = scope_for(people["manager"], None)
    rows = timeliness.assessment_rows(scope, Period("range", date(2026, 7, 1), date(2026, 11, 30)))
    assert len(rows) == 7
    for row in rows:
        assert row.start is not None
        due = db.session.scalars(
            select(HumanTask.due_at).where(
                HumanTask.case_id == row.case_id, HumanTask.bpmn_id == "authorise_assessment"
            )
        ).all()
        assert set(due) == {end_of_working_day(add_working_days(row.start, 45))}, row


def test_a_list_behind_a_figure_records_the_view_and_exports_safely(ctx, client, people, assessments) -> None:
    sign_in(client, "manager@example.org")
    url = "/dashboard/cases/assessments?band=late&period=range&from=2026-08-01&to=2026-11-30"
    page = get(client, url)
    assert references(page) == {assessments["46_50"].reference, assessments["61_plus"].reference}
    assert "Returned Begum" in page and "Morgan Ellis" in page  # the child, and who authorised
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dashboard.cases_listed")).all()
    assert len(viewed) == 1 and viewed[0].detail == url
    shown = set(
        db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == viewed[0].id))
    )
    assert shown == {assessments["46_50"].id, assessments["61_plus"].id}
    # A child's name a spreadsheet would run as a formula is written as text.
    db.session.get(Case, assessments["61_plus"].id).child.first_name = "=HYPERLINK(1)"
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        exported = client.get(url + "&format=csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:3] == ["Child", "Date of birth", "Case reference"]
    by_ref = {r[2]: r for r in rows[1:]}
    assert by_ref[assessments["61_plus"].reference][0] == "'=HYPERLINK(1) Begum"
    assert by_ref[assessments["61_plus"].reference][5] == "61"
    assert by_ref[assessments["46_50"].reference][3:6] == [
        R.isoformat(),
        add_working_days(R, 46).isoformat(),
        "46",
    ]


# -- conferences, core groups and reviews -------------------------------------------------------------
def icpc_held(day: date) -> dict[str, Any]:
    return {
        "icpc_date": day.isoformat(),
        "icpc_attendees": "Parents; school; police; health; social worker",
        "icpc_parents_attended": "yes",
        "reports_shared_on": (day - timedelta(days=7)).isoformat(),
        "reports_late_reason": "",
        "icpc_child_views": "I want things to be calmer at home.",
        "icpc_decisions": "A child in need plan.",
        "icpc_outcome": "child_in_need",
    }


def conference(people, strategy: date, held: date, name: str) -> Case:
    worker, manager, chair = people["social_worker"], people["manager"], people["chair"]
    case = refer(worker, strategy, "child_protection_enquiry", referral_date=strategy, first_name=name)
    do(case, "cpe.strategy_discussion", _strategy(strategy), worker, strategy)
    seen = add_working_days(strategy, 3)
    do(case, "cpe.s47_enquiry", _s47(seen), worker, seen)
    do(case, "cpe.icpc_decision", CONVENE, manager, seen)
    do(case, "cpe.convene_icpc", _convene(held), chair, seen)
    do(case, "cpe.icpc", icpc_held(held), chair, held)
    return case


def core_group(day: date, next_date: date) -> dict[str, Any]:
    return {
        "core_group_held_on": day.isoformat(),
        "core_group_attendees": "Parent; school; health visitor; social worker",
        "core_group_decisions": "Weekly visits.",
        "next_core_group_date": next_date.isoformat(),
    }


def review(day: date) -> dict[str, Any]:
    return {
        "conference_held_on": day.isoformat(),
        "conference_attendees": "Parents; chair; social worker",
        "conference_child_views": "Things are better.",
        "conference_decisions": "The plan continues.",
        "conference_outcome": "continue",
        "next_conference_date": (day + timedelta(days=150)).isoformat(),
    }


def test_conferences_core_groups_and_reviews_on_time_and_late(ctx, client, people) -> None:
    strategy = date(2026, 10, 1)
    on_time = conference(people, strategy, add_working_days(strategy, 15), "Prompt")
    late = conference(people, strategy, add_working_days(strategy, 16), "Tardy")
    worker = people["social_worker"]
    icpc = date(2026, 7, 1)
    plans = []
    for name in ("Kept", "Slipped"):
        with time_machine.travel(at(icpc), tick=False):
            plans.append(
                refer_child(
                    factories.referral(referral_date=icpc, first_name=name),
                    people["manager"],
                    "child_protection_plan",
                    {"icpc_date": icpc.isoformat()},
                )
            )
            db.session.commit()
    kept, slipped = plans
    due = add_working_days(icpc, 10)  # the first core group: within 10 working days of the conference
    do(kept, "cp.core_group", core_group(due, due + timedelta(days=28)), worker, due)
    late_group = add_working_days(icpc, 12)
    do(slipped, "cp.core_group", core_group(late_group, late_group + timedelta(days=28)), worker, late_group)
    # The first review is due 3 months after the conference; its task arrives 14 days before.
    with time_machine.travel(at(date(2026, 9, 20)), tick=False):
        scheduling.sweep(ctx)
    do(kept, "cp.review_conference", review(date(2026, 9, 30)), worker, date(2026, 9, 30))
    do(slipped, "cp.review_conference", review(date(2026, 10, 5)), worker, date(2026, 10, 5))

    sign_in(client, "manager@example.org")
    page = get(client, "/dashboard?period=range&from=2026-07-01&to=2026-11-30")
    expected = {
        "icpcs": {
            "on_time": {on_time.reference},
            "within": {on_time.reference},
            "over": {late.reference},
            "late": {late.reference},
            "all": {on_time.reference, late.reference},
        },
        "core_groups": {
            "on_time": {kept.reference},
            "within": {kept.reference},
            "over": {slipped.reference},
            "late": {slipped.reference},
            "all": {kept.reference, slipped.reference},
        },
        "reviews": {
            "on_time": {kept.reference},
            "within": {kept.reference},
            "over": {slipped.reference},
            "late": {slipped.reference},
            "all": {kept.reference, slipped.reference},
        },
    }
    for key in expected:
        summary = re.search(rf'id="{key}-within">(.*?)</p>', page, re.S)
        assert summary and "(50%)" in summary.group(1), key
    assert_every_drill_link_lists_its_cases(client, page, expected)
    late_list = get(client, "/dashboard/cases/icpcs?band=late&period=range&from=2026-07-01&to=2026-11-30")
    assert "16" in re.sub(r"<[^>]+>", " ", late_list)  # the working days it took


# -- consent, and work now ---------------------------------------------------------------------------
def test_cases_waiting_for_consent_by_how_long_they_have_waited(ctx, client, people) -> None:
    practitioner = people["practitioner"]
    seek = task_data("referral.triage", R, {"triage_decision": "seek_consent"})
    recent = refer(
        people["school"], date(2026, 11, 20), referral_date=date(2026, 11, 20), first_name="Recent"
    )
    do(recent, "referral.triage", seek, practitioner, add_working_days(NOW.date(), -3))
    long = refer(people["school"], date(2026, 11, 2), referral_date=date(2026, 11, 2), first_name="Long")
    do(long, "referral.triage", seek, practitioner, add_working_days(NOW.date(), -12))
    factories.refer(people["school"], first_name="Untriaged")  # not yet asked: not waiting on consent
    sign_in(client, "manager@example.org")
    page = get(client, "/dashboard")
    expected = {"consent": {"under_5": {recent.reference}, "over_10": {long.reference}}}
    assert_every_drill_link_lists_its_cases(client, page, expected)
    listed = re.sub(r"<[^>]+>", " ", get(client, "/dashboard/cases/consent?band=over_10"))
    assert " 12 " in listed  # working days waited
    assert figure_links(page, "/cases?")["/cases?pathway=referral_to_early_help&stage=seek_consent"] == 2


# -- who may see it ----------------------------------------------------------------------------------
def test_a_manager_of_other_teams_sees_none_of_it_and_practitioners_are_refused(
    ctx, client, people, teams, assessments
) -> None:
    create_user("medical.manager@example.org", "Mo Other", "demo", Role.MANAGER, [teams["Medical Needs"]])
    db.session.commit()
    sign_in(client, "medical.manager@example.org")
    for query in (
        "period=range&from=2026-08-01&to=2026-11-30",
        f"period=range&from=2026-08-01&to=2026-11-30&team={teams['CAS'].id}",
    ):
        page = get(client, "/dashboard?" + query)
        for url, shown in figure_links(page, "/").items():
            assert shown == 0, url
            if url.startswith("/dashboard/cases/"):
                assert references(get(client, url)) == set()
        assert "CAS" not in re.sub(r"<[^>]+>", " ", page.split('id="by-team"')[1].split("</table>")[0])
    sign_in(client, "social.worker@example.org")
    with time_machine.travel(NOW, tick=False):
        assert client.get("/dashboard").status_code == 403
        assert client.get("/dashboard/cases/assessments?band=all").status_code == 403
        assert "Dashboard" not in client.get("/worklist").get_data(as_text=True).split("<main")[0]
    sign_in(client, "manager@example.org")
    with time_machine.travel(NOW, tick=False):
        assert client.get("/dashboard/cases/no_such_figure").status_code == 404
