"""Settings read from the environment: the hardening limits and their refusals."""

from __future__ import annotations

import pytest

from app.config import ConfigError, Settings


def test_limits_have_safe_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.session_idle_minutes == 30
    assert settings.session_absolute_hours == 12
    assert settings.expression_time_limit_seconds == 1.0
    assert settings.flask_config()["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_limits_are_read_from_environment_variables_of_the_same_name() -> None:
    settings = Settings.from_env({"SESSION_IDLE_MINUTES": "5", "EXPRESSION_TIME_LIMIT_SECONDS": "0.25"})
    assert settings.session_idle_minutes == 5
    assert settings.expression_time_limit_seconds == 0.25


@pytest.mark.parametrize("value", ["x", "0", "-3"])
def test_a_limit_that_is_not_a_positive_number_stops_the_app_starting(value: str) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env({"MAX_REQUEST_BYTES": value})
