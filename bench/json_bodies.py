"""What reading a JSON body costs the app (app/inputs.py) against plain json.loads.

Each body is at most the request size limit (2 MB). The app checks nesting depth before it
parses (and refuses more than 64 levels), refuses NaN, Infinity and numbers too big to be
finite, and, when the text has \\u escapes, looks for NUL characters and lone surrogates.
Plain json.loads is shown for scale; on the 100,000-deep body it fails with RecursionError,
which in a request was a 500.

Usage: .venv/bin/python -m bench.json_bodies [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from app.inputs import StrictJSONProvider

BODIES = {
    "100,000-deep array": "[" * 100_000 + "]" * 100_000,
    "700,000 empty arrays": "[" + ",".join(["[]"] * 699_000) + "]",
    "15,000 arrays 65 deep": "[" + ",".join(["[" * 64 + "]" * 64] * 15_000) + "]",
    "40,000 small records": json.dumps([{"id": i, "name": "x", "tags": ["a", "b"]} for i in range(40_000)]),
    "19,000 strings of 100": json.dumps({"a": ["x" * 100] * 19_000}),
    "6,000 strings with \\u escapes": json.dumps({"a": ["zoë" * 33] * 6_000}),
    "a task's answers": json.dumps({"triage_decision": "seek_consent", "triage_reasons": "x" * 550}),
}


def outcome(read: Callable[[str], Any], body: str) -> str:
    try:
        read(body)
    except RecursionError:
        return "RecursionError"
    except Exception as exc:  # the outcome is what is reported
        return type(exc).__name__
    return "read"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    app_loads = StrictJSONProvider(Flask(__name__)).loads
    print(f"{'body':32s} {'MB':>5s} | {'app ms':>8s} {'outcome':14s} | {'json.loads ms':>13s} outcome")
    for name, body in BODIES.items():
        number = 3 if len(body) > 10_000 else 1000
        row = [f"{name:32s} {len(body) / 1e6:5.2f}"]
        for read in (app_loads, json.loads):
            seconds = min(
                timeit.repeat(lambda r=read, b=body: outcome(r, b), number=number, repeat=args.repeats)
            )
            row.append(f"{seconds / number * 1000:8.3f} {outcome(read, body):14s}")
        print(" | ".join(row))


if __name__ == "__main__":
    main()
