"""Referral to Early Help: the diagram, every path through it, and the forms of its tasks.

The paths run on the real engine boundary (app.engine) with the app's diagram helpers,
save and reload the workflow at every wait, and complete each task with the data its
form produces from a posted page, on a clock moved along with the story.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import PackageLoader, PrefixLoader
from lxml import etree
from wtforms import RadioField, SelectMultipleField

import forms
from app.engine import Engine, ParsedDiagram, ReadyTask, RunningWorkflow, parse_diagram
from app.timescales.working_days import deadline_iso
from app.workflow.helpers import diagram_helpers
from forms.referral_to_early_help import HINTS

ROOT = Path(__file__).resolve().parents[2]
BPMN_FILE = ROOT / "processes" / "referral_to_early_help.bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
LANES = {"Early Help", "Schools", "CAS", "ACE"}
FLOW_NODES = {"startEvent", "endEvent", "userTask", "exclusiveGateway"}
LONDON = ZoneInfo("Europe/London")


HELPERS = {"add_working_days": deadline_iso, "today": lambda: date.today().isoformat()}
START_DATA: dict[str, Any] = {
    "case_reference": "C0000042",
    "child_name": "Amelia Begum",
    "referral_date": "2026-03-02",  # a Monday
    "attendance_percent": 82.5,
    "has_social_worker": False,
    "looked_after": False,
    "concern_reasons": "Attendance has fallen since October half term; often late on Mondays.",
}

EARLY_HELP, SCHOOLS, CAS, ACE = "Early Help", "Schools", "CAS", "ACE"
CLOSED = "Closed: outcomes met"
SCHOOL_CLOSED = "Closed: school-led support worked"
STEPPED_UP = "Stepped up to social care"
LEGAL = "Referred for legal planning"


# -- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def xml() -> bytes:
    return BPMN_FILE.read_bytes()


@pytest.fixture(scope="module")
def root(xml: bytes) -> Any:
    return etree.fromstring(xml)


@pytest.fixture(scope="module")
def diagram(xml: bytes) -> ParsedDiagram:
    return parse_diagram(xml, BPMN_FILE.name)


@pytest.fixture(scope="module")
def registry() -> dict[str, type[forms.TaskForm]]:
    return forms.load_all()


@pytest.fixture(scope="module")
def form_app(registry: dict[str, type[forms.TaskForm]]) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    app.jinja_loader = PrefixLoader(
        {
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }
    )
    WTFormsHelpers(app)
    return app


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(datetime(2026, 3, 16, 10, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


# -- helpers ---------------------------------------------------------------------------------------
def d(day: date) -> list[str]:
    """A date as the GOV.UK date input posts it: three boxes with the same name."""
    return [str(day.day), str(day.month), str(day.year)]


def five_pm(year: int, month: int, day: int) -> datetime:
    """When a task due on that day becomes late: 17:00 London time, in UTC."""
    return datetime(year, month, day, 17, 0, tzinfo=LONDON).astimezone(UTC)


def local_name(el: Any) -> str:
    return str(etree.QName(el).localname)


def process(root: Any) -> Any:
    return root.find("bpmn:process", NS)


def flow_nodes(root: Any) -> dict[str, Any]:
    return {el.get("id"): el for el in process(root) if local_name(el) in FLOW_NODES}


def form_fields(form_app: Flask, key: str) -> dict[str, Any]:
    with form_app.app_context():
        form = forms.get_form_class(key)(meta={"csrf": False}, formdata=None)
        return {f.name: f for f in form.data_fields()}


def process_form_keys(diagram: ParsedDiagram) -> list[str]:
    return [t.form_key for t in diagram.user_tasks]


def submit(form_app: Flask, form_key: str, post: dict[str, Any]) -> dict[str, Any]:
    """Post a page to the task's form; return what the app would give the engine."""
    with form_app.test_request_context(method="POST", data=post):
        form = forms.get_form_class(form_key)()
        assert form.validate(), form.errors
        return form.to_task_data()


def errors_for(form_app: Flask, form_key: str, post: dict[str, Any]) -> dict[str, list[str]]:
    with form_app.test_request_context(method="POST", data=post):
        form = forms.get_form_class(form_key)()
        assert not form.validate()
        return dict(form.errors)


TEXT = "Recorded with the family; see the case notes for detail."

