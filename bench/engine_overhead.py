"""How much the app adds on top of the bare workflow engine, per case lifecycle.

One lifecycle is Referral to Early Help (processes/referral_to_early_help.bpmn) along the
path that visits the most tasks:

    refer -> triage (seek_consent) -> seek consent (given) -> allocate -> assessment
          -> TAF meeting -> review 'continue' -> review 'close_improved' -> end

It is run two ways, N times each, alternating, several repeats:

  BARE  SpiffWorkflow alone, set up as its documentation shows (stock serializer, default
        script environment): start, then at every wait state serialize_json and
        deserialize_json (a save and a load per request), complete the ready task.
  APP   the service layer on a real database, one app context and one transaction per
        request, as the web app does: refer_child() + commit, then per task: load the user,
        find the open HumanTask row with a query, app.tasks.services.complete_task() + commit.

Usage (from the repository root):

    .venv/bin/python -m bench.engine_overhead              # N=200, temp SQLite file
    .venv/bin/python -m bench.engine_overhead --quick      # N=30, 3 repeats
    .venv/bin/python -m bench.engine_overhead --database-url postgresql+psycopg:///scratch
    .venv/bin/python -m bench.engine_overhead --n 50 --profile 50   # + cProfile of the app path

Figures are medians over repeats of wall-clock time (time.perf_counter) per lifecycle.
The issue's target: the app within 2.5 times the bare engine.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import io
import json
import logging
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/engine_overhead.py`
    sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState as SpiffState  # noqa: E402
from sqlalchemy import event, make_url, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import passwords  # noqa: E402
from app.cases.services import Referral, refer_child  # noqa: E402
from app.config import Settings  # noqa: E402
from app.demo import _ensure_people  # noqa: E402
from app.engine import Engine, ParsedDiagram, RunningWorkflow, parse_diagram  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import HumanTask, InstanceStatus, ProcessInstance, TaskState  # noqa: E402
from app.tasks.services import complete_task  # noqa: E402
from app.web import load_user  # noqa: E402
from app.workflow.helpers import diagram_helpers  # noqa: E402
from app.workflow.library import publish_shipped  # noqa: E402

PROCESS_ID = "referral_to_early_help"
BPMN_FILE = ROOT / "processes" / "referral_to_early_help.bpmn"
END_EVENT = "Closed: outcomes met"
TARGET_RATIO = 2.5
REFERRER_EMAIL = "school@example.org"  # Schools: refers the child
WORKER_EMAIL = "practitioner@example.org"  # Early Help: works every task on the path

TODAY = date.today()
REFERRAL_DATE = TODAY - timedelta(days=1)
START_LABEL = "start (refer child)"


def _iso(days_from_today: int) -> str:
    return (TODAY + timedelta(days=days_from_today)).isoformat()


# What each task's form hands to complete_task(): TaskForm.to_task_data() gives every field
# of forms/referral_to_early_help.py, converted to plain values (dates as ISO strings, an
# empty date as None, checkboxes as lists). The gateway variables steer the path.
# check_form_fields() makes sure the keys still match the forms.
TRIAGE = {
    "existing_involvement": "none",
    "triage_decision": "seek_consent",
    "triage_reasons": "Attendance 84.5% this term, mostly Mondays. No social worker and no open plan. "
    "The family would benefit from coordinated support, so offer consent-based Early Help.",
}
CONSENT = {
    "consent": "given",
    "consent_date": _iso(0),
    "consent_given_by": "Rehana Begum, mother",
    "consent_share_with": ["school", "health"],
    "consent_notes": "",
}
ALLOCATE = {
    "lead_practitioner_name": "Dana Lewis",
    "lead_practitioner_service": "early_help",
    "family_had_say": "yes",
    "allocation_date": _iso(0),
    "allocation_notes": "Dana already knows the family from the sibling's primary school.",
}
ASSESSMENT = {
    "assessment_date": _iso(0),
    "needs_identified": ["school_attendance", "emotional_wellbeing", "parenting"],
    "other_needs": "",
    "child_voice": "Mondays are hard after weekends at dad's; worried about a friendship group.",
    "family_strengths": "Warm relationships, mum keen to engage, grandparents nearby.",
    "assessment_summary": "Emotionally based school avoidance on Mondays and a chaotic morning routine "
    "with the younger sibling's drop-off. Family wants a calmer start to the week.",
}
TAF_MEETING = {
    "taf_meeting_date": _iso(0),
    "family_attended": "yes",
    "taf_attendees": "Class teacher, school nurse, Dana Lewis (lead practitioner)",
    "plan_outcomes": "Attendance above 92% by the end of term; no missed Mondays for 4 weeks running.",
    "plan_actions": "School: phased Monday start and breakfast club from next week. Nurse: weekly "
    "check-in. Dana: morning-routine support at home, fortnightly.",
    "next_review_date": _iso(42),
}
REVIEW_CONTINUE = {
    "review_date": _iso(0),
    "review_attendance_percent": 89.5,
    "review_progress": "Mondays improving; breakfast club is working. Keep the plan for another cycle.",
    "review_child_views": "Likes breakfast club; still nervous on Monday mornings.",
    "review_outcome": "continue",
    "next_review_date": _iso(42),
    "review_outcome_reasons": "",
}
REVIEW_CLOSE = {
    "review_date": _iso(0),
    "review_attendance_percent": 95.0,
    "review_progress": "Attendance back above 95%. Family and school agree the outcomes are met.",
    "review_child_views": "Happy to come in on Mondays now.",
    "review_outcome": "close_improved",
    "next_review_date": None,
    "review_outcome_reasons": "",
}

# (label, bpmn id of the task that must be open, form data)
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("triage", "triage", TRIAGE),
    ("seek_consent", "seek_consent", CONSENT),
    ("allocate_lead_practitioner", "allocate_lead_practitioner", ALLOCATE),
    ("early_help_assessment", "early_help_assessment", ASSESSMENT),
    ("taf_meeting", "taf_meeting", TAF_MEETING),
    ("taf_review (continue)", "taf_review", REVIEW_CONTINUE),
    ("taf_review (close_improved)", "taf_review", REVIEW_CLOSE),
]
LABELS = [START_LABEL, *(label for label, _, _ in STEPS)]
REQUESTS_PER_LIFECYCLE = len(LABELS)


def make_referral() -> Referral:
    return Referral(
        first_name="Amelia",
        last_name="Begum",
        date_of_birth=date(2015, 3, 27),
        school="Riverside Primary School",
        year_group="Year 5",
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=False,
        social_worker_name="",
        attendance_percent=Decimal("84.5"),
        sessions_possible=120,
        unauthorised_sessions=12,
        concern_reasons="Attendance has fallen since October half term; most absences are Mondays.",
        referrer_name="Sam Taylor",
        referrer_role="Attendance officer",
        referrer_organisation="Riverside Primary School",
        referral_date=REFERRAL_DATE,
    )


def bare_start_data() -> dict[str, Any]:
    """The same start data app.cases.services.referral_start_data() gives the process."""
    r = make_referral()
    return {
        "case_reference": "C0000001",
        "child_name": f"{r.first_name} {r.last_name}",
        "referral_date": r.referral_date.isoformat(),
        "attendance_percent": float(r.attendance_percent),
        "has_social_worker": r.has_social_worker,
        "looked_after": r.looked_after,
        "concern_reasons": r.concern_reasons,
    }


class BenchError(RuntimeError):
    """The lifecycle did not go the way the bench expects (wrong task open, wrong end)."""


# -- measuring ---------------------------------------------------------------------------------


class Probe:
    """Instrumentation for the breakdown pass.

    Wraps engine calls, SQLAlchemy's query execution, flush and commit, Flask's app context
    and the DBAPI cursor, and books each call's exclusive time (minus the wrapped calls
    nested in it) to its label, so the labels add up to no more than the wall time.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.sql_calls = 0
        self._stack: list[float] = []  # time spent in nested wrapped calls, per open call
        self._sql_started: list[float] = []
        self._restore: list[tuple[Any, str, Any]] = []
        self._engine: Any = None

    def _enter(self) -> float:
        self._stack.append(0.0)
        return time.perf_counter()

    def _leave(self, label: str, t0: float) -> None:
        elapsed = time.perf_counter() - t0
        nested = self._stack.pop()
        self.seconds[label] += elapsed - nested
        self.calls[label] += 1
        if self._stack:
            self._stack[-1] += elapsed

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        probe = self

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = probe._enter()
            try:
                return original(*args, **kwargs)
            finally:
                probe._leave(label, t0)

        setattr(owner, name, timed)
        self._restore.append((owner, name, original))

    def _before_sql(self, *_: Any) -> None:
        self._sql_started.append(self._enter())

    def _after_sql(self, *_: Any) -> None:
        self._leave(SQL_LABEL, self._sql_started.pop())
        self.sql_calls += 1

    def install(self, sql_engine: Any) -> None:
        from flask.ctx import AppContext

        for owner, name, label in ENGINE_CALLS:
            self.wrap(owner, name, label)
        self.wrap(Session, "_execute_internal", ORM_QUERY_LABEL)
        self.wrap(Session, "_flush", ORM_FLUSH_LABEL)
        self.wrap(Session, "commit", COMMIT_LABEL)
        self.wrap(AppContext, "push", CONTEXT_LABEL)
        self.wrap(AppContext, "pop", CONTEXT_LABEL)
        self._engine = sql_engine
        event.listen(sql_engine, "before_cursor_execute", self._before_sql)
        event.listen(sql_engine, "after_cursor_execute", self._after_sql)

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore.clear()
        if self._engine is not None:
            event.remove(self._engine, "before_cursor_execute", self._before_sql)
            event.remove(self._engine, "after_cursor_execute", self._after_sql)
            self._engine = None


