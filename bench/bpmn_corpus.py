"""Every diagram of the real-world BPMN corpus through the publishing checks: how each ends (a
clean publish, or refused with which first reason), and how long checking takes.

    .venv/bin/python -m bench.bpmn_corpus            # prints the tables docs/measurements.md and
                                                     # the README quote
    .venv/bin/python -m bench.bpmn_corpus --probes   # also the corpus's two parser probes

Each file is checked as an upload with the .dmn of its folder (if any) and no forms, on a fresh
SQLite database with the product's teams and pathways published; a clean one is published and
rolled back. Times are wall-clock per file, the engine's worker process already started.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from app.extensions import db
from app.processes.checks import Bundle, check
from app.processes.publishing import publish
from bench.corpus_files import corpus_dir, corpus_files
from bench.overhead_data import build_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", action="store_true", help="add the corpus's parser probes")
    options = parser.parse_args()
    root = corpus_dir()
    if root is None:
        raise SystemExit("The BPMN corpus is not on this machine: set CASEWORK_BPMN_CORPUS")
    files = corpus_files(root) + (sorted((root / "probes").glob("*.bpmn")) if options.probes else [])
    instance = Path(tempfile.mkdtemp())
    app, _ids = build_app(f"sqlite:///{instance / 'bench.db'}", instance)
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    every_reason: Counter[str] = Counter()
    seconds: list[float] = []
    with app.app_context():
        check(Bundle("warm.bpmn", (root / files[0]).read_bytes()))  # start the engine's worker
        began = time.perf_counter()
        for path in files:
            dmn = next(iter(sorted(path.parent.glob("*.dmn"))), None)
            bundle = Bundle(path.name, path.read_bytes(), dmn.read_bytes() if dmn else b"")
            start = time.perf_counter()
            checked = check(bundle)
            if checked.publishable:
                publish(checked, None, "Corpus diagram")
                outcomes["published"] += 1
            else:
                outcomes["refused"] += 1
                reasons[checked.errors[0].reason] += 1
            every_reason.update({p.reason for p in checked.problems})
            seconds.append(time.perf_counter() - start)
            db.session.rollback()
        total = time.perf_counter() - began
    print(f"{len(files)} files from {root}")
    print(
        f"  checked in {total:.1f} s: median {statistics.median(seconds) * 1000:.1f} ms a file, "
        f"slowest {max(seconds):.2f} s"
    )
    print(f"  published {outcomes['published']}, refused {outcomes['refused']}")
    print("\nRefused, by the first error's reason (files)")
    for reason, count in reasons.most_common():
        print(f"  {reason:22} {count:5}")
    print("\nFiles with at least one problem of each reason (errors and warnings)")
    for reason, count in every_reason.most_common():
        print(f"  {reason:22} {count:5}")


if __name__ == "__main__":
    main()