# One page each form accepts, for a clock at 16 March 2026 (a Monday).
GOOD: dict[str, dict[str, Any]] = {
    "referral.triage": {
        "existing_involvement": "none",
        "triage_decision": "seek_consent",
        "triage_reasons": "Attendance 82.5%, no open plan; mother asked the school for help.",
    },
    "referral.consent": {
        "consent": "given",
        "consent_date": d(date(2026, 3, 12)),
        "consent_given_by": "Sam Begum, mother",
        "consent_share_with": ["school", "health"],
        "consent_notes": "",
    },
    "referral.allocate": {
        "lead_practitioner_name": "Dana Lewis",
        "lead_practitioner_service": "Early Help, Riverside hub",
        "family_had_say": "yes",
        "allocation_date": d(date(2026, 3, 13)),
        "allocation_notes": "",
    },
    "referral.assessment": {
        "assessment_date": d(date(2026, 3, 16)),
        "needs_identified": ["school_attendance", "emotional_wellbeing", "bullying"],
        "other_needs": "",
        "child_voice": "I get a bad tummy on Sunday nights because of Year 6 girls.",
        "family_strengths": "Mum is committed; grandmother helps with the school run.",
        "assessment_summary": "Anxiety linked to friendship problems; mornings are the pinch point.",
    },
    "referral.taf_meeting": {
        "taf_meeting_date": d(date(2026, 3, 16)),
        "family_attended": "yes",
        "taf_attendees": "Jo Smith, Head of Year 6; Kim Lee, school nurse",
        "plan_outcomes": "Attendance above 90% by the end of the summer term.",
        "plan_actions": "School: soft start and a mentor from next week. Nurse: sleep advice by 1 April.",
        "next_review_date": d(date(2026, 4, 24)),
    },
    "referral.review": {
        "review_date": d(date(2026, 3, 16)),
        "review_attendance_percent": "91.5",
        "review_progress": "Mentor sessions are working; late marks halved.",
        "review_child_views": "School is better now I have lunch club.",
        "review_outcome": "continue",
        "next_review_date": d(date(2026, 5, 1)),
        "review_outcome_reasons": "",
    },
    "referral.advise_school": {
        "school_contact_name": "Alex Patel, attendance lead",
        "advice_given": "Hold an attendance meeting with mum and agree an attendance plan.",
        "school_support_recommended": ["attendance_meeting", "attendance_plan"],
        "safeguarding_concern": "no",
        "safeguarding_details": "",
        "school_review_date": d(date(2026, 4, 24)),
    },
    "referral.school_support": {
        "school_support_provided": ["attendance_meeting", "attendance_plan", "pastoral_support"],
        "school_support_details": TEXT,
        "family_engagement": "engaged",
        "school_attendance_percent": "93",
        "school_review_held_date": d(date(2026, 3, 16)),
        "school_outcome": "improved",
        "school_outcome_reasons": "",
    },
    "referral.cas_screening": {
        "cas_decision": "assessment",
        "decision_reasons": "Concerns about neglect at home need a child and family assessment.",
        "cas_checks_made": ["records", "police"],
        "cas_decision_date": d(date(2026, 3, 16)),
        "referrer_informed": "yes",
        "referrer_not_informed_reason": "",
    },
    "referral.ace_intake": {
        "ace_support_offered": ["attendance_meeting", "attendance_plan", "written_warning"],
        "ace_support_evidence": "Meeting 2 Feb (mum attended); plan agreed; warning letter 2 March.",
        "ace_attendance_percent": "78.5",
        "ace_unauthorised_sessions": "14",
        "ace_decision": "legal_planning",
        "ace_decision_reasons": "Support offered since January and not taken up.",
    },
}


def good(form_key: str, **changes: Any) -> dict[str, Any]:
    return {**GOOD[form_key], **changes}


class Walk:
    """One case through the process: the app's view of it, saved and reloaded at every wait."""

    def __init__(self, diagram: ParsedDiagram, form_app: Flask, clock: Any) -> None:
        self.engine = Engine(HELPERS)
        self.form_app = form_app
        self.clock = clock
        self.on(date(2026, 3, 2))
        self.diagram = diagram
        self.running: RunningWorkflow = self.engine.start(diagram, START_DATA)
        self.seen: list[str] = []
        self.reload()

    def on(self, day: date) -> None:
        self.clock.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))

    def reload(self) -> None:
        self.running = self.engine.load(self.running.dump(), self.diagram)

    def next_is(self, bpmn_id: str, lane: str, due: datetime) -> ReadyTask:
        """The one task now waiting, its team and its due time (worked out now, as the app does)."""
        ready = self.running.ready_tasks()
        assert [(t.bpmn_id, t.lane) for t in ready] == [(bpmn_id, lane)]
        task = ready[0]
        assert task.form_key.startswith("referral.")
        assert task.documentation
        assert self.running.due_at(task.id) == due
        assert not self.running.is_completed()
        return task

    def complete(self, bpmn_id: str, on: date, post: dict[str, Any]) -> dict[str, Any]:
        self.on(on)
        self.reload()
        [task] = [t for t in self.running.ready_tasks() if t.bpmn_id == bpmn_id]
        data = submit(self.form_app, task.form_key, post)
        self.running.complete_task(task.id, data)
        self.seen.append(task.id)
        self.reload()
        return data

    def ended_at(self) -> str:
        assert self.running.is_completed()
        assert self.running.ready_tasks() == []
        return self.running.end_event_name()


@pytest.fixture
def walk(diagram: ParsedDiagram, form_app: Flask, clock: Any) -> Walk:
    return Walk(diagram, form_app, clock)


def triage(walk: Walk, decision: str) -> None:
    walk.next_is("triage", EARLY_HELP, five_pm(2026, 3, 3))  # 1 working day after the referral
    walk.complete("triage", date(2026, 3, 3), good("referral.triage", triage_decision=decision))


