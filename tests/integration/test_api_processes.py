"""The API's process checks and publishing: the same pipeline as the pages and the command line,
for process owners and administrators only, answering JSON."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.auth.services import create_api_token
from app.extensions import db
from app.models import AuditEvent, ProcessVersion
from app.workflow.library import current_version

ROOT = Path(__file__).resolve().parents[2]


def _headers(user) -> dict[str, str]:
    token = create_api_token(user, "tests")
    db.session.commit()  # (a savepoint in tests) so a refused request's rollback keeps it
    return {"Authorization": f"Bearer {token}"}


def _referral(rename: str = "Triage the referral today") -> dict[str, str]:
    xml = (ROOT / "processes/referral_to_early_help.bpmn").read_text()
    return {
        "filename": "referral_to_early_help.bpmn",
        "bpmn_xml": xml.replace('name="Triage the referral"', f'name="{rename}"'),
        "forms_json": (ROOT / "forms/referral_to_early_help.json").read_text(),
    }


def test_a_process_owner_checks_a_bundle_and_sees_its_problems(client, people) -> None:
    good = client.post("/api/v1/processes/check", json=_referral(), headers=_headers(people["owner"]))
    assert good.status_code == 200
    assert good.get_json()["publishable"] is True
    assert good.get_json()["process_id"] == "referral_to_early_help"

    broken = _referral()
    broken["bpmn_xml"] = broken["bpmn_xml"].replace('value="referral.triage"', 'value="referral.nothing"')
    answer = client.post("/api/v1/processes/check", json=broken, headers=_headers(people["owner"])).get_json()
    assert answer["publishable"] is False
    [problem] = [p for p in answer["problems"] if p["severity"] == "error"]
    assert (problem["reason"], problem["element_id"]) == ("no_form", "triage")
    assert problem["line"] > 1
    checked = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "process.checked")
    assert db.session.scalar(checked) == 2


def test_publishing_needs_a_note_and_makes_the_next_version(client, people) -> None:
    before = current_version("referral_to_early_help").number
    headers = _headers(people["owner"])
    refused = client.post("/api/v1/processes/publish", json=_referral(), headers=headers)
    assert refused.status_code == 422
    assert [p["reason"] for p in refused.get_json()["problems"]] == ["note_missing"]
    assert current_version("referral_to_early_help").number == before

    done = client.post(
        "/api/v1/processes/publish", json={**_referral(), "note": "Triage renamed"}, headers=headers
    )
    assert done.status_code == 201
    assert done.get_json() == {
        "process_id": "referral_to_early_help",
        "version": before + 1,
        "restored": False,
    }
    version = current_version("referral_to_early_help")
    assert (version.number, version.change_note, version.published_by_id) == (
        before + 1,
        "Triage renamed",
        people["owner"].id,
    )


def test_a_bundle_with_errors_is_not_published(client, people) -> None:
    count = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    body = {**_referral(), "bpmn_xml": "<not a diagram", "note": "Broken"}
    answer = client.post("/api/v1/processes/publish", json=body, headers=_headers(people["owner"]))
    assert answer.status_code == 422
    assert answer.get_json()["problems"][0]["reason"] == "not_xml"
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == count


def test_only_process_owners_and_administrators_may_check_or_publish(client, people) -> None:
    for who in ("practitioner", "manager"):
        for path in ("/api/v1/processes/check", "/api/v1/processes/publish"):
            answer = client.post(path, json={**_referral(), "note": "x"}, headers=_headers(people[who]))
            assert answer.status_code == 403, (who, path)
            assert answer.is_json
    admin = client.post("/api/v1/processes/check", json=_referral(), headers=_headers(people["admin"]))
    assert admin.status_code == 200


def test_a_body_that_is_not_a_bundle_is_answered_plainly(client, people) -> None:
    headers = _headers(people["owner"])
    assert client.post("/api/v1/processes/check", data="x", headers=headers).status_code == 415
    for body in ([], {"bpmn_xml": 3}, {"bpmn_xml": "<x/>", "forms_json": ["no"]}):
        answer = client.post("/api/v1/processes/check", json=body, headers=headers)
        assert answer.status_code == 400, body
        assert answer.get_json()["error"] == "bad_request"
