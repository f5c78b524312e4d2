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

The data and the database set-up are in bench/overhead_data.py; the timers, the GC
accounting and the instrumented and profiled passes in bench/overhead_instrument.py.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/engine_overhead.py`
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.util.event import BpmnEvent  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition  # noqa: E402
from SpiffWorkflow.util.task import TaskState as SpiffState  # noqa: E402
from sqlalchemy import make_url, select  # noqa: E402

from app.cases.services import refer_child  # noqa: E402
from app.engine import Engine, ParsedDiagram, parse_diagram  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import HumanTask, InstanceStatus, ProcessInstance, TaskState  # noqa: E402
from app.tasks.services import complete_task  # noqa: E402
from app.workflow.helpers import diagram_helpers  # noqa: E402
from bench.overhead_data import (  # noqa: E402
    BPMN_FILE,
    END_EVENT,
    LABELS,
    PROCESS_ID,
    REQUESTS_PER_LIFECYCLE,
    START_LABEL,
    STEPS,
    BenchError,
    People,
    bare_start_data,
    build_app,
    check_form_fields,
    describe_database,
    load_user,
    make_referral,
)
from bench.overhead_instrument import (  # noqa: E402
    GcPauses,
    Run,
    StepClock,
    breakdown,
    p90,
    profile,
    timed_repeat,
)

TARGET_RATIO = 2.5


# -- the two lifecycles -------------------------------------------------------------------------


class BareEngine:
    """SpiffWorkflow as its documentation sets it up: the Spiff parser's spec, the stock
    serializer (spec included, as a bare host stores it), the default script environment
    with the same diagram helpers. Nothing of the app's engine package is used."""

    def __init__(self, diagram: ParsedDiagram) -> None:
        self.spec, self.subprocess_specs = diagram.spec, diagram.subprocess_specs
        self.start_message = diagram.start_message
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
        if self.start_message:  # the referral starts on a message: deliver it, as any host must
            workflow.send_event(BpmnEvent(MessageEventDefinition(self.start_message), payload=dict(data)))
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


# -- environment ---------------------------------------------------------------------------


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


# -- running ------------------------------------------------------------------------------


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
        limits = os.environ.get("EXPRESSION_LIMITS", "on").strip().lower()
        if limits == "off":  # the switch bench/expression_limits.py compares with in one run
            app.extensions["engine"] = Engine(diagram_helpers(), None)
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
        print(f"  Expression limits: {'off (EXPRESSION_LIMITS=off)' if limits == 'off' else 'on'}")
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
            breakdown(app, app_fn, max(10, n // 4), app_run.ms)
        if args.profile:
            profile(app_fn, args.profile, args.profile_out)
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
