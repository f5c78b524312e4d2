"""What filling in `{setting: name}` placeholders costs: when publishing, and when a page is drawn.

Publishing: `documentation_problems` over every shipped diagram and decision table, beside the
whole start-up check it joins (`ProcessLibrary.load_shipped`: parse, compile every expression,
forms, messages, guidance).

Pages: the process library page (every process's explanation) and a task page whose guidance
names a setting, drawn by the Flask test client with the `guidance` filter and with a filter
that returns the text as written, alternating request by request so drift on a shared machine
falls on both. The settings are read once per request (cached in `g`), as in production.

    .venv/bin/python bench/guidance.py            # temp SQLite, N=200 requests a page and way
    .venv/bin/python bench/guidance.py --n 500
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

import forms  # noqa: E402
from app import create_app  # noqa: E402
from app.config import Settings  # noqa: E402
from app.engine import Engine  # noqa: E402
from app.extensions import db  # noqa: E402
from app.timescales.guidance import documentation_problems, render_guidance  # noqa: E402
from app.workflow.helpers import diagram_helpers  # noqa: E402
from app.workflow.library import ProcessLibrary, publish_shipped  # noqa: E402

PROCESSES = ROOT / "processes"


def median_ms(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def publishing(rounds: int) -> None:
    forms.load_all()  # the start-up check looks each task's form up
    files = [
        (p.name, p.read_bytes()) for p in sorted(PROCESSES.glob("*.bpmn")) + sorted(PROCESSES.glob("*.dmn"))
    ]
    check = median_ms(lambda: [documentation_problems(xml, name) for name, xml in files], rounds)
    load = median_ms(
        lambda: ProcessLibrary(PROCESSES, Engine(diagram_helpers())).load_shipped(), max(3, rounds // 10)
    )
    print(
        f"publishing: guidance check {check:.1f} ms for {len(files)} files;",
        f"the whole start-up check {load:.0f} ms",
    )


def app_on(tmp: Path) -> Flask:
    settings = Settings(
        env="test",
        secret_key="bench",
        database_url=f"sqlite:///{tmp / 'bench.db'}",
        scheduler_enabled=False,
        processes_dir=PROCESSES,
        instance_dir=tmp,
    )
    return create_app(settings, WTF_CSRF_ENABLED=False)


def pages(app: Flask, n: int) -> None:
    from app.demo import _ensure_people
    from tests import factories
    from tests.conftest import login

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        _ensure_people()
        publish_shipped()
        case = factories.refer(factories.people()["school"])
        task = factories.only_open_task(case)
        task.documentation = "Due within {setting: legal_support_check_working_days}. " * 5
        db.session.commit()
        task_url = f"/tasks/{task.id}"
    client = app.test_client()
    with app.app_context():
        login(client, "practitioner@example.org")
    filters = {"placeholders filled": render_guidance, "text as written": lambda text: text or ""}
    for url in ("/processes", task_url):
        times: dict[str, list[float]] = {name: [] for name in filters}
        for i in range(n * 2):
            name = list(filters)[i % 2]
            app.jinja_env.filters["guidance"] = filters[name]
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with_, without = (statistics.median(times[name]) for name in filters)
        print(
            f"{url}: {with_:.2f} ms with placeholders filled, {without:.2f} ms as written",
            f"({with_ / without:.3f}x)",
        )
    app.jinja_env.filters["guidance"] = render_guidance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200, help="requests per page and way")
    args = parser.parse_args()
    publishing(rounds=50)
    with tempfile.TemporaryDirectory() as tmp:
        pages(app_on(Path(tmp)), args.n)


if __name__ == "__main__":
    main()
