"""Measuring for the engine-overhead bench: timers, the GC, and where the app's time goes.

StepClock times each request of a lifecycle; Run and timed_repeat() hold and take the
headline timings; GcPauses books garbage-collector time to the path running; Probe,
breakdown() and profile() take the separate instrumented and profiled passes over the
app's lifecycle. Used by bench/engine_overhead.py.
"""

from __future__ import annotations

import cProfile
import functools
import gc
import io
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.engine import Engine, RunningWorkflow
from app.extensions import db
from bench.overhead_data import LABELS

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


def breakdown(app: Flask, app_lifecycle: Callable[[StepClock], Any], n: int, app_ms: float) -> None:
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
            app_lifecycle(clock)
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


def profile(app_lifecycle: Callable[[StepClock], Any], n: int, out: str | None) -> None:
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    for _ in range(n):
        app_lifecycle(StepClock())
    profiler.disable()
    if out:
        profiler.dump_stats(out)
    for order, limit in (("cumulative", 45), ("tottime", 30)):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer).strip_dirs().sort_stats(order)
        stats.print_stats(limit)
        print(f"\ncProfile of {n} app lifecycles, sorted by {order} (top {limit})")
        print(buffer.getvalue())
