"""Settings, read once from environment variables into one typed object.

Safe defaults let `make run` work on a fresh machine (SQLite under instance/, a
development secret); production refuses to start without the settings it needs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A required setting is missing or invalid."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = "dev-only-secret-change-me"  # noqa: S105 - refused in production
    database_url: str = ""
    # Off unless asked for, so `flask db upgrade` and other commands never start one.
    scheduler_enabled: bool = False
    scheduler_sweep_seconds: int = 30
    scheduler_workers: int = 2
    # Batches a request starts (moving running cases between versions) finish in a thread of their
    # own, each item committed as it goes; off, the request runs them itself (tests).
    background_jobs: bool = True
    processes_dir: Path = ROOT / "processes"
    forms_dir: Path = ROOT / "forms"  # each process's task forms, forms/<process id>.json
    instance_dir: Path = ROOT / "instance"
    worklist_page_size: int = 25
    local_timezone: str = "Europe/London"
    # Sessions: signed-in sessions end after this long without a request, and this long in all.
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    # Sign-in guessing: after this many failures in a row an account must wait before the next
    # try; after the second number it is locked (an administrator can lift it early).
    signin_delay_after_failures: int = 5
    signin_lock_after_failures: int = 10
    signin_lock_minutes: int = 30
    # Failures from one address within the window before that address is refused for a while.
    signin_address_failures: int = 30
    signin_window_minutes: int = 15
    password_min_length: int = 12
    # Diagram expressions (conditions, scripts, due dates, timers) stop at these limits.
    expression_time_limit_seconds: float = 1.0
    expression_memory_limit_mb: int = 64
    # The largest request body accepted (forms, API calls, uploads); larger ones get a 413.
    max_request_bytes: int = 2 * 1024 * 1024
    # An uploaded diagram (or its decision tables): the largest file read, and how long the
    # engine may take to read it before it is stopped (its parser can loop on some files).
    diagram_max_bytes: int = 2 * 1024 * 1024
    diagram_parse_seconds: float = 5.0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ[str] | None = None) -> Settings:
        e = os.environ if environ is None else environ
        env = e.get("CASEWORK_ENV", "development").strip().lower()
        if env not in {"development", "production", "test"}:
            raise ConfigError(f"CASEWORK_ENV must be development, production or test, not {env!r}")
        instance_dir = Path(e.get("CASEWORK_INSTANCE_DIR", str(ROOT / "instance")))
        database_url = e.get("DATABASE_URL", "").strip()
        if not database_url:
            database_url = f"sqlite:///{instance_dir / 'casework.db'}"
        if database_url.startswith("postgres://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
        elif database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
        secret = e.get("SECRET_KEY", "")
        if env == "production" and len(secret) < 32:
            raise ConfigError("SECRET_KEY must be set to at least 32 random characters in production")
        try:
            page_size = int(e.get("WORKLIST_PAGE_SIZE", "25"))
            sweep = int(e.get("SCHEDULER_SWEEP_SECONDS", "30"))
            workers = int(e.get("SCHEDULER_WORKERS", "2"))
            limits = {
                name: kind(e[name.upper()])
                for name, kind in _NUMERIC_LIMITS.items()
                if e.get(name.upper(), "").strip()
            }
        except ValueError as exc:
            raise ConfigError(f"A numeric setting is not a number: {exc}") from exc
        if any(value <= 0 for value in limits.values()):
            raise ConfigError("Session, sign-in, password, expression and request limits must be above 0")
        return cls(
            env=env,
            secret_key=secret or cls.secret_key,
            database_url=database_url,
            scheduler_enabled=_flag(e.get("SCHEDULER_ENABLED"), False),
            background_jobs=_flag(e.get("BACKGROUND_JOBS"), True),
            scheduler_sweep_seconds=sweep,
            scheduler_workers=workers,
            processes_dir=Path(e.get("CASEWORK_PROCESSES_DIR", str(ROOT / "processes"))),
            forms_dir=Path(e.get("CASEWORK_FORMS_DIR", str(ROOT / "forms"))),
            instance_dir=instance_dir,
            worklist_page_size=page_size,
            **limits,  # type: ignore[arg-type]  # each a number, for the numeric field it names
        )

    def flask_config(self) -> dict[str, object]:
        """The keys Flask and its extensions read."""
        engine_options: dict[str, object] = {"pool_pre_ping": True}
        if self.database_url.startswith("sqlite"):
            engine_options = {"connect_args": {"timeout": 15}}
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "WTF_CSRF_TIME_LIMIT": None,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.is_production,
            "REMEMBER_COOKIE_SECURE": self.is_production,
            "TESTING": self.env == "test",
            "MAX_CONTENT_LENGTH": self.max_request_bytes,
        }


# Limits read from environment variables of the same name in capitals (SESSION_IDLE_MINUTES=30).
_NUMERIC_LIMITS: dict[str, type[int] | type[float]] = {
    "session_idle_minutes": int,
    "session_absolute_hours": int,
    "signin_delay_after_failures": int,
    "signin_lock_after_failures": int,
    "signin_lock_minutes": int,
    "signin_address_failures": int,
    "signin_window_minutes": int,
    "password_min_length": int,
    "expression_time_limit_seconds": float,
    "expression_memory_limit_mb": int,
    "max_request_bytes": int,
    "diagram_max_bytes": int,
    "diagram_parse_seconds": float,
}
