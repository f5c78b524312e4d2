"""The referral page asks what applies to the pathway chosen, and chooses nothing for the referrer."""

from __future__ import annotations

from decimal import Decimal

from app.extensions import db
from app.models import Case
from app.timescales.term_dates import load_default_terms_if_empty
from tests import factories
from tests.conftest import login
from tests.integration.test_pages import REFERRAL, text


def cases() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Case)) or 0


def test_a_referral_that_does_not_say_what_it_is_about_is_refused(client, people) -> None:
    login(client, "school@example.org")
    unsaid = {k: v for k, v in REFERRAL.items() if k != "pathway"}
    response = client.post("/referrals/new", data=unsaid)
    assert response.status_code == 400
    assert "Select what you are telling us about" in text(response)
    assert cases() == 0


WITHOUT_ATTENDANCE = {
    k: v
    for k, v in REFERRAL.items()
    if k not in {"attendance_percent", "sessions_possible", "unauthorised_sessions"}
}


def the_case() -> Case:
    [case] = db.session.scalars(db.select(Case)).all()
    return case


def test_the_page_asks_about_attendance_only_for_the_pathways_it_applies_to(client, people) -> None:
    login(client, "school@example.org")
    page = text(client.get("/referrals/new"))
    assert 'data-app-reveal-by="pathway" data-app-reveal-when="early_help attendance_support"' in page
    assert (
        "Only needed if you are telling us about an attendance concern for Early Help, or a pupil who needs "
        "attendance support from the school and the local authority." in page
    )


def test_a_medical_needs_referral_needs_no_attendance_and_its_case_copes_without_it(client, people) -> None:
    login(client, "school@example.org")
    response = client.post("/referrals/new", data={**WITHOUT_ATTENDANCE, "pathway": "medical_needs"})
    assert response.status_code == 302
    case = the_case()
    assert case.attendance_percent is None and case.sessions_possible is None
    case_page = text(client.get(response.headers["Location"]))
    assert "Record the school&#39;s sickness return" in case_page and "Not recorded" in case_page
    [task] = factories.open_tasks(case)
    task_page = text(client.get(f"/tasks/{task.id}"))
    assert "Record the school&#39;s sickness return" in task_page and "None%" not in task_page
    assert client.get(f"/api/v1/cases/{case.reference}").get_json()["attendance_percent"] is None


def test_answers_to_questions_that_do_not_apply_are_neither_checked_nor_kept(client, people) -> None:
    login(client, "school@example.org")
    typed = {
        **REFERRAL,
        "pathway": "missing_education",
        "attendance_percent": "lots",
        "sessions_possible": "-4",
    }
    response = client.post("/referrals/new", data=typed)
    assert response.status_code == 302, text(response)
    case = the_case()
    assert (case.attendance_percent, case.sessions_possible, case.unauthorised_sessions) == (None, None, None)


def test_attendance_support_and_early_help_demand_the_attendance_percentage(client, people) -> None:
    load_default_terms_if_empty()  # attendance support counts school days
    login(client, "school@example.org")
    for pathway in ("attendance_support", "early_help"):
        response = client.post("/referrals/new", data={**WITHOUT_ATTENDANCE, "pathway": pathway})
        assert response.status_code == 400, pathway
        assert "Enter the child&#39;s attendance as a percentage" in text(response)
        assert 'value="Isla"' in text(response)  # what was typed is kept
    assert cases() == 0
    response = client.post("/referrals/new", data={**REFERRAL, "pathway": "attendance_support"})
    assert response.status_code == 302
    assert the_case().attendance_percent == Decimal("81.5")


def test_before_a_pathway_is_chosen_a_typing_error_in_attendance_is_still_shown(client, people) -> None:
    login(client, "school@example.org")
    unsaid = {k: v for k, v in REFERRAL.items() if k != "pathway"}
    page = text(client.post("/referrals/new", data={**unsaid, "attendance_percent": "lots"}))
    assert "Select what you are telling us about" in page and "Attendance must be a number, like 84.5" in page
    assert "Enter the child&#39;s attendance as a percentage" not in page  # not required until it applies


def test_a_case_referred_without_attendance_is_asked_for_it_before_attendance_support(client, people) -> None:
    load_default_terms_if_empty()  # attendance support counts school days
    login(client, "school@example.org")
    client.post("/referrals/new", data={**WITHOUT_ATTENDANCE, "pathway": "medical_needs"})
    case = the_case()
    page = text(client.get(f"/cases/{case.reference}"))
    assert 'name="attendance_percent"' in page and "this case was referred without it" in page

    start = f"/cases/{case.reference}/pathways"
    refused = client.post(start, data={"pathway": "attendance_support"}, follow_redirects=True)
    assert "Enter the child&#39;s attendance this school year to start that pathway" in text(refused)
    wrong = client.post(
        start, data={"pathway": "attendance_support", "attendance_percent": "181"}, follow_redirects=True
    )
    assert "Attendance must be between 0 and 100" in text(wrong)
    assert len(case.instances) == 1

    started = client.post(start, data={"pathway": "attendance_support", "attendance_percent": "62.5"})
    assert started.status_code == 302
    db.session.expire_all()
    case = the_case()
    assert case.attendance_percent == Decimal("62.5") and len(case.instances) == 2
    page = text(client.get(f"/cases/{case.reference}"))
    assert "62.5%" in page and "Recorded the child&#39;s attendance" in page
    assert 'name="attendance_percent"' not in page  # asked once, kept on the case