def early_help_to_first_review(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))  # referral + 5 working days
    walk.complete(
        "seek_consent", date(2026, 3, 5), good("referral.consent", consent_date=d(date(2026, 3, 5)))
    )
    walk.next_is("allocate_lead_practitioner", EARLY_HELP, five_pm(2026, 3, 12))  # consent + 5
    walk.complete(
        "allocate_lead_practitioner",
        date(2026, 3, 10),
        good("referral.allocate", allocation_date=d(date(2026, 3, 10))),
    )
    walk.next_is("early_help_assessment", EARLY_HELP, five_pm(2026, 3, 24))  # allocation + 10
    walk.complete(
        "early_help_assessment",
        date(2026, 3, 20),
        good("referral.assessment", assessment_date=d(date(2026, 3, 20))),
    )
    # allocation + 15 working days: Tuesday 31 March, after the clocks go forward (16:00 UTC)
    walk.next_is("taf_meeting", EARLY_HELP, five_pm(2026, 3, 31))
    assert walk.running.due_at(walk.running.ready_tasks()[0].id) == datetime(2026, 3, 31, 16, tzinfo=UTC)
    walk.complete(
        "taf_meeting",
        date(2026, 3, 27),
        good(
            "referral.taf_meeting",
            taf_meeting_date=d(date(2026, 3, 27)),
            next_review_date=d(date(2026, 5, 1)),
        ),
    )


def review(walk: Walk, on: date, outcome: str, next_review: date | None = None, **changes: Any) -> None:
    post = good(
        "referral.review",
        review_date=d(on),
        review_outcome=outcome,
        next_review_date=d(next_review) if next_review else ["", "", ""],
        **changes,
    )
    walk.complete("taf_review", on, post)


def advise(walk: Walk, on: date, safeguarding: str) -> None:
    if safeguarding == "yes":
        post = good(
            "referral.advise_school",
            safeguarding_concern="yes",
            safeguarding_details="Child disclosed being left alone overnight.",
            school_support_recommended=[],
            school_review_date=["", "", ""],
        )
    else:
        post = good("referral.advise_school", school_review_date=d(date(2026, 4, 17)))
    walk.complete("advise_school", on, post)


def school_support_reviewed(walk: Walk, outcome: str) -> None:
    walk.next_is("school_led_support", SCHOOLS, five_pm(2026, 4, 17))  # the review date agreed
    reasons = "" if outcome == "improved" else "Attendance is still 71% and mum has not engaged."
    walk.complete(
        "school_led_support",
        date(2026, 4, 17),
        good(
            "referral.school_support",
            school_review_held_date=d(date(2026, 4, 17)),
            school_outcome=outcome,
            school_outcome_reasons=reasons,
        ),
    )


def cas_screens(walk: Walk, on: date, due: datetime) -> None:
    walk.next_is("screen_step_up", CAS, due)  # the referral decision: 1 working day
    walk.complete("screen_step_up", on, good("referral.cas_screening", cas_decision_date=d(on)))


def ace_accepts(walk: Walk, on: date, due: datetime) -> None:
    walk.next_is("accept_legal_planning", ACE, due)
    walk.complete("accept_legal_planning", on, good("referral.ace_intake"))


# -- (a) the diagram --------------------------------------------------------------------------------
def test_the_file_holds_one_executable_process_that_parses(diagram: ParsedDiagram, root: Any) -> None:
    assert (diagram.process_id, diagram.name) == ("referral_to_early_help", "Referral to Early Help")
    assert root.nsmap["spiffworkflow"] == NS["spiffworkflow"]
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == ["referral_to_early_help"]


def test_every_node_in_the_file_is_reachable(diagram: ParsedDiagram, root: Any) -> None:
    # SpiffWorkflow silently drops nodes no flow reaches, so compare the file with the parse.
    nodes = flow_nodes(root)
    parsed = {spec.bpmn_id for spec in diagram.spec.task_specs.values() if getattr(spec, "bpmn_id", None)}
    assert set(nodes) == parsed
    user_tasks = {i for i, el in nodes.items() if local_name(el) == "userTask"}
    assert {t.bpmn_id for t in diagram.user_tasks} == user_tasks
    assert len(user_tasks) == 10


def test_every_user_task_names_a_registered_form_and_a_due_date(
    diagram: ParsedDiagram, registry: dict[str, type[forms.TaskForm]]
) -> None:
    for task in diagram.user_tasks:
        assert task.form_key in registry, task.bpmn_id
        assert task.due_expression, task.bpmn_id
    assert len(set(process_form_keys(diagram))) == len(diagram.user_tasks)


