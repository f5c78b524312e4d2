"""The referral and the administrator's forms refuse impossible answers with the GOV.UK message,
and show the page again with what was typed."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient

from app.extensions import db
from app.formkit.fields import long_date, years_from
from app.models import Case, SchoolTerm
from app.timescales.settings import SETTINGS
from tests.conftest import login
from tests.integration.test_pages import REFERRAL


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def typed(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


TODAY = date.today()
A_WHILE_AGO = TODAY - timedelta(days=30)


def referral(**changes: object) -> dict[str, object]:
    return {**REFERRAL, "referral_date": typed(A_WHILE_AGO), **changes}


def cases() -> int:
    return int(db.session.scalar(db.select(db.func.count()).select_from(Case)) or 0)


REFERRAL_ANSWERS = [
    ({"date_of_birth": ["27", "", "2014"]}, "Date of birth must include a month"),
    ({"date_of_birth": ["", "", "2014"]}, "Date of birth must include a day and month"),
    ({"date_of_birth": ["31", "2", "2014"]}, "Date of birth must be a real date"),
    ({"date_of_birth": ["1", "1", "0001"]}, "Date of birth must be after 1900"),
    ({"date_of_birth": ["1", "1", "14"]}, "Year must include 4 numbers"),
    ({"date_of_birth": typed(TODAY)}, "Date of birth must be in the past"),
    ({"date_of_birth": ["1", "1", "9999"]}, "Date of birth must be in the past"),
    (
        {"date_of_birth": typed(years_from(TODAY, -30))},
        f"Date of birth must be after {long_date(years_from(TODAY, -25))}",
    ),
    ({"referral_date": ["1", "1", "9999"]}, "Date of referral must be today or in the past"),
    (
        {"referral_date": typed(years_from(TODAY, -2))},
        f"Date of referral must be after {long_date(years_from(TODAY, -1))}",
    ),
    ({"attendance_percent": "NaN"}, "Attendance must be a number, like 84.5"),
    ({"attendance_percent": "sNaN"}, "Attendance must be a number, like 84.5"),
    ({"attendance_percent": "Infinity"}, "Attendance must be a number, like 84.5"),
    ({"attendance_percent": "1e999999"}, "Attendance must be a number, like 84.5"),
    ({"attendance_percent": "eighty"}, "Attendance must be a number, like 84.5"),
    ({"attendance_percent": "-0.5"}, "Attendance must be between 0 and 100"),
    ({"sessions_possible": str(10**30)}, "Possible sessions must be between 0 and 400"),
    ({"sessions_possible": "lots"}, "Possible sessions must be a whole number, like 120"),
    ({"unauthorised_sessions": "NaN"}, "Unauthorised sessions must be a whole number, like 120"),
    ({"first_name": "x" * 10_000}, "First name must be 100 characters or less"),
    ({"concern_reasons": "x" * 5001}, "Reasons for concern must be 5000 characters or less"),
    ({"year_group": "<script>"}, "Select the year group"),
    ({"pathway": "../../etc"}, "Select what you are telling us about"),
]


@pytest.mark.parametrize(("changes", "message"), REFERRAL_ANSWERS)
def test_a_referral_with_an_impossible_answer_says_what_to_correct_and_keeps_the_answers(
    client: FlaskClient, changes: dict[str, object], message: str
) -> None:
    login(client, "school@example.org")
    response = client.post("/referrals/new", data=referral(**changes))
    page = text(response)
    assert response.status_code == 400 and "There is a problem" in page
    assert message in page
    assert 'value="Isla"' in page or 'value="xxxxxxxxxx' in page  # what was typed is still there
    assert cases() == 0


def test_the_referral_page_keeps_a_number_that_is_not_a_number_as_typed(client: FlaskClient) -> None:
    login(client, "school@example.org")
    page = text(client.post("/referrals/new", data=referral(attendance_percent="1e999999")))
    assert 'value="1e999999"' in page


def test_a_referral_at_the_edges_of_the_plausible_dates_is_recorded(client: FlaskClient) -> None:
    login(client, "school@example.org")
    edges = referral(
        date_of_birth=typed(years_from(TODAY, -25) + timedelta(days=1)),
        referral_date=typed(years_from(TODAY, -1) + timedelta(days=1)),
    )
    response = client.post("/referrals/new", data=edges)
    assert response.status_code == 302, text(response)[:2000]
    assert cases() == 1


TERM = {"school": "", "name": "Autumn 1"}
ADMIN_ANSWERS = [
    (
        "/admin/calendars/terms/new",
        {**TERM, "starts_on": ["1", "1", "0001"], "ends_on": ["1", "2", "2027"]},
        "Start date must be after 1900",
    ),
    (
        "/admin/calendars/terms/new",
        {**TERM, "starts_on": ["1", "1", "2027"], "ends_on": ["1", "1", "9999"]},
        f"End date must be before {long_date(years_from(TODAY, 5))}",
    ),
    (
        "/admin/calendars/terms/new",
        {**TERM, "starts_on": ["1", "", "2027"], "ends_on": ["1", "2", "2027"]},
        "Start date must include a month",
    ),
    (
        "/admin/calendars/terms/new",
        {**TERM, "name": "x" * 10_000, "starts_on": ["1", "1", "2027"], "ends_on": ["1", "2", "2027"]},
        "Name of the term must be 60 characters or less",
    ),
    ("/admin/settings/taf_review_weeks", {"value": "9" * 5000}, SETTINGS["taf_review_weeks"].range_message()),
    ("/admin/settings/taf_review_weeks", {"value": "NaN"}, "Enter a whole number of weeks"),
    ("/admin/settings/taf_review_weeks", {"value": "1e3"}, "Enter a whole number of weeks"),
]


@pytest.mark.parametrize(("url", "answers", "message"), ADMIN_ANSWERS)
def test_an_administrator_s_impossible_answer_says_what_to_correct(
    client: FlaskClient, url: str, answers: dict[str, object], message: str
) -> None:
    login(client, "admin@example.org")
    response = client.post(url, data=answers)
    assert response.status_code == 400 and message in text(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(SchoolTerm)) == 0


def test_a_closure_day_in_an_absurd_year_is_refused(client: FlaskClient) -> None:
    login(client, "admin@example.org")
    starts = years_from(TODAY, 1)
    client.post(
        "/admin/calendars/terms/new",
        data={**TERM, "starts_on": typed(starts), "ends_on": typed(starts + timedelta(days=40))},
    )
    term = db.session.scalars(db.select(SchoolTerm)).one()
    response = client.post(f"/admin/calendars/terms/{term.id}/closures", data={"day": ["1", "1", "9999"]})
    assert response.status_code == 400
    assert f"Date must be before {long_date(years_from(TODAY, 5))}" in text(response)
