"""What the scale benches share: the app on a database of their own (cheap password hashing, so
signing in is not what is timed), and the database settled after a bulk fill."""

from __future__ import annotations

import tempfile
from pathlib import Path

from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import text

from app import create_app
from app.auth import passwords
from app.config import Settings
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# Tables whose ids the fillers write themselves.
NUMBERED = ("child", "casework_case", "process_instance", "audit_event")


def bench_app(database_url: str = "", sqlite_file: Path | None = None) -> Flask:
    """The app on `database_url`, or on an SQLite file (`sqlite_file`, or a new one in a temporary folder)."""
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    tmp = Path(tempfile.mkdtemp())
    url = database_url or f"sqlite:///{sqlite_file or tmp / 'bench.db'}"
    settings = Settings(
        env="test", secret_key="bench", database_url=url, instance_dir=tmp, processes_dir=ROOT / "processes"
    )
    return create_app(settings, WTF_CSRF_ENABLED=False)


def settle() -> None:
    """Refresh planner statistics (and, on PostgreSQL, the visibility map that index-only scans
    need), as autovacuum or `PRAGMA optimize` would in a running system; on PostgreSQL, first move
    the id sequences past the ids a filler wrote itself."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in NUMBERED:
                top = f"(SELECT max(id) FROM {table})"  # noqa: S608  # our own table names, not input
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})"))
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
