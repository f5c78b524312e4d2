"""`flask processes validate FILE...` and `flask processes publish FILE... --note N` (and without
files): the command line checks and publishes as the pages do, all or nothing, and says each
problem with its line and element."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from app.config import ROOT
from app.extensions import db
from app.models import AuditEvent, ProcessVersion
from app.workflow.library import current_version
from tests.fixtures.diagrams import hand_off_receiver
from tests.fixtures.forms import fixture_forms_json

PROCESS = "referral_to_early_help"
REFERRAL_BPMN = ROOT / "processes" / f"{PROCESS}.bpmn"
REFERRAL_FORMS = ROOT / "forms" / f"{PROCESS}.json"
SUPPORT_BPMN = ROOT / "processes" / "attendance_support.bpmn"
TRIAGE = b'<bpmn:userTask id="triage" name="Triage the referral">'


def run(ctx: Flask, *args: str) -> Result:
    result = ctx.test_cli_runner().invoke(args=["processes", *args])
    # A crash is a failure of the test, never a refusal: refusals exit through SystemExit.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def copy_of_referral(folder: Path, xml: bytes | None = None) -> Path:
    """The referral diagram (or `xml`) in `folder`, with its forms beside it as <stem>.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REFERRAL_BPMN.name
    path.write_bytes(REFERRAL_BPMN.read_bytes() if xml is None else xml)
    shutil.copy(REFERRAL_FORMS, folder / f"{path.stem}.json")
    return path


def renamed_triage(name: str) -> bytes:
    xml = REFERRAL_BPMN.read_bytes()
    assert xml.count(TRIAGE) == 1
    return xml.replace(TRIAGE, f'<bpmn:userTask id="triage" name="{name}">'.encode())


def without_triage_form(xml: bytes) -> bytes:
    changed, count = re.subn(
        rb'(<bpmn:userTask id="triage".*?)<spiffworkflow:property name="formKey"[^>]*/>',
        rb"\1",
        xml,
        count=1,
        flags=re.S,
    )
    assert count == 1
    return changed


def line_of(xml: bytes, marker: str) -> int:
    return xml[: xml.index(marker.encode())].count(b"\n") + 1


def snapshot() -> tuple[Any, ...]:
    db.session.expire_all()
    return (
        sorted(
            (v.process_id, v.number, v.is_current, v.change_note)
            for v in db.session.scalars(select(ProcessVersion))
        ),
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("process.%"))
        ),
    )


# -- validate ------------------------------------------------------------------------------------


def test_validate_says_a_good_shipped_file_is_ready_to_publish(ctx: Flask) -> None:
    result = run(ctx, "validate", str(REFERRAL_BPMN))
    assert result.exit_code == 0, result.output
    assert f"{REFERRAL_BPMN}: ready to publish" in result.output
    assert "cannot be published" not in result.output


