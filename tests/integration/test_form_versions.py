"""A pathway's forms are versioned with its diagram: a running case keeps the form of its own version,
and publishing refuses forms or diagrams that name Python the product does not have."""

from __future__ import annotations

import copy

import pytest

from app.engine import parse_diagram
from app.extensions import db
from app.formkit.definitions import load_bundle
from app.pathways.checks import pathway_problems
from app.tasks import services as tasks
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import two_step
from tests.fixtures.forms import NOTE_FORM, fixture_forms_json

REVISED = copy.deepcopy(NOTE_FORM)
REVISED["components"][0]["label"] = "What did the family say?"
REVISED["components"].append(
    {
        "key": "spoke_to",
        "type": "textfield",
        "label": "Who did you speak to?",
        "validate": {"required": True},
        "properties": {"requiredMessage": "Enter who you spoke to"},
    }
)


def start(people) -> str:
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "two_step", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    return factories.only_open_task(case).id


def test_a_running_case_keeps_the_form_of_its_version_when_a_revision_is_published(client, people) -> None:
    factories.publish_test_diagram(two_step())
    old_task = start(people)
    factories.publish_test_diagram(two_step().replace(b"First step", b"First step, revised"), form=REVISED)
    db.session.commit()
    new_task = start(people)

    login(client, "practitioner@example.org")
    old_page = client.get(f"/tasks/{old_task}").get_data(as_text=True)
    new_page = client.get(f"/tasks/{new_task}").get_data(as_text=True)
    assert "Note" in old_page and "Who did you speak to?" not in old_page
    assert "What did the family say?" in new_page and "Who did you speak to?" in new_page

    assert client.post(f"/tasks/{old_task}", data={"note": "go"}).status_code == 302  # v1 asks one thing
    refused = client.post(f"/tasks/{new_task}", data={"note": "go"})
    assert refused.status_code == 400 and "Enter who you spoke to" in refused.get_data(as_text=True)
    assert client.post(f"/tasks/{new_task}", data={"note": "go", "spoke_to": "Mother"}).status_code == 302
    db.session.expire_all()
    assert tasks.get_task(new_task).data == {"note": "go", "spoke_to": "Mother"}


def test_publishing_refuses_names_of_rules_effects_and_calculations_that_do_not_exist() -> None:
    xml = two_step().replace(
        b'<spiffworkflow:property name="formKey" value="test.note" />',
        b'<spiffworkflow:property name="formKey" value="test.note" />'
        b'<spiffworkflow:property name="effects" value="record_meeting(review), no_such_effect" />'
        b'<spiffworkflow:property name="calculations" value="no.such.sum" />',
        1,
    )
    form = copy.deepcopy(NOTE_FORM)
    form["components"][0]["properties"]["rules"] = "school_day, no.such.rule"
    bundle = load_bundle(fixture_forms_json("two_step", form), "two_step.json")
    problems = pathway_problems(parse_diagram(xml, "two_step.bpmn"), bundle, "two_step.bpmn")
    assert problems == [
        "forms/two_step.json: the form 'test.note', field 'note' names the rule 'no.such.rule', "
        "which does not exist",
        "two_step.bpmn: the user task 'First step' names the calculation 'no.such.sum', which does not exist",
        "two_step.bpmn: the user task 'First step': "
        "record_meeting needs a field whose meeting property is held_on",
        "two_step.bpmn: the user task 'First step' names the effect 'no_such_effect', which does not exist",
    ]


def test_every_shipped_pathway_names_only_python_that_exists(ctx) -> None:
    from app.workflow.library import get_library

    for shipped in get_library().shipped.values():
        assert pathway_problems(shipped.diagram, shipped.forms, shipped.path.name) == []


def test_an_effect_that_refuses_its_record_refuses_the_submission_and_keeps_nothing(ctx, people) -> None:
    from app.pathways.registry import EFFECTS, effect
    from app.transactions import Refusal

    if "test.refuses" not in EFFECTS:

        @effect("test.refuses")
        def refuses(_ctx) -> None:
            raise Refusal("The ledger already holds two notices for this parent")

    xml = two_step(process_id="refusing_effect").replace(
        b'<spiffworkflow:property name="formKey" value="test.note" />',
        b'<spiffworkflow:property name="formKey" value="test.note" />'
        b'<spiffworkflow:property name="effects" value="test.refuses" />',
        1,
    )
    factories.publish_test_diagram(xml)
    case = factories.bare_case(people["practitioner"])
    instances.start_process(case, "refusing_effect", {"referral_date": "2026-12-04"}, people["practitioner"])
    db.session.commit()
    task = factories.only_open_task(case)
    with pytest.raises(tasks.NotAllowed, match="already holds two notices") as refused:
        tasks.complete_task(task, {"note": "go"}, people["practitioner"])
    assert refused.value.form.note.data == "go"  # the answers come back to be shown again
    db.session.rollback()
    assert factories.only_open_task(case).id == task.id