ENGINE_CALLS = [
    (Engine, "start", "engine: start (run to first wait)"),
    (Engine, "load", "engine: load (gunzip + deserialize)"),
    (RunningWorkflow, "complete_task", "engine: complete_task (run to next wait)"),
    (RunningWorkflow, "dump", "engine: dump (serialize + gzip)"),
    (RunningWorkflow, "ready_tasks", "engine: ready_tasks (projection)"),
    (RunningWorkflow, "due_at", "engine: due_at (projection)"),
    (RunningWorkflow, "next_timer_due", "engine: next_timer_due"),
    (RunningWorkflow, "end_event_name", "engine: end_event_name"),
]
SQL_LABEL = "db: SQL statements (DBAPI cursor.execute)"
COMMIT_LABEL = "db: COMMIT (DBAPI commit, expire)"
ORM_QUERY_LABEL = "orm: queries (compile, load rows; not SQL)"
ORM_FLUSH_LABEL = "orm: flush (unit of work; not SQL)"
CONTEXT_LABEL = "flask: app context push/pop (+session close)"


@dataclass
class StepClock:
    """Wall time of each request of a lifecycle (and its SQL statements, with a probe)."""

    probe: Probe | None = None
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statements: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        n0 = self.probe.sql_calls if self.probe else 0
        t0 = time.perf_counter()
        yield
        self.times[label].append(time.perf_counter() - t0)
        if self.probe:
            self.statements[label].append(self.probe.sql_calls - n0)