def test_validate_names_the_line_and_element_of_a_problem_and_exits_1(ctx: Flask, tmp_path: Path) -> None:
    xml = without_triage_form(REFERRAL_BPMN.read_bytes())
    path = copy_of_referral(tmp_path, xml)
    result = run(ctx, "validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}: cannot be published (1 problem)" in result.output
    [said] = [each for each in result.output.splitlines() if "(triage)" in each]
    line = line_of(xml, 'id="triage"')
    assert f"line {line}:" in said
    assert "formKey" in said


def test_validate_lists_warnings_and_still_exits_0(ctx: Flask, tmp_path: Path) -> None:
    xml = REFERRAL_BPMN.read_bytes().replace(
        b'id="end_outcomes_met" name="Closed: outcomes met"', b'id="end_outcomes_met"'
    )
    path = copy_of_referral(tmp_path, xml)
    result = run(ctx, "validate", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}: ready to publish (1 warning)" in result.output
    line = line_of(xml, 'id="end_outcomes_met"')
    [said] = [each for each in result.output.splitlines() if "end_outcomes_met" in each]
    assert said.strip().startswith(f"warning, line {line}:")


def test_validate_of_malformed_xml_says_its_line(ctx: Flask, tmp_path: Path) -> None:
    xml = REFERRAL_BPMN.read_bytes().replace(b'<bpmn:userTask id="triage"', b"<bpmn:userTask id=triage", 1)
    path = copy_of_referral(tmp_path, xml)
    result = run(ctx, "validate", str(path))
    assert result.exit_code == 1
    assert f"line {line_of(xml, 'id=triage')}:" in result.output
    assert "well-formed" in result.output
    assert "Traceback" not in result.output


def test_validate_lists_each_file_and_fails_if_any_is_bad(ctx: Flask, tmp_path: Path) -> None:
    bad = copy_of_referral(tmp_path / "bad", without_triage_form(REFERRAL_BPMN.read_bytes()))
    result = run(ctx, "validate", str(SUPPORT_BPMN), str(bad))
    assert result.exit_code == 1
    assert f"{SUPPORT_BPMN}: ready to publish" in result.output
    assert f"{bad}: cannot be published" in result.output


def test_validate_needs_a_file(ctx: Flask) -> None:
    result = run(ctx, "validate")
    assert result.exit_code == 2
    assert "Name at least one .bpmn file" in result.output


def test_dmn_and_forms_options_go_with_one_file(ctx: Flask) -> None:
    result = run(ctx, "validate", "--forms", str(REFERRAL_FORMS), str(REFERRAL_BPMN), str(SUPPORT_BPMN))
    assert result.exit_code == 2
    assert "--dmn, --forms and --called go with one FILE" in result.output


def test_validate_reads_the_forms_named_by_the_option(ctx: Flask, tmp_path: Path) -> None:
    alone = tmp_path / "alone" / REFERRAL_BPMN.name
    alone.parent.mkdir()
    alone.write_bytes(REFERRAL_BPMN.read_bytes())  # no forms beside it: every task lacks its form
    without = run(ctx, "validate", str(alone))
    assert without.exit_code == 1
    assert "(triage)" in without.output
    with_forms = run(ctx, "validate", "--forms", str(REFERRAL_FORMS), str(alone))
    assert with_forms.exit_code == 0, with_forms.output


# -- publish FILE --------------------------------------------------------------------------------


@pytest.mark.parametrize("note", [None, "", "   "])
def test_publish_without_a_note_is_refused_and_publishes_nothing(
    ctx: Flask, tmp_path: Path, note: str | None
) -> None:
    path = copy_of_referral(tmp_path, renamed_triage("Triage the referral, v2"))
    before = snapshot()
    result = run(ctx, "publish", str(path), *([] if note is None else ["--note", note]))
    assert result.exit_code != 0
    assert "Enter a change note" in result.output
    assert "ready to publish" not in result.output  # refused before any file is checked
    assert "Published" not in result.output
    assert snapshot() == before


def test_publish_of_two_files_where_one_is_bad_publishes_neither(ctx: Flask, tmp_path: Path) -> None:
    good = copy_of_referral(tmp_path / "good", renamed_triage("Triage the referral, v2"))
    support = tmp_path / "support" / SUPPORT_BPMN.name
    support.parent.mkdir()
    support.write_bytes(SUPPORT_BPMN.read_bytes().replace(b'name="Schools"', b'name="Nobody"'))
    shutil.copy(ROOT / "forms" / "attendance_support.json", support.with_suffix(".json"))
    shutil.copy(SUPPORT_BPMN.with_suffix(".dmn"), support.with_suffix(".dmn"))
    before = snapshot()

    result = run(ctx, "publish", str(good), str(support), "--note", "Both at once")

    assert result.exit_code == 1, result.output
    assert f"{good}: ready to publish" in result.output
    assert f"{support}: cannot be published" in result.output
    assert "'Nobody'" in result.output
    assert "Nothing was published." in result.output
    assert "Published:" not in result.output
    assert snapshot() == before


def test_publish_of_two_files_where_one_is_unchanged_publishes_neither(ctx: Flask, tmp_path: Path) -> None:
    changed = copy_of_referral(tmp_path, renamed_triage("Triage the referral, v2"))
    before = snapshot()

    result = run(ctx, "publish", str(changed), str(SUPPORT_BPMN), "--note", "Both at once")

    assert result.exit_code == 1, result.output
    assert "already current" in result.output
    assert "Nothing was published." in result.output
    assert snapshot() == before


def test_publish_with_a_note_publishes_the_next_version_and_says_so(ctx: Flask, tmp_path: Path) -> None:
    shipped = current_version(PROCESS).number
    path = copy_of_referral(tmp_path, renamed_triage("Triage the referral, v2"))

    result = run(ctx, "publish", str(path), "--note", "x")

    assert result.exit_code == 0, result.output
    assert f"{path}: ready to publish" in result.output
    assert f"Published: Referral to Early Help version {shipped + 1}" in result.output
    db.session.expire_all()
    version = current_version(PROCESS)
    assert (version.number, version.change_note, version.published_by_id) == (shipped + 1, "x", None)
    assert "Triage the referral, v2" in version.bpmn_xml

    # Publishing the shipped file again makes the shipped version current again, no copy.
    again = run(ctx, "publish", str(REFERRAL_BPMN), "--note", "Back")
    assert again.exit_code == 0, again.output
    assert f"Made current again: Referral to Early Help version {shipped}" in again.output
    db.session.expire_all()
    assert current_version(PROCESS).number == shipped


def test_publish_without_files_leaves_an_owner_s_version_current(ctx: Flask, tmp_path: Path) -> None:
    path = copy_of_referral(tmp_path, renamed_triage("Triage the referral, v2"))
    assert run(ctx, "publish", str(path), "--note", "Owner's change").exit_code == 0
    db.session.expire_all()
    mine = current_version(PROCESS).id

    result = run(ctx, "publish")

    assert result.exit_code == 0, result.output
    assert "Every process is up to date" in result.output
    db.session.expire_all()
    assert current_version(PROCESS).id == mine


def test_forms_that_are_not_utf8_are_refused_not_mangled(ctx: Flask, tmp_path: Path) -> None:
    path = copy_of_referral(tmp_path)
    forms = REFERRAL_FORMS.read_text(encoding="utf-8")
    assert "Who at the school did you advise?" in forms
    latin1 = forms.replace("Who at the school", "Who at the école").encode("latin-1")
    path.with_suffix(".json").write_bytes(latin1)

    result = run(ctx, "validate", str(path))

    assert result.exit_code == 1, result.output
    assert "UTF-8" in result.output


def test_publishing_two_processes_started_by_one_message_publishes_neither(
    ctx: Flask, tmp_path: Path
) -> None:
    paths = []
    for process_id in ("receiver_one", "receiver_two"):
        path = tmp_path / f"{process_id}.bpmn"
        path.write_bytes(hand_off_receiver("one_message", process_id=process_id))
        path.with_suffix(".json").write_text(fixture_forms_json(process_id), encoding="utf-8")
        paths.append(str(path))
    before = snapshot()

    result = run(ctx, "publish", *paths, "--note", "Two receivers")

    assert result.exit_code == 1, result.output
    assert "Nothing was published." in result.output
    assert snapshot() == before
