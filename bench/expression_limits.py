"""What the expression limits cost: the engine-overhead lifecycle with the limits on and off.

One lifecycle is Referral to Early Help along its longest path, through the app's service
layer exactly as bench/engine_overhead.py's APP path runs it (one app context and one
transaction per request, 8 requests). It is run N times with the expression limits on (the
product: app/engine/limits.py, policy.py, guards.py) and N times with them off (the same
restricted compile, the old builtins, no ticks, guards or checks), alternating lifecycle by
lifecycle (off then on, then on then off, so neither always runs second), over several
repeats. The switch is the engine the
app holds: `app.extensions["engine"]`, an Engine with Limits or with None.

Usage (from the repository root):

    .venv/bin/python -m bench.expression_limits                  # N=200, 5 repeats, temp SQLite
    .venv/bin/python -m bench.expression_limits --quick          # N=30, 3 repeats
    .venv/bin/python -m bench.expression_limits --database-url postgresql+psycopg:///scratch

It prints the median ms per lifecycle with the limits on and off, the ratio (target: under
1.05, the limits add under 5%), and from a separate counted pass how many expressions a
lifecycle runs and what each costs on and off. `EXPRESSION_LIMITS=off` runs
bench/engine_overhead.py with the limits off, for its own figures.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/expression_limits.py`
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from app.engine import Engine  # noqa: E402
from app.workflow.helpers import diagram_helpers  # noqa: E402
from bench.engine_overhead import app_lifecycle, check_app  # noqa: E402
from bench.overhead_data import (  # noqa: E402
    LABELS,
    REQUESTS_PER_LIFECYCLE,
    People,
    build_app,
    describe_database,
)
from bench.overhead_instrument import GcPauses, Run, StepClock, p90  # noqa: E402

TARGET_RATIO = 1.05


def timed_pairs(
    off_fn: Callable[[StepClock], Any],
    on_fn: Callable[[StepClock], Any],
    n: int,
    off: Run,
    on: Run,
    gc_pauses: GcPauses,
) -> list[float]:
    """N pairs of lifecycles, off then on and on then off by turns (so neither always runs
    second, after the other's garbage); returns each pair's ratio on/off."""
    gc.collect()
    ratios = []
    totals = {"off": 0.0, "on": 0.0}
    for i in range(n):
        took = {}
        for name, fn, run in (("off", off_fn, off), ("on", on_fn, on))[:: 1 if i % 2 == 0 else -1]:
            gc_pauses.current = name
            t0 = time.perf_counter()
            fn(run.clock)
            took[name] = time.perf_counter() - t0
            gc_pauses.current = ""
            run.each.append(took[name])
            totals[name] += took[name]
        ratios.append(took["on"] / took["off"])
    off.totals.append(totals["off"])
    on.totals.append(totals["on"])
    return ratios


def lifecycle_with(app: Flask, people: People, engine: Engine) -> Callable[[StepClock], int]:
    """One app lifecycle with `engine` (limits on or off) as the app's engine."""

    def run(clock: StepClock) -> int:
        app.extensions["engine"] = engine
        return app_lifecycle(app, people, clock)

    return run


class ExpressionCount:
    """Counts and times the expressions and scripts an engine's environment runs."""

    def __init__(self, engine: Engine) -> None:
        self.environment = engine.script_engine.environment
        self.calls = 0
        self.seconds = 0.0

    def __enter__(self) -> ExpressionCount:
        for name in ("evaluate", "execute"):
            original = getattr(self.environment, name)

            @functools.wraps(original)
            def timed(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.seconds += time.perf_counter() - t0
                    self.calls += 1

            setattr(self.environment, name, timed)
        return self

    def __exit__(self, *_: object) -> None:
        for name in ("evaluate", "execute"):
            delattr(self.environment, name)  # back to the class's method


def count_expressions(
    on_fn: Callable[[StepClock], int],
    limited: Engine,
    off_fn: Callable[[StepClock], int],
    unlimited: Engine,
    k: int,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(expressions per lifecycle, µs per expression) with the limits on, then off, over k
    lifecycles of each, alternating."""
    gc.collect()
    with ExpressionCount(limited) as on, ExpressionCount(unlimited) as off:
        for _ in range(k):
            on_fn(StepClock())
            off_fn(StepClock())
    return (
        (on.calls / k, on.seconds / max(on.calls, 1) * 1e6),
        (off.calls / k, off.seconds / max(off.calls, 1) * 1e6),
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=None, help="lifecycles per repeat (default 200; 30 with --quick)"
    )
    parser.add_argument("--repeats", type=int, default=None, help="repeats (default 5; 3 with --quick)")
    parser.add_argument(
        "--warmup", type=int, default=None, help="warm-up lifecycles each (default N/10, >= 3)"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="default: a SQLite file in a fresh temp dir (use a scratch database)",
    )
    parser.add_argument("--quick", action="store_true", help="N=30, 3 repeats")
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
        app, people = build_app(database_url, tmp)
        limited: Engine = app.extensions["engine"]
        if limited.limits is None:
            raise SystemExit("The app's engine has no limits: nothing to compare")
        unlimited = Engine(diagram_helpers(), None)
        on_fn = lifecycle_with(app, people, limited)
        off_fn = lifecycle_with(app, people, unlimited)

        print("Expression limits: Referral to Early Help through the service layer, limits on vs off")
        print(f"  Database: {describe_database(app)}")
        print(
            f"  Limits on: {limited.limits.describe_time()}, {limited.limits.describe_memory()} "
            f"(the settings' defaults); off: the same restricted compile without them"
        )
        print(
            f"  N={n} lifecycles per repeat, {repeats} repeats (on and off alternate, lifecycle by "
            f"lifecycle), {warmup} warm-up each; {REQUESTS_PER_LIFECYCLE} requests per lifecycle"
        )
        print(f"  Path: {' -> '.join(LABELS)}")
        check_app(app, on_fn(StepClock()))
        check_app(app, off_fn(StepClock()))
        for _ in range(warmup):
            off_fn(StepClock())
            on_fn(StepClock())

        off, on = Run(n=n), Run(n=n)
        gc_pauses = GcPauses()
        gc.callbacks.append(gc_pauses)
        pairs: list[float] = []
        try:
            for _ in range(repeats):
                pairs += timed_pairs(off_fn, on_fn, n, off, on, gc_pauses)
        finally:
            gc.callbacks.remove(gc_pauses)
            app.extensions["engine"] = limited

        ratio = on.ms / off.ms
        ratios = [a / b for a, b in zip(on.totals, off.totals, strict=True)]
        paired = statistics.median(pairs)
        verdict = "within target" if max(ratio, paired) < TARGET_RATIO else "OVER target"
        print(f"\nResults (median over {repeats} repeats of N={n})")
        print(f"  {'':16s} {'ms/lifecycle':>12s} {'lifecycles/s':>13s} {'p90 single ms':>14s}")
        for name, run in (("limits off", off), ("limits on", on)):
            print(f"  {name:16s} {run.ms:12.2f} {1000 / run.ms:13.1f} {p90(run.each) * 1000:14.2f}")
        print(
            f"  ratio on/off of the medians: {ratio:.3f} (per repeat {min(ratios):.3f}-{max(ratios):.3f}); "
            f"median of the {len(pairs)} paired lifecycles: {paired:.3f}"
        )
        print(
            f"  the limits add {(ratio - 1) * 100:+.1f}% (medians), {(paired - 1) * 100:+.1f}% (pairs); "
            f"target under {(TARGET_RATIO - 1) * 100:.0f}%: {verdict}"
        )
        print(
            "  GC pauses inside the timings, ms per lifecycle: "
            + ", ".join(
                f"{name} {gc_pauses.seconds[name] * 1000 / (n * repeats):.2f}" for name in ("off", "on")
            )
        )

        (per_on, us_on), (per_off, us_off) = count_expressions(
            on_fn, limited, off_fn, unlimited, max(20, n // 2)
        )
        app.extensions["engine"] = limited
        print(
            f"  Expressions per lifecycle: {per_on:.0f} (conditions, due dates, timers, payloads); "
            f"each {us_on:.1f} µs with the limits, {us_off:.1f} µs without "
            f"({(us_on - us_off) * per_on / 1000:+.2f} ms per lifecycle, "
            f"{(us_on - us_off) * per_on / 1000 / off.ms * 100:+.2f}% of it)"
        )
        if per_on != per_off:
            print(f"  (off ran {per_off:.0f} per lifecycle)")
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "n": n,
                        "repeats": repeats,
                        "database": make_url(database_url).get_backend_name(),
                        "off_ms_per_lifecycle": off.ms,
                        "on_ms_per_lifecycle": on.ms,
                        "ratio": ratio,
                        "ratio_per_repeat": ratios,
                        "paired_median_ratio": paired,
                        "expressions_per_lifecycle": per_on,
                        "us_per_expression_on": us_on,
                        "us_per_expression_off": us_off,
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