# -- the two lifecycles -------------------------------------------------------------------------


class BareEngine:
    """SpiffWorkflow as its documentation sets it up: the Spiff parser's spec, the stock
    serializer (spec included, as a bare host stores it), the default script environment
    with the same diagram helpers. Nothing of the app's engine package is used."""

    def __init__(self, diagram: ParsedDiagram) -> None:
        self.spec, self.subprocess_specs = diagram.spec, diagram.subprocess_specs
        registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
        registry.register(date, lambda d: {"value": d.isoformat()}, lambda d: date.fromisoformat(d["value"]))
        registry.register(Decimal, lambda d: {"value": str(d)}, lambda d: Decimal(d["value"]))
        self.serializer = BpmnWorkflowSerializer(registry)
        self.script_engine = PythonScriptEngine(environment=TaskDataEnvironment(diagram_helpers()))

    def start(self, data: dict[str, Any]) -> BpmnWorkflow:
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
        for task in workflow.get_tasks(state=SpiffState.READY):
            task.data.update(data)
        workflow.do_engine_steps()
        return workflow

    def save(self, workflow: BpmnWorkflow) -> str:
        return str(self.serializer.serialize_json(workflow))

    def load(self, saved: str) -> BpmnWorkflow:
        workflow = self.serializer.deserialize_json(saved)
        workflow.script_engine = self.script_engine
        return workflow

    def complete(self, workflow: BpmnWorkflow, bpmn_id: str, data: dict[str, Any]) -> None:
        ready = workflow.get_tasks(state=SpiffState.READY, manual=True)
        task = next((t for t in ready if t.task_spec.bpmn_id == bpmn_id), None)
        if task is None:
            raise BenchError(
                f"expected '{bpmn_id}' to be ready; ready: {[t.task_spec.bpmn_id for t in ready]}"
            )
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()


