"""The pages a user works with: sign in, refer, worklist, task, case, incidents, health."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app import create_app
from app.config import Settings
from app.extensions import db
from app.models import AuditEvent, Case, TaskState
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step
from tests.unit.referral_support import good

REFERRAL = {
    "pathway": "early_help",
    "first_name": "Isla",
    "last_name": "Nowak",
    "date_of_birth": ["27", "3", "2014"],
    "school": "Hammond Academy",
    "year_group": "Year 7",
    "send_support": "y",
    "attendance_percent": "81.5",
    "sessions_possible": "120",
    "unauthorised_sessions": "14",
    "concern_reasons": "Missing most Mondays since half term.",
    "referrer_name": "Sam Taylor",
    "referrer_role": "Attendance officer",
    "referrer_organisation": "Hammond Academy",
    "referral_date": date.today().strftime("%-d %-m %Y").split(),  # a referral is at most a year old
}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_sign_in_with_a_wrong_password_says_so_and_signs_in_with_the_right_one(client) -> None:
    response = client.post("/login", data={"email": "practitioner@example.org", "password": "nope"})
    assert "The email address or password is not right" in text(response)
    assert 'value="practitioner@example.org"' in text(response)
    response = client.post("/login", data={"email": "Practitioner@Example.org", "password": "demo"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/worklist")


def test_sign_in_refuses_to_redirect_off_site(client) -> None:
    response = client.post(
        "/login?next=https://evil.example/", data={"email": "manager@example.org", "password": "demo"}
    )
    assert response.headers["Location"] == "/dashboard"  # a manager's start page


def test_an_invalid_referral_lists_the_problems_and_keeps_what_was_typed(client) -> None:
    login(client, "school@example.org")
    bad = {**REFERRAL, "attendance_percent": "181", "school": "", "date_of_birth": ["31", "2", "2014"]}
    response = client.post("/referrals/new", data=bad)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Attendance must be between 0 and 100" in page
    assert "Enter the child&#39;s school" in page
    assert 'value="Isla"' in page and 'value="181"' in page and "Missing most Mondays" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_a_referral_opens_a_case_and_puts_triage_in_the_early_help_queue(client, people) -> None:
    login(client, "school@example.org")
    response = client.post("/referrals/new", data=REFERRAL)
    assert response.status_code == 302
    case_page = client.get(response.headers["Location"])
    page = text(case_page)
    assert "Isla Nowak" in page and "Triage the referral" in page and "Early Help" in page
    assert "Referral to Early Help" in page

    login(client, "practitioner@example.org")
    team = text(client.get("/worklist?view=team"))
    assert "Isla Nowak" in team and "Triage the referral" in team
    assert "Isla Nowak" not in text(client.get("/worklist"))  # not claimed yet


def test_the_referral_page_offers_each_published_pathway_and_opens_the_one_chosen(client, people) -> None:
    login(client, "school@example.org")
    page = text(client.get("/referrals/new"))
    assert "What are you telling us about?" in page
    assert "An attendance concern for Early Help" in page
    assert "A concern that the child may need social care" in page
    response = client.post("/referrals/new", data={**REFERRAL, "pathway": "social_care"})
    assert response.status_code == 302
    case_page = text(client.get(response.headers["Location"]))
    assert "Decide on the referral" in case_page and "Child and family assessment" in case_page
    assert "Opened on this case" in case_page
    [case] = db.session.scalars(db.select(Case)).all()
    [task] = factories.open_tasks(case)
    assert (task.name, task.team.name) == ("Decide on the referral", "CAS")


def test_a_case_handed_on_says_which_process_handed_it_on(client, people) -> None:
    case = factories.refer(people["school"])
    login(client, "practitioner@example.org")
    task = factories.only_open_task(case)
    client.post(f"/tasks/{task.id}", data=good("referral.triage", triage_decision="step_up"))
    page = text(client.get(f"/cases/{case.reference}"))
    assert "Handed on by Referral to Early Help (Stepped up to social care)" in page
    assert "Decide on the referral" in page


def test_claim_moves_a_task_into_my_tasks_and_the_task_page_shows_its_guidance(client, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")
    assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    mine = text(client.get("/worklist"))
    assert "Triage the referral" in mine and "Amelia Begum" in mine
    page = text(client.get(f"/tasks/{task.id}"))
    assert task.documentation.split(".")[0] in page
    assert "Release to team queue" in page


def test_an_invalid_task_form_keeps_what_was_typed_and_saves_nothing(client, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")
    response = client.post(f"/tasks/{task.id}", data={"triage_reasons": "Checked records; no plan open."})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and "Checked records; no plan open." in page
    assert factories.only_open_task(case).id == task.id


def test_the_second_person_to_submit_is_told_who_completed_it_and_keeps_their_answers(ctx, people) -> None:
    case = factories.refer(people["school"])
    task = factories.only_open_task(case)
    first, second = ctx.test_client(), ctx.test_client()
    login(first, "practitioner@example.org")
    login(second, "family.worker@example.org")
    answers = {
        "existing_involvement": "none",
        "triage_decision": "seek_consent",
        "triage_reasons": "First answer",
    }
    assert first.post(f"/tasks/{task.id}", data=answers).status_code == 302
    late = second.post(f"/tasks/{task.id}", data={**answers, "triage_reasons": "Second person's notes"})
    assert late.status_code == 409
    page = text(late)
    assert "Priya Shah completed this task at" in page
    assert "Second person&#39;s notes" in page
    db.session.expire_all()
    assert db.session.get(type(task), task.id).data["triage_reasons"] == "First answer"


@pytest.mark.expects_server_error
def test_an_engine_failure_shows_a_clear_message_keeps_input_and_raises_an_incident(
    ctx, client, people
) -> None:
    factories.publish_test_diagram(two_step(condition="undefined_name == 1", process_id="broken_pages"))
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "broken_pages", {"referral_date": "2026-12-04"}, None)
    db.session.commit()
    task = factories.only_open_task(case)
    login(client, "practitioner@example.org")
    response = client.post(f"/tasks/{task.id}", data={"note": "My careful note"})
    assert response.status_code == 500
    page = text(response)
    assert "The case could not move on" in page and "My careful note" in page
    assert factories.only_open_task(case).state == TaskState.OPEN

    login(client, "manager@example.org")
    incidents = text(client.get("/incidents"))
    assert case.reference in incidents and "undefined_name" in incidents
    incident_id = re.search(r"/incidents/(\d+)/resolve", incidents).group(1)
    client.post(f"/incidents/{incident_id}/resolve", data={"resolution": "Diagram fixed and republished"})
    assert "There are no open incidents" in text(client.get("/incidents"))


def test_practitioners_cannot_reach_incidents(client) -> None:
    login(client, "practitioner@example.org")
    assert client.get("/incidents").status_code == 403


def test_a_case_shows_completed_work_and_each_view_is_audited(client, people) -> None:
    case = factories.refer(people["school"])
    login(client, "practitioner@example.org")
    task = factories.only_open_task(case)
    client.post(
        f"/tasks/{task.id}",
        data={
            "existing_involvement": "none",
            "triage_decision": "seek_consent",
            "triage_reasons": "No open plan; school asked for help.",
        },
    )
    page = text(client.get(f"/cases/{case.reference}"))
    assert "Seek consent from the family" in page
    assert "Triage the referral – Priya Shah" in page
    assert "No open plan; school asked for help." in page
    assert "Offer Early Help" in page or "consent" in page
    views = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "case.viewed")).all()
    assert [v.actor_id for v in views] == [people["practitioner"].id]


@pytest.mark.parametrize("email", ["attendance.officer@example.org", "social.worker@example.org"])
def test_nobody_reaches_a_case_outside_their_work_by_guessing_its_url(client, people, email) -> None:
    case = factories.refer(people["school"])
    login(client, email)
    assert client.get(f"/cases/{case.reference}").status_code == 404
    assert client.get(f"/tasks/{factories.only_open_task(case).id}").status_code == 404


def test_the_team_queue_pages_and_sorts(client, people) -> None:
    for n in range(30):
        factories.refer(people["school"], first_name=f"Child{n:02d}", last_name="Zed" if n % 2 else "Able")
    login(client, "practitioner@example.org")
    first = text(client.get("/worklist?view=team&sort=child"))
    assert "30 tasks" in first and "Page 1 of 2" in first
    assert first.index("Child00 Able") < first.index("Child01 Zed")
    second = text(client.get("/worklist?view=team&sort=child&page=2"))
    assert second.count("Zed</a>") == 5 and "Able</a>" not in second


def test_healthz_reports_database_and_scheduler(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "scheduler": "disabled"}


def test_production_refuses_to_start_while_demo_users_exist(app) -> None:
    settings = app.extensions["settings"]
    production = Settings(
        env="production",
        secret_key="x" * 40,
        database_url=settings.database_url,
        instance_dir=settings.instance_dir,
        processes_dir=settings.processes_dir,
    )
    with pytest.raises(RuntimeError, match="Demo accounts"):
        create_app(production)


def test_the_register_and_penalty_notice_history_are_reachable_from_the_pages(client, people) -> None:
    case = factories.refer(people["school"], first_name="Maya")
    instances.start_process(case, "attendance_legal_planning", instances.case_facts(case), people["ace"])
    instances.start_process(case, "children_missing_education", instances.case_facts(case), people["ace"])
    db.session.commit()
    login(client, "attendance.officer@example.org")
    page = text(client.get(f"/cases/{case.reference}"))
    assert f'href="/cases/{case.reference}/penalty-notices"' in page
    assert 'href="/cme?status="' in page
    assert 'href="/cme"' in page  # the menu offers the register to ACE
    assert client.get(f"/cases/{case.reference}/penalty-notices").status_code == 200
    login(client, "family.worker@example.org")
    assert 'href="/cme"' not in text(client.get("/worklist"))  # not to Early Help workers


def test_another_pathway_can_be_started_on_a_case_and_not_twice(client, people) -> None:
    case = factories.refer(people["school"], first_name="Kai")
    login(client, "manager@example.org")
    page = text(client.get(f"/cases/{case.reference}"))
    assert "Start another pathway for Kai" in page
    response = client.post(f"/cases/{case.reference}/pathways", data={"pathway": "medical_needs"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Started: A pupil who will miss 15 or more school days" in page
    assert "Record the school&#39;s sickness return" in page
    [medical] = [i for i in instances_on(case) if i.process_version.process_id == "medical_needs"]
    assert medical.case_id == case.id and medical.started_by_id is None
    again = client.post(
        f"/cases/{case.reference}/pathways", data={"pathway": "medical_needs"}, follow_redirects=True
    )
    assert "This case is already on that pathway" in text(again)
    assert len([i for i in instances_on(case) if i.process_version.process_id == "medical_needs"]) == 1
    nothing = client.post(f"/cases/{case.reference}/pathways", data={"pathway": ""}, follow_redirects=True)
    assert "Select the pathway to start" in text(nothing)
    login(client, "social.worker@example.org")  # cannot see the case: no tasks for their team yet
    assert (
        client.post(f"/cases/{case.reference}/pathways", data={"pathway": "social_care"}).status_code == 404
    )
    assert "cas_assessment" not in {i.process_version.process_id for i in instances_on(case)}


def instances_on(case: Case) -> list:
    from app.models import ProcessInstance

    db.session.expire_all()
    return list(db.session.scalars(db.select(ProcessInstance).where(ProcessInstance.case_id == case.id)))
