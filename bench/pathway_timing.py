"""What the pathway benches share: a timer around one pathway's named Python (its rules,
calculations and effects) and the loop that runs lifecycles and prints their share."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.extensions import db
from app.models import User
from app.pathways.registry import CALCULATIONS, EFFECTS, RULES
from app.timescales.term_dates import load_default_terms_if_empty
from bench.overhead_data import build_app, describe_database

Lifecycle = Callable[[dict[str, User], int], None]


class Named:
    """Seconds spent inside the named functions whose names start with a prefix, once installed."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seconds = 0.0

    def install(self) -> None:
        for registry in (RULES, CALCULATIONS, EFFECTS):
            for name, entry in registry.entries.items():
                if name.startswith(self.prefix):
                    entry.function = self._timed(entry.function)

    def _timed(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began

        return timed


def run(doc: str, prefix: str, title: str, lifecycle: Lifecycle, submissions: int) -> None:
    """Parse the command line, build an app on a fresh database, and time `lifecycle` N times a
    repeat: the whole lifecycle and the part spent in the pathway's named Python."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    instance = Path(tempfile.mkdtemp())
    url = options.database_url or f"sqlite:///{instance / 'bench.db'}"
    app, _ids = build_app(url, instance)
    named = Named(prefix)
    named.install()
    with app.app_context():
        load_default_terms_if_empty()
        db.session.commit()
        people = {u.email: u for u in db.session.scalars(db.select(User))}
        print(describe_database(app))
        lifecycle(people, -1)  # warm up: parse, build the forms, fill caches
        totals, inside = [], []
        for repeat in range(options.repeats):
            named.seconds, began = 0.0, time.perf_counter()
            for n in range(options.n):
                lifecycle(people, repeat * options.n + n)
            totals.append((time.perf_counter() - began) / options.n * 1000)
            inside.append(named.seconds / options.n * 1000)
    total, spent = statistics.median(totals), statistics.median(inside)
    print(f"{options.n} {title} lifecycles x {options.repeats} (referral + {submissions} submissions)")
    print(
        f"  per lifecycle: {total:.1f} ms; in the pathway's rules, calculations and effects: {spent:.2f} ms"
    )
    print(f"  share: {spent / total:.1%}; per submission in named Python: {spent / submissions:.2f} ms")