def bare_lifecycle(engine: BareEngine, clock: StepClock) -> BpmnWorkflow:
    """Start, then save and load at every wait state and complete the ready task."""
    with clock.step(START_LABEL):
        saved = engine.save(engine.start(bare_start_data()))
    for label, bpmn_id, data in STEPS:
        with clock.step(label):
            workflow = engine.load(saved)
            engine.complete(workflow, bpmn_id, dict(data))
            saved = engine.save(workflow)
    return engine.load(saved)


@dataclass(frozen=True)
class People:
    referrer_id: int
    worker_id: int


def app_lifecycle(app: Flask, people: People, clock: StepClock) -> int:
    """One case through the service layer: one app context and one transaction per request."""
    with clock.step(START_LABEL), app.app_context():
        referrer = load_user(str(people.referrer_id))  # flask-login's user loader
        case = refer_child(make_referral(), referrer)
        case_id = case.id
        db.session.commit()
    for label, bpmn_id, data in STEPS:
        with clock.step(label), app.app_context():
            worker = load_user(str(people.worker_id))
            task = db.session.scalars(
                select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
            ).one()
            if task.bpmn_id != bpmn_id:
                raise BenchError(f"expected '{bpmn_id}' to be open, found '{task.bpmn_id}'")
            complete_task(task, dict(data), worker)
            db.session.commit()
    return case_id


def form_field_names(form_class: type) -> set[str]:
    """The data fields a task form declares (read from the class: no form is built)."""
    from wtforms.fields.core import UnboundField

    return {
        name
        for name in dir(form_class)
        if not name.startswith("_")
        and name not in ("csrf_token", "submit")
        and isinstance(getattr(form_class, name, None), UnboundField)
    }


def check_form_fields(diagram: ParsedDiagram) -> None:
    """The data dicts must carry exactly the fields each task's form would produce."""
    import forms

    form_keys = {t.bpmn_id: t.form_key for t in diagram.user_tasks}
    for label, bpmn_id, data in STEPS:
        expected = form_field_names(forms.get_form_class(form_keys[bpmn_id]))
        if set(data) != expected:
            raise BenchError(
                f"{label}: the data has {sorted(set(data) - expected)} that the form lacks and "
                f"lacks {sorted(expected - set(data))} that the form has; update the dicts at the top"
            )


def check_bare(workflow: BpmnWorkflow) -> None:
    ends = [
        t.task_spec.bpmn_name
        for t in workflow.get_tasks(state=SpiffState.COMPLETED)
        if t.task_spec.__class__.__name__ == "EndEvent"
    ]
    if not workflow.is_completed() or ends != [END_EVENT]:
        raise BenchError(f"bare lifecycle ended at {ends!r}, not {END_EVENT!r}")


def check_app(app: Flask, case_id: int) -> None:
    with app.app_context():
        instance = db.session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case_id)).one()
        states = [t.state for t in db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))]
        if instance.status != InstanceStatus.COMPLETED or instance.end_event != END_EVENT:
            raise BenchError(f"app lifecycle ended {instance.status} at {instance.end_event!r}")
        if states.count(TaskState.COMPLETED) != len(STEPS) or TaskState.OPEN in states:
            raise BenchError(f"app lifecycle left task states {states}")
        state_bytes = len(instance.state)
    print(
        f"  Check: both paths end at '{END_EVENT}' with {len(STEPS)} tasks completed; "
        f"the app's saved state at the end is {state_bytes} bytes (gzipped JSON)"
    )


