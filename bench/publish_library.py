"""How long the whole process library takes to check and to publish.

Start-up (and `flask processes publish`) parses every diagram in processes/, compiles every
expression, reads and checks every pathway's task forms and the named Python they call, and then
publishes what is new. This times, over several runs, medians of:

- checking: building the app, which loads and checks the whole library;
- publishing: storing every pathway as a new version in an empty database.

    .venv/bin/python -m bench.publish_library [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from app.extensions import db  # noqa: E402
from app.workflow.library import publish_shipped  # noqa: E402
from tests.factories import create_people  # noqa: E402


def settings(tmp: Path) -> Settings:
    return Settings.from_env({"CASEWORK_ENV": "test", "CASEWORK_INSTANCE_DIR": str(tmp)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    checking, publishing = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            app = create_app(settings(Path(tmp)))
            checking.append(time.perf_counter() - began)
            with app.app_context():
                upgrade(directory=str(ROOT / "migrations"))
                create_people()
                db.session.commit()
                began = time.perf_counter()
                published = publish_shipped()
                db.session.commit()
                publishing.append(time.perf_counter() - began)
                db.session.remove()
    print(f"{len(published)} pathways, {args.runs} runs (medians, min-max in ms)")
    measured = (("check the library (build the app)", checking), ("publish every pathway", publishing))
    for name, times in measured:
        ms = sorted(t * 1000 for t in times)
        print(f"  {name:36} {statistics.median(ms):8.1f}   {ms[0]:.1f}-{ms[-1]:.1f}")


if __name__ == "__main__":
    main()
