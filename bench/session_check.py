"""What the server-side session check costs per request.

Every signed-in page request runs Flask-Login's user loader. With sessions kept on the server
(app/auth/sessions.py) the loader reads the browser's `user_session` row together with the
user and their teams, checks it is open, not idle and not too old, and writes `last_seen_at`
at most once a minute. Bypassed, the loader reads the user and their teams by the id in the
cookie, as before sessions were kept on the server (bench.overhead_data.load_user).

For each database, one signed-in browser (the Flask test client, one app context per request
as in production) sends N GET requests to each page with each loader, alternating loaders
request by request so drift on a shared machine falls on both. Pages:

  ping      a signed-in page that returns "ok" (the bench adds it): nearly all of its time is
            the request machinery and the user loader
  worklist  /worklist, a real page with its queries and template

Printed: the median milliseconds per request with the check and without, and their ratio.

    .venv/bin/python bench/session_check.py                       # SQLite only
    .venv/bin/python bench/session_check.py --postgres-url postgresql+psycopg:///scratch
    .venv/bin/python bench/session_check.py --n 300 --rounds 8

The PostgreSQL database is a scratch one: its public schema is dropped and migrated afresh.
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

from argon2 import PasswordHasher  # noqa: E402
from flask import Flask, session  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from app.access import signed_in  # noqa: E402
from app.auth import passwords  # noqa: E402
from app.auth.sessions import load_session_user  # noqa: E402
from app.config import Settings  # noqa: E402
from app.demo.people import ensure_people  # noqa: E402
from app.extensions import db, login_manager  # noqa: E402
from app.workflow.library import publish_shipped  # noqa: E402
from bench.overhead_data import load_user  # noqa: E402

PAGES = {"ping": "/bench/ping", "worklist": "/worklist"}


def load_user_bypassing_the_session_check(user_id: str):
    """The loader as it was: the user named by the cookie, whatever became of the session."""
    assert session.get("sid")  # the same cookie is sent either way
    return load_user(user_id)


def build(url: str, tmp: Path) -> Flask:
    settings = Settings(
        env="test", secret_key="bench", database_url=url, instance_dir=tmp, processes_dir=ROOT / "processes"
    )
    app = create_app(settings, WTF_CSRF_ENABLED=False)

    @app.get("/bench/ping")
    @signed_in
    def ping() -> str:
        return "ok"

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("drop schema public cascade; create schema public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        ensure_people()
        publish_shipped()
        db.session.commit()
        db.session.remove()
    return app


def measure(app: Flask, n: int, rounds: int) -> dict[str, dict[str, float]]:
    client = app.test_client()
    response = client.post("/login", data={"email": "practitioner@example.org", "password": "demo"})
    assert response.status_code == 302, response.status_code
    loaders = {"with check": load_session_user, "check bypassed": load_user_bypassing_the_session_check}
    times: dict[tuple[str, str], list[float]] = {(p, mode): [] for p in PAGES for mode in loaders}
    for url in PAGES.values():
        for loader in loaders.values():  # warm up each path
            login_manager._user_callback = loader
            for _ in range(20):
                assert client.get(url).status_code == 200
    modes = list(loaders.items())
    for _ in range(rounds):
        for page, url in PAGES.items():
            for i in range(n):
                # request by request, alternating which loader goes first
                for mode, loader in modes if i % 2 else modes[::-1]:
                    login_manager._user_callback = loader
                    start = time.perf_counter()
                    response = client.get(url)
                    times[(page, mode)].append(time.perf_counter() - start)
                    assert response.status_code == 200
    login_manager._user_callback = load_session_user
    return {page: {mode: statistics.median(times[(page, mode)]) * 1000 for mode in loaders} for page in PAGES}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200, help="requests per page, loader and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres-url", default="", help="a scratch PostgreSQL database (emptied)")
    args = parser.parse_args()
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    tmp = Path(tempfile.mkdtemp())
    databases = {"SQLite": f"sqlite:///{tmp / 'bench.db'}"}
    if args.postgres_url:
        databases["PostgreSQL"] = args.postgres_url
    print(f"{args.rounds} rounds x {args.n} GET requests per page and loader; median ms per request")
    print(f"{'database':<11} {'page':<9} {'with check':>11} {'bypassed':>9} {'ratio':>6}")
    for name, url in databases.items():
        app = build(url, tmp)
        for page, result in measure(app, args.n, args.rounds).items():
            with_check, bypassed = result["with check"], result["check bypassed"]
            print(f"{name:<11} {page:<9} {with_check:>11.3f} {bypassed:>9.3f} {with_check / bypassed:>6.2f}")


if __name__ == "__main__":
    main()
