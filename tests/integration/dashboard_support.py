"""Builders and readers shared by the dashboard's tests: cases moved through the shipped pathways at
chosen times, and the figures and links read back from the pages."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time
from typing import Any

import time_machine
from flask.testing import FlaskClient

from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, User
from app.tasks import services as tasks
from tests import factories
from tests.conftest import login

# after it is Tuesday 1 September.
R = date(2026, 8, 28)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday
AUG_TO_NOV = {"period": "range", "from": "2026-08-01", "to": "2026-11-30"}


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def do(case: Case, form_key: str, data: dict[str, Any], user: User, day: date) -> None:
    with time_machine.travel(at(day), tick=False):
        task = next(t for t in factories.open_tasks(case) if t.form_key == form_key)
        tasks.complete_task(task, data, user)
        db.session.commit()


def refer(user: User, day: date, process_id: str = "referral_to_early_help", **overrides: Any) -> Case:
    with time_machine.travel(at(day), tick=False):
        case = refer_child(factories.referral(**overrides), user, process_id)
        db.session.commit()
    return case


def sign_in(client: FlaskClient, email: str) -> None:
    with time_machine.travel(NOW, tick=False):
        login(client, email)


def get(client: FlaskClient, url: str) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def figure_links(page: str, prefix: str) -> dict[str, int]:
    """Every link on the page to `prefix`, with the number it shows."""
    found = re.findall(
        r'<a class="govuk-link" href="([^"]+)">(\d+)<span class="govuk-visually-hidden">', page
    )
    return {html.unescape(href): int(n) for href, n in found if href.startswith(prefix)}


def references(page: str) -> set[str]:
    return set(re.findall(r'href="/cases/(C\d{7})"', page))


def band_of(url: str) -> tuple[str, str]:
    figure = re.search(r"/dashboard/cases/([a-z_]+)", url)
    band = re.search(r"[?&]band=([a-z0-9_]+)", url)
    assert figure and band, url
    return figure.group(1), band.group(1)


def assert_every_drill_link_lists_its_cases(client: FlaskClient, page: str, expected: dict) -> int:
    """Each drill-down link's number equals the cases its list shows, and those are the expected ones."""
    links = figure_links(page, "/dashboard/cases/")
    assert links
    for url, shown in links.items():
        figure, band = band_of(url)
        want = expected.get(figure, {}).get(band, set())
        listed = references(get(client, url))
        assert listed == want, (url, listed, want)
        assert shown == len(want), (url, shown)
    return len(links)


CAS = "cas_assessment"


def assess(
    people, referred: date, authorised: date, *, returned_on: date | None = None, **child: Any
) -> Case:
    """A case referred to CAS on `referred` and authorised on `authorised` (after one return, if asked)."""
    manager, worker = people["manager"], people["social_worker"]
    case = refer(manager, referred, CAS, referral_date=referred, **child)
    decide_and_allocate(case, manager, referred)
    if returned_on is not None:
        write_assessment(case, worker, returned_on)
        do(
            case,
            "cas.authorise",
            {"authorisation_decision": "returned", "authorisation_notes": "More."},
            manager,
            returned_on,
        )
    write_assessment(case, worker, authorised)
    do(
        case,
        "cas.authorise",
        {"authorisation_decision": "authorised", "authorisation_notes": ""},
        manager,
        authorised,
    )
    return case


def decide_and_allocate(case: Case, manager: User, day: date) -> None:
    decision = {
        "referral_decision": "assessment",
        "referral_decision_reasons": "Needs.",
        "referrer_told": "yes",
    }
    do(case, "cas.referral_decision", decision, manager, day)
    allocation = {
        "social_worker_name": "Chris Okafor",
        "allocated_on": day.isoformat(),
        "allocation_plan": "See.",
    }
    do(case, "cas.allocate", allocation, manager, day)


def write_assessment(case: Case, worker: User, day: date) -> None:
    done = {
        "child_seen": "yes",
        "child_seen_on": day.isoformat(),
        "child_views": "Mornings are hard.",
        "assessment_analysis": "Needs met with support.",
        "assessment_completed_on": day.isoformat(),
    }
    do(case, "cas.assessment", done, worker, day)
