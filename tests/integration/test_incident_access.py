"""Incidents are cases: a manager sees and resolves only incidents on cases they may see."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.auth.services import create_team, create_user
from app.extensions import db
from app.models import Case, Incident, Role, Team, User
from app.oversight.services import record_incident
from app.transactions import in_own_transaction
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step

PASSWORD = "incident-test-password"
NORTH, SOUTH = "Incident Team North", "Incident Team South"


def _team_with_manager(name: str) -> Team:
    """A team of its own with one manager: kept between tests, like the demo people, and
    apart from them, so no other test sees a new member in its teams."""
    team = db.session.scalar(db.select(Team).where(Team.name == name))
    if team is None:
        team = create_team(name, name)
        slug = name.lower().replace(" ", ".")
        create_user(f"manager.{slug}@example.org", f"{name} Manager", PASSWORD, Role.MANAGER, [team])
        db.session.commit()
    return team


def _case_with_incident(people: dict[str, User], team: Team, message: str) -> tuple[Case, Incident]:
    process_id = f"incident_{team.id}"
    factories.publish_test_diagram(two_step(process_id=process_id, lane=team.lane))
    case = factories.bare_case(people["school"], first_name=message.split()[0])
    instance = instances.start_process(case, process_id, {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    return case, in_own_transaction(lambda: record_incident(instance.id, message, None))


@pytest.fixture
def two_teams(ctx, people) -> dict[str, tuple[Case, Incident]]:
    """One incident on a case in the North team's queue, one on a case in the South team's."""
    return {
        name: _case_with_incident(people, _team_with_manager(name), f"{first} timer failed")
        for name, first in ((NORTH, "Heidi"), (SOUTH, "Carlos"))
    }


def _signed_in_manager(client: FlaskClient, team_name: str) -> None:
    login(client, f"manager.{team_name.lower().replace(' ', '.')}@example.org", PASSWORD)


def test_a_manager_sees_only_incidents_on_their_teams_cases(client, two_teams) -> None:
    (north_case, _), (south_case, _) = two_teams[NORTH], two_teams[SOUTH]
    _signed_in_manager(client, NORTH)
    page = client.get("/incidents").get_data(as_text=True)
    assert north_case.reference in page and "Heidi timer failed" in page
    assert south_case.reference not in page and "Carlos timer failed" not in page

    _signed_in_manager(client, SOUTH)
    page = client.get("/incidents").get_data(as_text=True)
    assert south_case.reference in page and north_case.reference not in page


def test_an_administrator_sees_every_incident(client, two_teams) -> None:
    login(client, "admin@example.org")
    page = client.get("/incidents").get_data(as_text=True)
    assert all(case.reference in page for case, _ in two_teams.values())


def test_resolving_an_incident_on_a_case_out_of_sight_answers_404_and_changes_nothing(
    client, two_teams
) -> None:
    _, south_incident = two_teams[SOUTH]
    _signed_in_manager(client, NORTH)
    response = client.post(f"/incidents/{south_incident.id}/resolve", data={"resolution": "Guessed the id"})
    assert response.status_code == 404
    assert client.post("/incidents/999999/resolve", data={"resolution": "x"}).status_code == 404
    db.session.expire_all()
    incident = db.session.get(Incident, south_incident.id)
    assert incident.resolved_at is None and incident.resolution == ""


def test_a_manager_resolves_an_incident_on_their_teams_case(client, two_teams) -> None:
    _, north_incident = two_teams[NORTH]
    _signed_in_manager(client, NORTH)
    page = client.get("/incidents").get_data(as_text=True)
    assert re.search(rf"/incidents/{north_incident.id}/resolve", page)
    response = client.post(f"/incidents/{north_incident.id}/resolve", data={"resolution": "Diagram fixed"})
    assert response.status_code == 302
    db.session.expire_all()
    incident = db.session.get(Incident, north_incident.id)
    assert incident.resolved_at is not None and incident.resolution == "Diagram fixed"
    assert "There are no open incidents" in client.get("/incidents").get_data(as_text=True)


def test_an_incident_already_resolved_keeps_who_resolved_it(client, two_teams) -> None:
    _, north_incident = two_teams[NORTH]
    _signed_in_manager(client, NORTH)
    client.post(f"/incidents/{north_incident.id}/resolve", data={"resolution": "Diagram fixed"})
    again = client.post(
        f"/incidents/{north_incident.id}/resolve", data={"resolution": "Second go"}, follow_redirects=True
    )
    assert "This incident has already been resolved" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Incident, north_incident.id).resolution == "Diagram fixed"