def test_lanes_are_the_four_team_queues_and_hold_every_node(diagram: ParsedDiagram, root: Any) -> None:
    assert set(diagram.lanes) == LANES
    lanes = process(root).findall("bpmn:laneSet/bpmn:lane", NS)
    assert {lane.get("name") for lane in lanes} == LANES
    refs = [ref.text for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(flow_nodes(root))  # each node in exactly one lane


def test_every_user_task_says_what_good_looks_like(diagram: ParsedDiagram) -> None:
    for task in diagram.user_tasks:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", task.documentation) if s]
        assert 2 <= len(sentences) <= 4, (task.bpmn_id, len(sentences))
        assert task.name[0].isupper() and not task.name.endswith(".")


def test_every_end_event_is_named_as_an_outcome(root: Any) -> None:
    names = {el.get("name") for el in flow_nodes(root).values() if local_name(el) == "endEvent"}
    assert names == {CLOSED, SCHOOL_CLOSED, STEPPED_UP, LEGAL}


def test_every_exclusive_gateway_has_a_default_and_conditions_on_its_other_flows(root: Any) -> None:
    flows = {f.get("id"): f for f in process(root).findall("bpmn:sequenceFlow", NS)}
    gateways = [el for el in flow_nodes(root).values() if local_name(el) == "exclusiveGateway"]
    assert len(gateways) == 9  # 5 decisions and 4 joins
    for gateway in gateways:
        outgoing = [flows[o.text] for o in gateway.findall("bpmn:outgoing", NS)]
        default = gateway.get("default")
        assert default in {f.get("id") for f in outgoing}, gateway.get("id")
        for f in outgoing:
            has_condition = f.find("bpmn:conditionExpression", NS) is not None
            assert has_condition == (f.get("id") != default), f.get("id")


def test_the_only_loop_is_the_review_standard_loop(root: Any) -> None:
    # Loops built from gateways stall the engine after ~333 rounds, so the flow graph must be acyclic.
    edges: dict[str, list[str]] = {}
    for f in process(root).findall("bpmn:sequenceFlow", NS):
        edges.setdefault(f.get("sourceRef"), []).append(f.get("targetRef"))
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in edges.get(node, []):
            assert state.get(nxt) != 1, f"a sequence-flow cycle through {nxt}"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    visit("start_referral")
    loops = process(root).findall(".//bpmn:standardLoopCharacteristics", NS)
    assert [loop.getparent().get("id") for loop in loops] == ["taf_review"]
    # testBefore would evaluate the condition before the first review, when review_outcome does not exist
    assert loops[0].get("testBefore", "false") == "false"
    assert loops[0].findtext("bpmn:loopCondition", namespaces=NS) == "review_outcome == 'continue'"


def test_expressions_read_only_start_data_form_fields_and_helpers(
    diagram: ParsedDiagram, root: Any, form_app: Flask
) -> None:
    fields: dict[str, Any] = {}
    for key in process_form_keys(diagram):
        fields.update(form_fields(form_app, key))
    assert set(HELPERS) <= set(diagram_helpers())  # the helpers the app really gives diagrams
    known = set(fields) | set(START_DATA) | set(HELPERS)
    conditions = [c.text for c in process(root).iter(f"{{{NS['bpmn']}}}conditionExpression")]
    conditions += [c.text for c in process(root).iter(f"{{{NS['bpmn']}}}loopCondition")]
    expressions = conditions + [t.due_expression for t in diagram.user_tasks]
    for expression in expressions:
        tree = ast.parse(expression, mode="eval")
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert names <= known, (expression, names - known)
    for condition in conditions:  # every `field == 'value'` compares a radio with one of its choices
        compare = ast.parse(condition, mode="eval").body
        assert isinstance(compare, ast.Compare) and isinstance(compare.ops[0], ast.Eq)
        name, value = compare.left.id, compare.comparators[0].value  # type: ignore[attr-defined]
        assert isinstance(fields[name], RadioField)
        assert value in {str(c.value) for c in fields[name].choices}, condition


def test_form_fields_are_safe_task_data_keys(diagram: ParsedDiagram, form_app: Flask) -> None:
    list_fields: list[str] = []
    owner: dict[str, str] = {}
    for key in process_form_keys(diagram):
        for name, field in form_fields(form_app, key).items():
            assert name != "typename"  # SpiffWorkflow cannot load data holding this key
            assert name not in HELPERS and name not in START_DATA
            if name in owner:  # only the review date is shared, on purpose (it drives the review's due date)
                assert name == "next_review_date", (name, owner[name], key)
            owner[name] = key
            if isinstance(field, SelectMultipleField):
                list_fields.append(name)
    assert set(HINTS) <= set(owner)  # every hint belongs to a field
    # SpiffWorkflow merges lists element by element: a list key must never be written twice.
    assert len(list_fields) == len(set(list_fields))
    assert not any(
        isinstance(f, SelectMultipleField) for f in form_fields(form_app, "referral.review").values()
    )


def test_the_diagram_is_drawn_with_a_pool_lanes_shapes_and_edges(root: Any) -> None:
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    shapes = {
        s.get("bpmnElement"): [float(s.find("dc:Bounds", NS).get(k)) for k in ("x", "y", "width", "height")]
        for s in plane.findall("bpmndi:BPMNShape", NS)
    }
    edges = {
        e.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in e.findall("di:waypoint", NS)]
        for e in plane.findall("bpmndi:BPMNEdge", NS)
    }
    lanes = process(root).findall("bpmn:laneSet/bpmn:lane", NS)
    assert root.find("bpmn:collaboration/bpmn:participant", NS).get("id") in shapes
    assert {lane.get("id") for lane in lanes} <= set(shapes)
    assert set(flow_nodes(root)) <= set(shapes)

    def inside(point: tuple[float, float], box: list[float], slack: float = 1.0) -> bool:
        x, y, w, h = box
        return x - slack <= point[0] <= x + w + slack and y - slack <= point[1] <= y + h + slack

    for f in process(root).findall("bpmn:sequenceFlow", NS):
        points = edges[f.get("id")]
        assert len(points) >= 2
        assert inside(points[0], shapes[f.get("sourceRef")]), f.get("id")
        assert inside(points[-1], shapes[f.get("targetRef")]), f.get("id")
        for (x1, y1), (x2, y2) in pairwise(points):
            assert x1 == x2 or y1 == y2, f"{f.get('id')} has a diagonal segment"
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            x, y, w, h = shapes[ref.text]
            assert inside((x, y), shapes[lane.get("id")], 0) and inside(
                (x + w, y + h), shapes[lane.get("id")], 0
            )
    # left to right: every task starts right of the start event
    start_x = shapes["start_referral"][0]
    assert all(shapes[i][0] > start_x for i in flow_nodes(root) if i != "start_referral")