# -- set-up ---------------------------------------------------------------------------------


def build_app(database_url: str, instance_dir: Path) -> tuple[Flask, People]:
    # argon2 at production cost makes creating the demo people slow; as tests/conftest.py does.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    url = Settings.from_env({"CASEWORK_ENV": "test", "DATABASE_URL": database_url}).database_url
    settings = Settings(
        env="test",
        secret_key="bench",
        database_url=url,
        scheduler_enabled=False,
        processes_dir=ROOT / "processes",
        instance_dir=instance_dir,
    )
    app = create_app(settings)
    with app.app_context():
        logging.disable(logging.INFO)  # migrations/env.py reconfigures logging: silence its INFO lines
        try:
            upgrade(directory=str(ROOT / "migrations"))
        finally:
            logging.disable(logging.NOTSET)
        people = _ensure_people()
        publish_shipped()
        db.session.commit()
        ids = People(referrer_id=people[REFERRER_EMAIL].id, worker_id=people[WORKER_EMAIL].id)
        db.session.remove()
    return app, ids


def _filesystem(path: Path) -> str:
    """The type of the filesystem holding path (tmpfs makes SQLite commits cheaper)."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "?"
    best = ("", "?")
    resolved = str(path.resolve())
    for mount_point, fs_type in mounts:
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best[0]):
            best = (mount_point, fs_type)
    return best[1]


def describe_database(app: Flask) -> str:
    with app.app_context():
        sql_engine = db.engine
        url = sql_engine.url
        if sql_engine.dialect.name == "sqlite":
            journal = db.session.execute(text("pragma journal_mode")).scalar()
            sync = db.session.execute(text("pragma synchronous")).scalar()
            path = Path(url.database or "")
            desc = (
                f"SQLite {sqlite3.sqlite_version} file {path} on {_filesystem(path.parent)} "
                f"(journal_mode={journal}, synchronous={sync})"
            )
        else:
            version = db.session.execute(text("show server_version")).scalar()
            desc = f"{sql_engine.dialect.name} {version} at {url.render_as_string(hide_password=True)}"
        db.session.remove()
    return desc


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


# -- running ------------------------------------------------------------------------------


@dataclass
class Run:
    n: int  # lifecycles per repeat
    totals: list[float] = field(default_factory=list)  # seconds per repeat (N lifecycles)
    each: list[float] = field(default_factory=list)  # seconds per single lifecycle
    clock: StepClock = field(default_factory=StepClock)

    @property
    def ms(self) -> float:
        """Median over repeats of mean ms per lifecycle."""
        return statistics.median(self.totals_per_lifecycle) * 1000

    @property
    def totals_per_lifecycle(self) -> list[float]:
        return [t / self.n for t in self.totals]


class GcPauses:
    """Time spent in the garbage collector, booked to whichever path is running."""

    def __init__(self) -> None:
        self.current = ""
        self.seconds: dict[str, float] = defaultdict(float)
        self.full: dict[str, int] = defaultdict(int)  # generation-2 collections
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        elif self.current:
            self.seconds[self.current] += time.perf_counter() - self._t0
            self.full[self.current] += info.get("generation") == 2


def timed_repeat(
    bare_fn: Callable[[StepClock], Any],
    app_fn: Callable[[StepClock], Any],
    n: int,
    bare: Run,
    app: Run,
    gc_pauses: GcPauses,
) -> None:
    """N lifecycles of each path, alternating one by one so both see the same machine."""
    gc.collect()
    bare_total = app_total = 0.0
    for _ in range(n):
        gc_pauses.current = "bare"
        t0 = time.perf_counter()
        bare_fn(bare.clock)
        t1 = time.perf_counter()
        gc_pauses.current = "app"
        app_fn(app.clock)
        t2 = time.perf_counter()
        gc_pauses.current = ""
        bare.each.append(t1 - t0)
        app.each.append(t2 - t1)
        bare_total += t1 - t0
        app_total += t2 - t1
    bare.totals.append(bare_total)
    app.totals.append(app_total)


def p90(values: list[float]) -> float:
    s = sorted(values)
    return s[int(0.9 * (len(s) - 1))]


def breakdown(app: Flask, people: People, n: int, app_ms: float) -> None:
    """A separate, instrumented pass: where the app's time per lifecycle goes."""
    with app.app_context():
        sql_engine = db.engine
    probe = Probe()
    clock = StepClock(probe)
    probe.install(sql_engine)
    try:
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(n):
            app_lifecycle(app, people, clock)
        total = time.perf_counter() - t0
    finally:
        probe.uninstall()
    per = 1000 / n
    total_ms = total * per
    print(f"\nApp time by component (separate instrumented pass, {n} lifecycles; exclusive ms per lifecycle)")
    print(f"  {'component':48s} {'ms':>8s} {'share':>6s} {'calls':>6s}")
    groups: dict[str, float] = defaultdict(float)
    for label, seconds in sorted(probe.seconds.items(), key=lambda kv: -kv[1]):
        ms = seconds * per
        groups[label.split(":")[0]] += ms
        print(f"  {label:48s} {ms:8.2f} {ms / total_ms:6.0%} {probe.calls[label] / n:6.1f}")
    rest_ms = total_ms - sum(groups.values())
    print(f"  {'rest: app code, ORM attribute events, Python':48s} {rest_ms:8.2f} {rest_ms / total_ms:6.0%}")
    print(f"  {'total (instrumented)':48s} {total_ms:8.2f}   (uninstrumented median {app_ms:.2f})")
    summary = ", ".join(f"{group} {ms:.1f}" for group, ms in sorted(groups.items(), key=lambda kv: -kv[1]))
    print(f"  by group: {summary}, rest {rest_ms:.1f}")
    print("\n  SQL statements per request (median):")
    for label in LABELS:
        print(f"    {label:32s} {statistics.median(clock.statements[label]):5.0f}")


