"""What a task submission costs as a whole request, the way a practitioner sends it.

`bench/engine_overhead.py` times the service layer against the bare engine. This times what a
person waits for: the seven task pages of the Referral to Early Help lifecycle, each posted
through the app (the Flask test client, signed in, CSRF off) and answered with a redirect:
sign-in check, the form of the task's version and its rules, the engine step, hand-offs,
effects, audit and the commit. Run it in two checkouts to compare them in one sitting.

    .venv/bin/python -m bench.submit_requests [--n 60] [--repeats 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app.cases.services import refer_child  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import HumanTask, TaskState, User  # noqa: E402
from bench.overhead_data import STEPS, build_app, make_referral  # noqa: E402


def as_posted(data: dict[str, Any]) -> MultiDict[str, str]:
    """A step's answers as the page posts them: one value per box, ISO dates as 'D M YYYY'."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue
            text = "y" if item is True else str(item)
            parts = text.split("-")
            if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
                text = f"{int(parts[2])} {int(parts[1])} {parts[0]}"
            pairs.append((name, text))
    return MultiDict(pairs)


def lifecycle(app: Any, client: Any, referrer_id: int) -> float:
    """Refer a child (not timed), then post each task's page; seconds for the seven posts."""
    with app.app_context():
        case_id = refer_child(make_referral(), db.session.get(User, referrer_id)).id
        db.session.commit()
    took = 0.0
    for label, bpmn_id, data in STEPS:
        with app.app_context():
            task = db.session.scalars(
                select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == TaskState.OPEN)
            ).one()
            task_id, found = task.id, task.bpmn_id
            db.session.remove()
        if found != bpmn_id:
            raise SystemExit(f"{label}: expected '{bpmn_id}' to be open, found '{found}'")
        began = time.perf_counter()
        answer = client.post(f"/tasks/{task_id}", data=as_posted(dict(data)))
        took += time.perf_counter() - began
        if answer.status_code != 302:
            raise SystemExit(f"{label}: answered {answer.status_code}: {answer.get_data(as_text=True)[:400]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="lifecycles per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app, people = build_app(url, Path(tmp))
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        with app.app_context():
            email = db.session.get(User, people.worker_id).email
        signed_in = client.post("/login", data={"email": email, "password": "demo"})
        if signed_in.status_code != 302:
            raise SystemExit(f"could not sign in as {email}")
        for _ in range(3):
            lifecycle(app, client, people.referrer_id)
        medians = []
        for _ in range(args.repeats):
            runs = sorted(lifecycle(app, client, people.referrer_id) for _ in range(args.n))
            medians.append(statistics.median(runs) * 1000 / len(STEPS))
    scheme = url.split(":")[0]
    print(f"{scheme}: {len(STEPS)} task pages posted a lifecycle, {args.n} lifecycles x {args.repeats}")
    print(f"  ms per task submission, median of the repeats' medians: {statistics.median(medians):.2f}")
    print(f"  repeats: {', '.join(f'{m:.2f}' for m in medians)}")


if __name__ == "__main__":
    main()