# -- (b) every path ---------------------------------------------------------------------------------
def test_triage_can_step_up_to_cas_at_once(walk: Walk) -> None:
    triage(walk, "step_up")
    cas_screens(walk, date(2026, 3, 4), five_pm(2026, 3, 4))
    assert walk.ended_at() == STEPPED_UP
    assert walk.running.data["cas_decision"] == "assessment"


def test_a_safeguarding_concern_found_while_advising_the_school_goes_to_cas(walk: Walk) -> None:
    triage(walk, "school_support")
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 10))  # 5 working days from triage
    advise(walk, date(2026, 3, 6), safeguarding="yes")
    cas_screens(walk, date(2026, 3, 9), five_pm(2026, 3, 9))  # Friday's concern: due Monday
    assert walk.ended_at() == STEPPED_UP


@pytest.mark.parametrize(
    ("outcome", "then"),
    [("improved", None), ("safeguarding_concern", CAS), ("not_improving", ACE)],
)
def test_school_led_support_closes_steps_up_or_goes_to_ace(
    walk: Walk, outcome: str, then: str | None
) -> None:
    triage(walk, "school_support")
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 10))
    advise(walk, date(2026, 3, 6), safeguarding="no")
    school_support_reviewed(walk, outcome)
    if then is None:
        assert walk.ended_at() == SCHOOL_CLOSED
    elif then == CAS:
        cas_screens(walk, date(2026, 4, 20), five_pm(2026, 4, 20))  # Friday's concern: due Monday
        assert walk.ended_at() == STEPPED_UP
    else:
        ace_accepts(walk, date(2026, 4, 22), five_pm(2026, 5, 1))  # 10 working days
        assert walk.ended_at() == LEGAL
    assert walk.running.data["school_outcome"] == outcome


def test_when_the_family_refuses_consent_the_school_is_advised(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))
    walk.complete(
        "seek_consent",
        date(2026, 3, 5),
        good(
            "referral.consent",
            consent="refused",
            consent_date=["", "", ""],
            consent_given_by="",
            consent_share_with=[],
            consent_notes="Mum said she does not want services involved.",
        ),
    )
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 12))  # 5 working days from the refusal
    advise(walk, date(2026, 3, 6), safeguarding="no")
    school_support_reviewed(walk, "improved")
    assert walk.ended_at() == SCHOOL_CLOSED
    assert walk.running.data["consent"] == "refused"


def test_when_the_family_does_not_respond_the_school_is_advised(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))
    walk.complete(
        "seek_consent",
        date(2026, 3, 9),
        good(
            "referral.consent",
            consent="no_response",
            consent_date=["", "", ""],
            consent_given_by="",
            consent_share_with=[],
            consent_notes="Two calls, a text and a letter; no reply.",
        ),
    )
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 16))
    advise(walk, date(2026, 3, 13), safeguarding="yes")
    cas_screens(walk, date(2026, 3, 16), five_pm(2026, 3, 16))
    assert walk.ended_at() == STEPPED_UP


def test_early_help_reviews_repeat_until_the_outcomes_are_met(walk: Walk) -> None:
    early_help_to_first_review(walk)
    reviews = [
        (date(2026, 5, 1), date(2026, 6, 12)),
        (date(2026, 6, 12), date(2026, 7, 24)),
        (date(2026, 7, 24), date(2026, 9, 4)),
    ]
    due = five_pm(2026, 5, 1)  # the first review date agreed at the TAF meeting
    for on, next_review in reviews:
        task = walk.next_is("taf_review", EARLY_HELP, due)
        if on == reviews[0][0]:  # the loop must not read the outcome before the first review
            assert "review_outcome" not in walk.running.task_data(task.id)
        review(walk, on, "continue", next_review)
        due = five_pm(next_review.year, next_review.month, next_review.day)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 9, 4))
    review(walk, date(2026, 9, 4), "close_improved")
    assert walk.ended_at() == CLOSED
    # each review is a task of its own for the worklist
    review_ids = walk.seen[-4:]
    assert len(set(review_ids)) == 4
    data = walk.running.data
    assert (data["review_outcome"], data["consent"], data["case_reference"]) == (
        "close_improved",
        "given",
        "C0000042",
    )


