"""Statutory time an administrator looks after: local settings and school term dates, through the
pages, the commands and the helpers diagrams call."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, select

from app.admin import services
from app.engine import EngineError, parse_diagram
from app.extensions import db
from app.models import AuditEvent, LocalSetting, SchoolClosure, SchoolTerm
from app.timescales.school_days import NoTermDates, add_school_days, calendar_for
from app.timescales.settings import local_setting
from app.timescales.term_dates import DEFAULT_TERMS_CSV, load_default_terms_if_empty
from app.workflow.helpers import diagram_helpers
from tests.conftest import login
from tests.fixtures.diagrams import two_step

ACADEMY_CSV = (
    "term,starts_on,ends_on,closure_days\n"
    "Autumn 1,2026-09-03,2026-10-16,2026-09-03\n"  # a two-week October half-term
    "Autumn 2,2026-11-02,2026-12-18,\n"
)


def text(response) -> str:
    return response.get_data(as_text=True)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def default_terms(ctx):
    load_default_terms_if_empty()
    db.session.commit()


def import_csv(ctx, *args: str, content: str = ACADEMY_CSV, tmp_path=None):
    path = tmp_path / "terms.csv"
    path.write_text(content)
    return ctx.test_cli_runner().invoke(args=["school-calendar", "import", str(path), *args])


# -- who may use the pages -------------------------------------------------------------------


def test_only_administrators_see_and_use_the_settings_pages(client) -> None:
    assert "/login" in client.get("/admin/settings").headers["Location"]
    login(client, "manager@example.org")
    assert 'href="/admin/settings"' not in text(client.get("/worklist"))
    for url in ["/admin/settings", "/admin/calendars", "/admin/calendars/terms/new"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/settings/taf_review_weeks", data={"value": "8"}).status_code == 403
    login(client, "admin@example.org")
    assert 'href="/admin/settings"' in text(client.get("/worklist"))
    assert client.get("/admin/settings").status_code == 200


def test_every_post_form_on_the_settings_pages_carries_a_csrf_token(ctx, people, default_terms) -> None:
    ctx.config["WTF_CSRF_ENABLED"] = True
    try:
        client = ctx.test_client()
        page = text(client.get("/login"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": "admin@example.org", "password": "demo", "csrf_token": token})
        term = db.session.scalar(select(SchoolTerm).order_by(SchoolTerm.starts_on))
        pages = [
            "/admin/settings",
            "/admin/settings/taf_review_weeks",
            "/admin/calendars",
            "/admin/calendars/terms",
            "/admin/calendars/terms/new",
            f"/admin/calendars/terms/{term.id}/closures",
            f"/admin/calendars/terms/{term.id}/delete",
        ]
        for url in pages:
            html = text(client.get(url))
            forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S | re.I)
            assert forms, url
            for form in forms:
                assert 'name="csrf_token"' in form, url
        assert client.post(f"/admin/calendars/terms/{term.id}/delete").status_code == 400
        assert db.session.get(SchoolTerm, term.id) is not None
    finally:
        ctx.config["WTF_CSRF_ENABLED"] = False


# -- local settings --------------------------------------------------------------------------


def test_an_administrator_changes_a_setting_and_the_change_is_audited(client, people) -> None:
    login(client, "admin@example.org")
    page = text(client.get("/admin/settings"))
    assert "Working days before the 45-day assessment deadline that the worker is reminded" in page
    assert "10 working days" in page and "95%" in page
    response = client.post("/admin/settings/taf_review_weeks", data={"value": " 8 "})
    assert response.status_code == 302
    page = text(client.get("/admin/settings"))
    assert "Team around the family review interval changed to 8 weeks" in page
    assert "by Alex Admin" in page
    assert local_setting("taf_review_weeks") == 8
    assert diagram_helpers()["setting"]("taf_review_weeks") == 8
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setting.changed"))
    assert event_.before == {"name": "taf_review_weeks", "value": 6}
    assert event_.after == {"name": "taf_review_weeks", "value": 8}
    assert event_.actor_id == people["admin"].id
    row = db.session.get(LocalSetting, "taf_review_weeks")
    assert row.value == "8" and row.updated_by_id == people["admin"].id and "reviews" in row.description


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("assessment_reminder_working_days", "", "Enter a whole number of working days"),
        ("assessment_reminder_working_days", "ten", "Enter a whole number of working days"),
        ("assessment_reminder_working_days", "2.5", "Enter a whole number of working days"),
        ("assessment_reminder_working_days", "45", "Assessment deadline reminder must be between 1 and 44"),
        ("cp_review_months", "7", "Later child protection reviews must be between 1 and 6 months"),
        ("at_risk_attendance_percent", "90", "At risk of persistent absence must be between 91 and 100"),
        ("at_risk_attendance_percent", "95%", "Enter a whole number percentage"),
    ],
)
def test_a_setting_must_be_a_whole_number_in_range(client, name: str, typed: str, message: str) -> None:
    login(client, "admin@example.org")
    response = client.post(f"/admin/settings/{name}", data={"value": typed})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and message in page
    assert db.session.scalar(select(func.count()).select_from(LocalSetting)) == 0


def test_an_unknown_setting_is_not_found(client) -> None:
    login(client, "admin@example.org")
    assert client.get("/admin/settings/not_a_setting").status_code == 404


def test_saving_the_same_value_changes_and_audits_nothing(ctx, people) -> None:
    assert services.change_setting("cin_review_months", "3", people["admin"]) is None
    assert "setting.changed" not in audit_actions()


# -- term dates through the pages ------------------------------------------------------------


def test_an_administrator_adds_a_term_and_closure_days_and_deletes_them(client, people) -> None:
    login(client, "admin@example.org")
    term_form = {
        "school": "Hammond Academy",
        "name": "Autumn 1 2026",
        "starts_on": ["3", "9", "2026"],
        "ends_on": ["16", "10", "2026"],
    }
    response = client.post("/admin/calendars/terms/new", data=term_form)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Term added to Hammond Academy" in page and "Autumn 1 2026" in page
    term = db.session.scalar(select(SchoolTerm))
    assert term.school == "Hammond Academy" and term.starts_on == date(2026, 9, 3)

    overlapping = {**term_form, "school": "hammond academy", "starts_on": ["12", "10", "2026"]}
    overlapping["ends_on"] = ["18", "12", "2026"]
    response = client.post("/admin/calendars/terms/new", data=overlapping)
    assert response.status_code == 400
    assert "The term overlaps Autumn 1 2026 (3 September 2026 to 16 October 2026)" in text(response)

    closures = f"/admin/calendars/terms/{term.id}/closures"
    response = client.post(closures, data={"day": ["3", "9", "2026"], "reason": "INSET day"})
    assert response.status_code == 302
    assert "INSET day" in text(client.get(closures))
    response = client.post(closures, data={"day": ["23", "10", "2026"], "reason": ""})
    assert response.status_code == 400
    assert "The closure day must be within the term, 3 September 2026 to 16 October 2026" in text(response)
    assert not calendar_for("Hammond Academy").is_school_day(date(2026, 9, 3))

    closure = db.session.scalar(select(SchoolClosure))
    assert client.post(f"/admin/calendars/closures/{closure.id}/delete").status_code == 302
    assert calendar_for("Hammond Academy").is_school_day(date(2026, 9, 3))
    confirm = text(client.get(f"/admin/calendars/terms/{term.id}/delete"))
    assert "Are you sure you want to delete Autumn 1 2026?" in confirm
    assert client.post(f"/admin/calendars/terms/{term.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SchoolTerm)) == 0
    assert audit_actions() == [
        "auth.signed_in",
        "school_term.added",
        "school_term.closure_added",
        "school_term.closure_removed",
        "school_term.deleted",
    ]
    deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "school_term.deleted"))
    assert deleted.before["starts_on"] == "2026-09-03" and deleted.before["school"] == "Hammond Academy"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (["", "", ""], ["18", "12", "2026"], "Enter the date the term starts"),
        (["31", "9", "2026"], ["18", "12", "2026"], "Start date must be a real date"),
        (["2", "11", "2026"], ["30", "10", "2026"], "The end date must be the same as or after the start"),
        (["2", "11", "2026"], ["18", "12", "2027"], "The term must be 20 weeks or shorter"),
    ],
)
def test_a_term_with_wrong_dates_is_refused(client, starts_on, ends_on, message) -> None:
    login(client, "admin@example.org")
    data = {"school": "", "name": "Autumn 2", "starts_on": starts_on, "ends_on": ends_on}
    response = client.post("/admin/calendars/terms/new", data=data)
    assert response.status_code == 400 and message in text(response)
    assert db.session.scalar(select(func.count()).select_from(SchoolTerm)) == 0


def test_the_calendars_page_lists_the_default_and_each_school(client, default_terms, tmp_path) -> None:
    assert import_csv(client.application, "--school", "Hammond Academy", tmp_path=tmp_path).exit_code == 0
    login(client, "admin@example.org")
    page = text(client.get("/admin/calendars"))
    assert "Local authority default" in page and "Hammond Academy" in page
    assert "1 Sep 2026" in page and "20 Jul 2028" in page
    page = text(client.get("/admin/calendars/terms?school=Hammond+Academy"))
    assert "Autumn 1" in page and "3 Sep 2026" in page and "Spring 1 2027" not in page
    page = text(client.get("/admin/calendars/terms?school=Riverside+Primary+School"))
    assert "counted from the local authority default" in page


# -- the import command ----------------------------------------------------------------------


def test_a_failed_import_changes_nothing_and_names_the_line(ctx, default_terms, tmp_path) -> None:
    before = db.session.scalar(select(func.count()).select_from(SchoolTerm))
    bad = ACADEMY_CSV + "Spring 1,2027-01-04,2027-02-30,\n"
    result = import_csv(ctx, content=bad, tmp_path=tmp_path)
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert "Line 4: the end date '2027-02-30' is not a real date" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SchoolTerm)) == before


def test_an_import_replaces_the_terms_it_covers_and_can_be_repeated(ctx, default_terms, tmp_path) -> None:
    result = import_csv(ctx, tmp_path=tmp_path)  # the LA default, autumn 2026 only
    assert result.exit_code == 0, result.output
    assert "Imported 2 terms with 1 closure days for the local authority default" in result.output
    assert "(replacing 2 terms)" in result.output
    again = import_csv(ctx, tmp_path=tmp_path)
    assert "(replacing 2 terms)" in again.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(SchoolTerm)) == 12
    assert add_school_days(date(2026, 10, 16), 1) == date(2026, 11, 2)  # the new two-week half-term
    assert audit_actions().count("school_calendar.imported") == 3  # the fixture's load and these two


def test_the_shipped_default_calendar_loads_once(ctx) -> None:
    first = load_default_terms_if_empty()
    assert first is not None and first.added == 12 and first.closures == 10
    assert load_default_terms_if_empty() is None
    assert DEFAULT_TERMS_CSV.exists()


# -- school days for a school, and the diagram helpers ------------------------------------------


def test_a_school_uses_its_own_terms_and_others_the_default(ctx, default_terms, tmp_path) -> None:
    assert import_csv(ctx, "--school", "Hammond Academy", tmp_path=tmp_path).exit_code == 0
    helpers = diagram_helpers()
    # Hammond's half-term is 19 Oct - 30 Oct: Fri 16 Oct + 1 = Mon 2 Nov, 17:00 GMT.
    assert helpers["add_school_days"]("2026-10-16", 1, "  HAMMOND academy ") == "2026-11-02T17:00:00+00:00"
    # The default calendar has school in the week of 19 Oct: Fri 16 Oct + 1 = Mon 19 Oct, 17:00 BST,
    # given in UTC as add_working_days gives it.
    assert helpers["add_school_days"]("2026-10-16", 1) == "2026-10-19T16:00:00+00:00"
    assert helpers["add_school_days"]("2026-10-16", 1, "Riverside Primary School") == (
        "2026-10-19T16:00:00+00:00"
    )
    assert helpers["school_days_between"]("2026-10-16", "2026-11-06", "Hammond Academy") == 5
    assert helpers["school_days_between"]("2026-10-16", "2026-11-06") == 10
    # Wed 14 Oct + 2 school weeks: Hammond has no school in the weeks of 19 and 26 Oct.
    assert helpers["add_school_weeks"]("2026-10-14", 2, "Hammond Academy") == "2026-11-11T17:00:00+00:00"
    assert helpers["add_school_weeks"]("2026-10-14T09:30:00+01:00", 2) == "2026-11-04T17:00:00+00:00"


def test_a_diagram_due_date_counts_school_days_and_reads_a_setting(ctx, default_terms, people) -> None:
    services.change_setting("assessment_reminder_working_days", 3, people["admin"])
    due = "add_school_days(referral_date, setting('assessment_reminder_working_days'), school)"
    xml = two_step().replace(b"add_working_days(referral_date, 1)", due.encode())
    diagram = parse_diagram(xml, "school_days.bpmn")
    engine = ctx.extensions["engine"]
    running = engine.start(diagram, {"referral_date": "2026-12-16", "school": "Parkview Primary School"})
    (task,) = running.ready_tasks()
    # Wed 16 Dec 2026 + 3 school days: Thu 17, Fri 18 Dec, (holiday, INSET Mon 4 Jan), Tue 5 Jan.
    assert running.due_at(task.id) == datetime(2027, 1, 5, 17, 0, tzinfo=UTC)

    # Past the last loaded term the due date is refused (an incident), not guessed.
    late = engine.start(diagram, {"referral_date": "2028-07-19", "school": ""})
    with pytest.raises(EngineError) as caught:
        late.due_at(late.ready_tasks()[0].id)
    assert isinstance(caught.value.__cause__.__context__, NoTermDates)


def test_calendars_and_settings_are_read_once_per_app_context(ctx, default_terms, people) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    helpers = diagram_helpers()
    helpers["add_school_days"]("2026-10-16", 1, "Parkview Primary School")
    helpers["setting"]("taf_review_weeks")
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(20):
            helpers["add_school_days"]("2026-10-16", 1, "Parkview Primary School")
            helpers["school_days_between"]("2026-10-16", "2026-12-18")
            helpers["setting"]("taf_review_weeks")
        assert statements == []
        # A change drops the cached copy, so the same request sees it at once.
        services.change_setting("taf_review_weeks", 9, people["admin"])
        assert helpers["setting"]("taf_review_weeks") == 9
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_at_risk_band_follows_the_local_setting(ctx, people) -> None:
    from app.admin.services import change_setting
    from app.timescales.attendance import attendance_tier

    assert attendance_tier(93) == "At risk of persistent absence"
    change_setting("at_risk_attendance_percent", 92, people["admin"])
    assert attendance_tier(93) == "Attendance above the at-risk band"


def test_the_working_days_commands_answer_absurd_spans_in_words(ctx) -> None:
    runner = ctx.test_cli_runner()
    added = runner.invoke(args=["working-days", "add", "2026-12-01", "45"])
    # Christmas Day, Boxing Day (on Monday 28th) and New Year's Day do not count
    assert added.exit_code == 0 and added.output.strip() == "2027-02-05"
    for args in (["add", "2026-01-01", "1000000000"], ["between", "2026-01-01", "2099-01-01"]):
        refused = runner.invoke(args=["working-days", *args])
        assert refused.exit_code == 1 and "at most" in refused.output
        assert "Traceback" not in refused.output and refused.exception.__class__ is SystemExit
