"""Incidents are cases: a manager sees and resolves only incidents on cases they may see."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from app.auth.services import create_user, find_user_by_email
from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, Incident, Role, Team, User
from app.oversight.services import record_failure_after_rollback
from tests import factories
from tests.conftest import login

PASSWORD = "incident-test-password"


def _manager_of(team_name: str) -> User:
    """A manager of one team only (demo users are kept between tests, so these are too)."""
    email = f"manager.{team_name.lower().replace(' ', '.')}@example.org"
    user = find_user_by_email(email)
    if user is None:
        team = db.session.scalar(db.select(Team).where(Team.name == team_name))
        user = create_user(email, f"{team_name} Manager", PASSWORD, Role.MANAGER, [team])
        db.session.commit()
    return user


def _case_with_incident(people: dict[str, User], process_id: str, message: str) -> tuple[Case, Incident]:
    case = refer_child(factories.referral(first_name=message.split()[0]), people["school"], process_id)
    db.session.commit()
    instance = case.instances[0]
    incident = record_failure_after_rollback(instance.id, message, None)
    return case, incident


@pytest.fixture
def two_teams(ctx, people) -> dict[str, tuple[Case, Incident]]:
    """One incident on a case in Early Help's queue, one on a case in CAS's."""
    return {
        "Early Help": _case_with_incident(people, "referral_to_early_help", "Heidi timer failed"),
        "CAS": _case_with_incident(people, "cas_assessment", "Carlos timer failed"),
    }


def _signed_in_manager(client: FlaskClient, team_name: str) -> None:
    login(client, _manager_of(team_name).email, PASSWORD)


def test_a_manager_sees_only_incidents_on_their_teams_cases(client, two_teams) -> None:
    (eh_case, _), (cas_case, _) = two_teams["Early Help"], two_teams["CAS"]
    _signed_in_manager(client, "Early Help")
    page = client.get("/incidents").get_data(as_text=True)
    assert eh_case.reference in page and "Heidi timer failed" in page
    assert cas_case.reference not in page and "Carlos timer failed" not in page

    _signed_in_manager(client, "CAS")
    page = client.get("/incidents").get_data(as_text=True)
    assert cas_case.reference in page and eh_case.reference not in page


def test_an_administrator_sees_every_incident(client, two_teams) -> None:
    login(client, "admin@example.org")
    page = client.get("/incidents").get_data(as_text=True)
    assert all(case.reference in page for case, _ in two_teams.values())


def test_resolving_an_incident_on_a_case_out_of_sight_answers_404_and_changes_nothing(
    client, two_teams
) -> None:
    _, cas_incident = two_teams["CAS"]
    _signed_in_manager(client, "Early Help")
    response = client.post(f"/incidents/{cas_incident.id}/resolve", data={"resolution": "Guessed the id"})
    assert response.status_code == 404
    assert client.post("/incidents/999999/resolve", data={"resolution": "x"}).status_code == 404
    db.session.expire_all()
    incident = db.session.get(Incident, cas_incident.id)
    assert incident.resolved_at is None and incident.resolution == ""


def test_a_manager_resolves_an_incident_on_their_teams_case(client, two_teams) -> None:
    _, eh_incident = two_teams["Early Help"]
    _signed_in_manager(client, "Early Help")
    page = client.get("/incidents").get_data(as_text=True)
    assert re.search(rf"/incidents/{eh_incident.id}/resolve", page)
    response = client.post(f"/incidents/{eh_incident.id}/resolve", data={"resolution": "Diagram fixed"})
    assert response.status_code == 302
    db.session.expire_all()
    incident = db.session.get(Incident, eh_incident.id)
    assert incident.resolved_at is not None and incident.resolution == "Diagram fixed"
    assert "There are no open incidents" in client.get("/incidents").get_data(as_text=True)


def test_an_incident_already_resolved_keeps_who_resolved_it(client, two_teams) -> None:
    _, eh_incident = two_teams["Early Help"]
    _signed_in_manager(client, "Early Help")
    client.post(f"/incidents/{eh_incident.id}/resolve", data={"resolution": "Diagram fixed"})
    again = client.post(
        f"/incidents/{eh_incident.id}/resolve", data={"resolution": "Second go"}, follow_redirects=True
    )
    assert "This incident has already been resolved" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Incident, eh_incident.id).resolution == "Diagram fixed"