def test_a_review_can_step_up_to_cas(walk: Walk) -> None:
    early_help_to_first_review(walk)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 5, 1))
    review(walk, date(2026, 5, 1), "continue", date(2026, 6, 12))
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 6, 12))
    review(walk, date(2026, 6, 12), "step_up", review_outcome_reasons="Bruising seen by the school nurse.")
    cas_screens(walk, date(2026, 6, 15), five_pm(2026, 6, 15))
    assert walk.ended_at() == STEPPED_UP


def test_a_review_can_refer_for_legal_planning(walk: Walk) -> None:
    early_help_to_first_review(walk)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 5, 1))
    review(walk, date(2026, 5, 1), "refer_legal", review_outcome_reasons="Plan not followed for 6 weeks.")
    # 10 working days from Friday 1 May: Monday 4 May is a bank holiday, so Monday 18 May
    ace_accepts(walk, date(2026, 5, 6), five_pm(2026, 5, 18))
    assert walk.ended_at() == LEGAL


def test_cas_screening_due_skips_the_bank_holiday(walk: Walk) -> None:
    early_help_to_first_review(walk)
    review(walk, date(2026, 5, 1), "step_up", review_outcome_reasons="Risk has increased.")
    walk.next_is(
        "screen_step_up", CAS, five_pm(2026, 5, 5)
    )  # Friday 1 May + 1 working day (4 May is a holiday)


def test_reviews_can_go_on_past_the_point_where_a_gateway_loop_would_stall(diagram: ParsedDiagram) -> None:
    engine = Engine(HELPERS)
    running = engine.start(diagram, START_DATA)
    steps = [
        ("triage", {"triage_decision": "seek_consent"}),
        ("seek_consent", {"consent": "given", "consent_date": "2026-03-05"}),
        ("allocate_lead_practitioner", {"allocation_date": "2026-03-10"}),
        ("early_help_assessment", {"assessment_date": "2026-03-20"}),
        ("taf_meeting", {"taf_meeting_date": "2026-03-27", "next_review_date": "2026-05-01"}),
    ]
    steps += [("taf_review", {"review_outcome": "continue", "next_review_date": "2026-06-12"})] * 400
    steps += [("taf_review", {"review_outcome": "close_improved", "next_review_date": None})]
    for bpmn_id, data in steps:
        [task] = running.ready_tasks()
        assert task.bpmn_id == bpmn_id
        running.complete_task(task.id, data)
    running = engine.load(running.dump(), diagram)
    assert running.end_event_name() == CLOSED


# -- (c) the forms ----------------------------------------------------------------------------------
@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("form_key", sorted(GOOD))
def test_each_form_accepts_a_good_page_and_renders(form_app: Flask, form_key: str) -> None:
    data = submit(form_app, form_key, GOOD[form_key])
    assert set(data) == set(GOOD[form_key])
    with form_app.test_request_context():
        form = forms.get_form_class(form_key)(formdata=None)
        assert "govuk-" in "".join(str(field()) for field in form.data_fields())
    with form_app.test_request_context(method="POST", data={}):
        form = forms.get_form_class(form_key)()
        assert not form.validate()
        html = "".join(str(field()) for field in form.data_fields())
        assert "govuk-error-message" in html


@pytest.mark.usefixtures("clock")
def test_forms_give_the_engine_plain_values(form_app: Flask) -> None:
    consent = submit(form_app, "referral.consent", GOOD["referral.consent"])
    assert consent["consent_date"] == "2026-03-12"
    assert consent["consent_share_with"] == ["school", "health"]
    ace = submit(
        form_app, "referral.ace_intake", good("referral.ace_intake", ace_attendance_percent=" 78.5 ")
    )
    assert (ace["ace_attendance_percent"], ace["ace_unauthorised_sessions"]) == (78.5, 14)
    # the JSON API posts a date as one value, "D M YYYY"
    taf = submit(form_app, "referral.taf_meeting", good("referral.taf_meeting", taf_meeting_date="16 3 2026"))
    assert taf["taf_meeting_date"] == "2026-03-16"
    assert taf["next_review_date"] == "2026-04-24"


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("form_key", "changes"),
    [
        (
            "referral.consent",
            {
                "consent": "refused",
                "consent_date": ["", "", ""],
                "consent_given_by": "",
                "consent_share_with": [],
                "consent_notes": "Dad said no on the phone on 12 March.",
            },
        ),
        ("referral.allocate", {"family_had_say": "no", "allocation_notes": "Family asked us to choose."}),
        ("referral.assessment", {"needs_identified": ["other"], "other_needs": "Caring for a grandparent"}),
        (
            "referral.review",
            {
                "review_outcome": "close_improved",
                "next_review_date": ["", "", ""],
                "review_attendance_percent": "96",
            },
        ),
        (
            "referral.advise_school",
            {
                "safeguarding_concern": "yes",
                "safeguarding_details": "Disclosure to a teaching assistant.",
                "school_support_recommended": [],
                "school_review_date": ["", "", ""],
            },
        ),
        ("referral.school_support", {"school_outcome": "not_improving", "school_outcome_reasons": TEXT}),
        (
            "referral.cas_screening",
            {"referrer_informed": "no", "referrer_not_informed_reason": "Out of office"},
        ),
        ("referral.ace_intake", {"ace_decision": "more_support_first", "ace_unauthorised_sessions": "0"}),
    ],
)
def test_each_form_accepts_its_other_good_answers(
    form_app: Flask, form_key: str, changes: dict[str, Any]
) -> None:
    submit(form_app, form_key, good(form_key, **changes))


