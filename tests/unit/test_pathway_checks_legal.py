"""Publishing checks what the legal planning diagram and forms name: each rule, calculation and
effect exists, and an effect is named on a task whose form asks what it reads."""

from __future__ import annotations

from app.config import ROOT
from app.engine import parse_diagram
from app.pathways.checks import pathway_problems
from tests.fixtures.forms import shipped_bundles

PROCESS = "attendance_legal_planning"
PAYMENT_TASK = f"{PROCESS}.bpmn: the user task 'Record the penalty notice payment'"


def problems(*replacements: tuple[bytes, bytes]) -> list[str]:
    xml = (ROOT / "processes" / f"{PROCESS}.bpmn").read_bytes()
    for old, new in replacements:
        assert old in xml
        xml = xml.replace(old, new)
    bundle = next(b for b in shipped_bundles().values() if b.process_id == PROCESS)
    return pathway_problems(parse_diagram(xml, f"{PROCESS}.bpmn"), bundle, f"{PROCESS}.bpmn")


def test_legal_planning_names_only_what_exists() -> None:
    assert problems() == []


def test_an_effect_named_on_a_form_that_does_not_ask_what_it_reads_is_refused() -> None:
    # The payment is recorded from the form that issues the notice: it asks neither answer.
    moved = (b'value="legal.record_payment"', b'value="legal.record_prosecuted"')
    assert problems(moved) == [
        f"{PAYMENT_TASK}: legal.record_prosecuted reads the answer 'information_laid', which the form "
        "'legal.pn_payment' does not ask"
    ]


def test_an_effect_given_arguments_it_does_not_take_is_refused() -> None:
    assert problems((b'value="legal.record_payment"', b'value="legal.record_payment(80)"')) == [
        f"{PAYMENT_TASK}: legal.record_payment takes no arguments"
    ]


def test_an_unknown_calculation_is_refused() -> None:
    assert problems((b'value="legal.penalty_notice_terms"', b'value="legal.penalty_terms"')) == [
        f"{PROCESS}.bpmn: the user task 'Issue the penalty notice' names the calculation "
        "'legal.penalty_terms', which does not exist"
    ]
