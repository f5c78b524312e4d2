"""Publishing checks what the children missing education, medical needs and school attendance
order diagrams name: each rule, calculation and effect exists, and an effect is used on a form
that asks what it reads."""

from __future__ import annotations

import pytest

from app.config import ROOT
from app.engine import parse_diagram
from app.pathways.checks import pathway_problems
from tests.fixtures.forms import shipped_bundles

CME = "children_missing_education"


def problems(process_id: str, *replacements: tuple[bytes, bytes]) -> list[str]:
    xml = (ROOT / "processes" / f"{process_id}.bpmn").read_bytes()
    for old, new in replacements:
        assert old in xml
        xml = xml.replace(old, new)
    bundle = next(b for b in shipped_bundles().values() if b.process_id == process_id)
    return pathway_problems(parse_diagram(xml, f"{process_id}.bpmn"), bundle, f"{process_id}.bpmn")


@pytest.mark.parametrize("process_id", [CME, "medical_needs", "school_attendance_order"])
def test_the_shipped_pathways_name_only_what_exists(process_id: str) -> None:
    assert problems(process_id) == []


def test_the_enquiries_recorded_must_be_the_schools_or_the_local_authoritys() -> None:
    assert problems(CME, (b"cme.record_enquiries(school)", b"cme.record_enquiries(parent)")) == [
        f"{CME}.bpmn: the user task 'Make the school's reasonable enquiries': cme.record_enquiries needs "
        "whose enquiries they are: cme.record_enquiries(school) or (la)"
    ]
    # The local authority's enquiries recorded from the school's form: it asks other questions.
    found = problems(CME, (b"cme.record_enquiries(school)", b"cme.record_enquiries(la)"))
    assert found[0] == (
        f"{CME}.bpmn: the user task 'Make the school's reasonable enquiries': the form "
        "'cme.school_enquiries' has no field 'la_enquiries_completed_on', which the effect reads"
    )
    assert len(found) == 3


def test_an_effect_on_a_form_that_does_not_ask_what_it_reads_is_refused() -> None:
    found = problems(CME, (b'value="cme.record_whereabouts"', b'value="cme.add_to_register"'))
    assert (
        f"{CME}.bpmn: the user task 'Record where the child is': the form 'cme.outcome' has no field "
        in found[0]
    )
    assert len(found) == 4  # the four answers the register's new entry needs


def test_an_unknown_calculation_is_refused() -> None:
    assert problems("school_attendance_order", (b"sao.notice_period_end", b"sao.notice_period_ends")) == [
        "school_attendance_order.bpmn: the user task 'Serve the notice to satisfy (section 437(1))' names "
        "the calculation 'sao.notice_period_ends', which does not exist"
    ]