def profile(app: Flask, people: People, n: int, out: str | None) -> None:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    for _ in range(n):
        app_lifecycle(app, people, StepClock())
    profiler.disable()
    if out:
        profiler.dump_stats(out)
    for order, limit in (("cumulative", 45), ("tottime", 30)):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order)
        stats.print_stats(limit)
        print(f"\ncProfile of {n} app lifecycles, sorted by {order} (top {limit})")
        print(buffer.getvalue())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=None, help="lifecycles per repeat (default 200; 30 with --quick)"
    )
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 5; 3 with --quick)")
    parser.add_argument(
        "--warmup", type=int, default=None, help="warm-up lifecycles per path (default N/10, >= 3)"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="default: a SQLite file in a fresh temp dir; a postgresql+psycopg URL works too "
        "(the bench writes cases into it: use a scratch database)",
    )
    parser.add_argument("--quick", action="store_true", help="N=30, 3 repeats")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the instrumented component pass")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="K", help="cProfile K app lifecycles at the end"
    )
    parser.add_argument("--profile-out", default=None, help="write the cProfile stats to this file")
    parser.add_argument("--json", default=None, help="also write the headline figures to this JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    n = args.n or (30 if args.quick else 200)
    repeats = args.repeats or (3 if args.quick else 5)
    warmup = args.warmup if args.warmup is not None else max(3, n // 10)
    tmp = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    try:
        database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
        t_setup = time.perf_counter()
        app, people = build_app(database_url, tmp)
        diagram = parse_diagram(BPMN_FILE.read_bytes(), BPMN_FILE.name, PROCESS_ID)
        engine = BareEngine(diagram)
        setup_s = time.perf_counter() - t_setup

        print("Engine overhead: Referral to Early Help, bare engine vs the app's service layer")
        python = f"{platform.python_implementation()} {platform.python_version()}"
        print(f"  Python {python} on {platform.platform()}")
        print(
            f"  CPUs {os.cpu_count()}; SpiffWorkflow {_version('SpiffWorkflow')}, "
            f"SQLAlchemy {_version('SQLAlchemy')}, Flask {_version('Flask')}"
        )
        print(f"  Database: {describe_database(app)}")
        print(
            f"  N={n} lifecycles per repeat, {repeats} repeats (bare and app alternate, lifecycle "
            f"by lifecycle), {warmup} warm-up each; {REQUESTS_PER_LIFECYCLE} requests per lifecycle; "
            f"set-up {setup_s:.1f} s"
        )
        print(f"  Path: {' -> '.join(LABELS)}")

        bare, app_run = Run(n=n), Run(n=n)
        bare_fn = functools.partial(bare_lifecycle, engine)
        app_fn = functools.partial(app_lifecycle, app, people)
        check_form_fields(diagram)
        check_bare(bare_fn(StepClock()))
        check_app(app, app_fn(StepClock()))
        for _ in range(warmup):
            bare_fn(StepClock())
            app_fn(StepClock())
        gc_pauses = GcPauses()
        gc.callbacks.append(gc_pauses)
        try:
            for _ in range(repeats):
                timed_repeat(bare_fn, app_fn, n, bare, app_run, gc_pauses)
        finally:
            gc.callbacks.remove(gc_pauses)

        ratio = app_run.ms / bare.ms
        ratios = [a / b for a, b in zip(app_run.totals, bare.totals, strict=True)]
        verdict = "within target" if ratio <= TARGET_RATIO else "OVER target"
        print(f"\nResults (median over {repeats} repeats of N={n})")
        print(
            f"  {'':22s} {'ms/lifecycle':>12s} {'lifecycles/s':>13s} {'requests/s':>11s} "
            f"{'p90 single ms':>14s} {'repeat range ms':>18s}"
        )
        for name, run in (("BARE engine", bare), ("APP service layer", app_run)):
            per = run.totals_per_lifecycle
            print(
                f"  {name:22s} {run.ms:12.2f} {1000 / run.ms:13.1f} "
                f"{REQUESTS_PER_LIFECYCLE * 1000 / run.ms:11.1f} {p90(run.each) * 1000:14.2f} "
                f"{min(per) * 1000:8.2f}-{max(per) * 1000:.2f}"
            )
        print(
            f"  ratio APP/BARE: {ratio:.2f}x  (per repeat {min(ratios):.2f}-{max(ratios):.2f}x; "
            f"target <= {TARGET_RATIO}x: {verdict})"
        )
        print(
            f"  app overhead {app_run.ms - bare.ms:.2f} ms per lifecycle, "
            f"{(app_run.ms - bare.ms) / REQUESTS_PER_LIFECYCLE:.2f} ms per request"
        )

        lifecycles = n * repeats
        print(
            "  GC pauses inside the timings, ms per lifecycle: "
            + ", ".join(
                f"{path} {gc_pauses.seconds[path] * 1000 / lifecycles:.2f} "
                f"(full collections: {gc_pauses.full[path]})"
                for path in ("bare", "app")
            )
        )

        print("\nPer request (median ms over all measured lifecycles)")
        print(f"  {'request':32s} {'bare':>8s} {'app':>8s} {'app-bare':>9s} {'app/bare':>9s}")
        for label in LABELS:
            b = statistics.median(bare.clock.times[label]) * 1000
            a = statistics.median(app_run.clock.times[label]) * 1000
            print(f"  {label:32s} {b:8.2f} {a:8.2f} {a - b:9.2f} {a / b:8.2f}x")

        if not args.no_breakdown:
            breakdown(app, people, max(10, n // 4), app_run.ms)
        if args.profile:
            profile(app, people, args.profile, args.profile_out)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "n": n,
                        "repeats": repeats,
                        "database": make_url(database_url).get_backend_name(),
                        "bare_ms_per_lifecycle": bare.ms,
                        "app_ms_per_lifecycle": app_run.ms,
                        "bare_lifecycles_per_s": 1000 / bare.ms,
                        "app_lifecycles_per_s": 1000 / app_run.ms,
                        "ratio": ratio,
                        "ratio_per_repeat": ratios,
                        "target_ratio": TARGET_RATIO,
                    },
                    indent=2,
                )
            )
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