FUTURE = d(date(2026, 3, 17))  # the clock is at 16 March 2026

BAD = [
    ("referral.triage", {"triage_decision": ""}, "triage_decision", "Select what should happen next"),
    ("referral.triage", {"triage_decision": "maybe"}, "triage_decision", "Select what should happen next"),
    (
        "referral.triage",
        {"existing_involvement": ""},
        "existing_involvement",
        "Select whether anyone is already working with the family",
    ),
    ("referral.triage", {"triage_reasons": "   "}, "triage_reasons", "Enter the reasons for your decision"),
    ("referral.consent", {"consent": ""}, "consent", "Select whether the family gave consent"),
    ("referral.consent", {"consent_date": ["", "", ""]}, "consent_date", "Enter the date consent was given"),
    (
        "referral.consent",
        {"consent_date": FUTURE},
        "consent_date",
        "Date consent was given must be today or in the past",
    ),
    (
        "referral.consent",
        {"consent_date": ["31", "2", "2026"]},
        "consent_date",
        "Date consent was given must be a real date",
    ),
    (
        "referral.consent",
        {"consent_date": ["5", "", "2026"]},
        "consent_date",
        "Date consent was given must include a month",
    ),
    (
        "referral.consent",
        {"consent_date": ["", "", "2026"]},
        "consent_date",
        "Date consent was given must include a day and month",
    ),
    ("referral.consent", {"consent_date": ["5", "3", "26"]}, "consent_date", "Year must include 4 numbers"),
    (
        "referral.consent",
        {"consent_date": ["5th", "3", "2026"]},
        "consent_date",
        "Date consent was given must be a real date",
    ),
    ("referral.consent", {"consent_given_by": ""}, "consent_given_by", "Enter who gave consent"),
    (
        "referral.consent",
        {"consent_share_with": []},
        "consent_share_with",
        "Select who can see the record",
    ),
    (
        "referral.consent",
        {"consent": "no_response", "consent_notes": ""},
        "consent_notes",
        "Enter how you tried to contact the family",
    ),
    (
        "referral.allocate",
        {"lead_practitioner_name": ""},
        "lead_practitioner_name",
        "Enter the lead practitioner's name",
    ),
    (
        "referral.allocate",
        {"lead_practitioner_name": "x" * 201},
        "lead_practitioner_name",
        "Lead practitioner's name must be 200 characters or less",
    ),
    (
        "referral.allocate",
        {"family_had_say": "no"},
        "allocation_notes",
        "Enter why the family did not have a say",
    ),
    (
        "referral.allocate",
        {"allocation_date": ["", "", ""]},
        "allocation_date",
        "Enter the date of allocation",
    ),
    (
        "referral.assessment",
        {"needs_identified": []},
        "needs_identified",
        "Select the needs it identified",
    ),
    (
        "referral.assessment",
        {"needs_identified": ["housing", "other"]},
        "other_needs",
        "Enter the other needs",
    ),
    ("referral.assessment", {"child_voice": ""}, "child_voice", "Enter what the child says"),
    (
        "referral.assessment",
        {"assessment_date": FUTURE},
        "assessment_date",
        "Date of the assessment must be today or in the past",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": d(date(2026, 4, 28))},
        "next_review_date",
        "Date of the first review must be no more than 6 weeks after the meeting",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": d(date(2026, 3, 16))},
        "next_review_date",
        "Date of the first review must be after the meeting",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": ["", "", ""]},
        "next_review_date",
        "Enter the date of the first review",
    ),
    (
        "referral.taf_meeting",
        {"family_attended": ""},
        "family_attended",
        "Select whether the family attended",
    ),
    ("referral.review", {"review_outcome": ""}, "review_outcome", "Select the outcome of the review"),
    (
        "referral.review",
        {"next_review_date": ["", "", ""]},
        "next_review_date",
        "Enter the date of the next review",
    ),
    (
        "referral.review",
        {"next_review_date": d(date(2026, 6, 17))},
        "next_review_date",
        "Date of the next review must be no more than 3 months after the review",
    ),
    (
        "referral.review",
        {"next_review_date": d(date(2026, 3, 16))},
        "next_review_date",
        "Date of the next review must be after the review",
    ),
    (
        "referral.review",
        {"review_attendance_percent": ""},
        "review_attendance_percent",
        "Enter the attendance since the last review",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "ninety"},
        "review_attendance_percent",
        "Attendance since the last review must be a number, like 85.5",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "120"},
        "review_attendance_percent",
        "Attendance since the last review must be between 0 and 100",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "nan"},
        "review_attendance_percent",
        "Attendance since the last review must be between 0 and 100",
    ),
    (
        "referral.review",
        {"review_outcome": "step_up"},
        "review_outcome_reasons",
        "Enter why the family is being stepped up to CAS",
    ),
    (
        "referral.review",
        {"review_outcome": "refer_legal"},
        "review_outcome_reasons",
        "Enter why the family is being referred for legal planning",
    ),
    (
        "referral.advise_school",
        {"safeguarding_concern": ""},
        "safeguarding_concern",
        "Select yes if there is a safeguarding concern",
    ),
    (
        "referral.advise_school",
        {"safeguarding_concern": "yes"},
        "safeguarding_details",
        "Enter details of the safeguarding concern",
    ),
    (
        "referral.advise_school",
        {"school_review_date": ["", "", ""]},
        "school_review_date",
        "Enter the date the school will review progress",
    ),
    (
        "referral.advise_school",
        {"school_review_date": d(date(2026, 3, 13))},
        "school_review_date",
        "Date the school will review progress must be today or in the future",
    ),
    (
        "referral.advise_school",
        {"school_support_recommended": []},
        "school_support_recommended",
        "Select the support you recommended",
    ),
    (
        "referral.school_support",
        {"school_support_provided": []},
        "school_support_provided",
        "Select the support the school provided",
    ),
    (
        "referral.school_support",
        {"school_outcome": "not_improving"},
        "school_outcome_reasons",
        "Enter why the support has not worked",
    ),
    (
        "referral.school_support",
        {"school_outcome": "safeguarding_concern"},
        "school_outcome_reasons",
        "Enter details of the safeguarding concern",
    ),
    (
        "referral.school_support",
        {"school_attendance_percent": "-1"},
        "school_attendance_percent",
        "Attendance now must be between 0 and 100",
    ),
    ("referral.cas_screening", {"cas_decision": ""}, "cas_decision", "Select the referral decision"),
    (
        "referral.cas_screening",
        {"decision_reasons": ""},
        "decision_reasons",
        "Enter the reasons for the decision",
    ),
    (
        "referral.cas_screening",
        {"referrer_informed": "no"},
        "referrer_not_informed_reason",
        "Enter why you have not told the referrer",
    ),
    (
        "referral.ace_intake",
        {"ace_support_offered": []},
        "ace_support_offered",
        "Select the support the family has been offered",
    ),
    (
        "referral.ace_intake",
        {"ace_support_offered": ["written_warning"]},
        "ace_decision",
        "Legal planning needs support to have been offered first: select ask for more support first",
    ),
    (
        "referral.ace_intake",
        {"ace_unauthorised_sessions": "-3"},
        "ace_unauthorised_sessions",
        "Unauthorised absences must be 0 or more",
    ),
    (
        "referral.ace_intake",
        {"ace_unauthorised_sessions": "2.5"},
        "ace_unauthorised_sessions",
        "Unauthorised absences must be a whole number, like 12",
    ),
    (
        "referral.ace_intake",
        {"ace_unauthorised_sessions": ""},
        "ace_unauthorised_sessions",
        "Enter the number of unauthorised absences",
    ),
    (
        "referral.ace_intake",
        {"ace_decision": ""},
        "ace_decision",
        "Select whether to start legal planning",
    ),
]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(("form_key", "changes", "field", "message"), BAD)
def test_each_form_rejects_bad_answers_with_a_clear_message(
    form_app: Flask, form_key: str, changes: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_for(form_app, form_key, good(form_key, **changes))
    assert errors == {field: [message]}


@pytest.mark.usefixtures("clock")
def test_an_empty_page_gets_one_message_per_required_answer(form_app: Flask) -> None:
    errors = errors_for(form_app, "referral.consent", {})
    assert errors == {"consent": ["Select whether the family gave consent"]}
    errors = errors_for(form_app, "referral.review", {})
    assert errors["review_outcome"] == ["Select the outcome of the review"]
    assert errors["review_date"] == ["Enter the date of the review"]
    assert all(len(messages) == 1 for messages in errors.values())


def test_due_dates_use_the_same_calendar_as_the_app() -> None:
    # five_pm() above is what deadline_iso() means by "due": 17:00 London on a working day.
    assert datetime.fromisoformat(deadline_iso("2026-03-02", 1)) == five_pm(2026, 3, 3)
    assert datetime.fromisoformat(deadline_iso("2026-05-01", 1)) == five_pm(2026, 5, 5)
    assert five_pm(2026, 6, 1) - five_pm(2026, 3, 2) == timedelta(days=91, hours=-1)
