"""Local-practice numbers an administrator can change (BRIEF: every LA-practice number is a setting).

The definitions (default, range, wording) live here in code; the `local_setting` table holds
only the values an administrator has changed. Values are read once per app context (one
request, one scheduler job, one CLI command) and kept in `flask.g`; a change made through
app/admin/services.py drops that copy so the same context sees the new value at once.
"""

from __future__ import annotations

import contextlib
import re

from flask import current_app, g, has_app_context
from sqlalchemy import select

from app.extensions import db
from app.models import LocalSetting
from app.timescales.setting_types import SettingDefinition
from app.timescales.settings_education import EDUCATION_SETTINGS
from app.timescales.settings_family import FAMILY_SETTINGS
from app.timescales.settings_oversight import OVERSIGHT_SETTINGS

_CACHE_KEY = "_casework_local_settings"


DEFINITIONS: tuple[SettingDefinition, ...] = FAMILY_SETTINGS + EDUCATION_SETTINGS + OVERSIGHT_SETTINGS

SETTINGS: dict[str, SettingDefinition] = {d.name: d for d in DEFINITIONS}


class UnknownSetting(KeyError):
    """No local setting has this name."""


def definition(name: str) -> SettingDefinition:
    """The definition of setting `name`; raises UnknownSetting."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise UnknownSetting(name) from None


def parse_setting_value(setting: SettingDefinition, text: str | int | None) -> int:
    """The value typed for a setting as an int; ValueError carries the message to show."""
    raw = str(text).strip() if text is not None else ""
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise ValueError(setting.whole_number_message())
    value = int(raw)
    if not setting.minimum <= value <= setting.maximum:
        raise ValueError(setting.range_message())
    return value


def stored_values() -> dict[str, int]:
    """Every setting's current value: the stored one if changed and still valid, else the default."""
    cached: dict[str, int] | None = g.get(_CACHE_KEY) if has_app_context() else None
    if cached is not None:
        return cached
    values = {d.name: d.default for d in DEFINITIONS}
    with db.session.no_autoflush:
        rows = db.session.execute(select(LocalSetting.name, LocalSetting.value)).all()
    for name, raw in rows:
        if name in SETTINGS:
            # A value edited outside the app to something out of range: the default holds.
            with contextlib.suppress(ValueError):
                values[name] = parse_setting_value(SETTINGS[name], raw)
    if has_app_context():
        setattr(g, _CACHE_KEY, values)
    return values


def local_setting(name: str) -> int:
    """The current value of setting `name`; raises UnknownSetting.

    Outside an app with a database (unit tests of diagrams and forms) this is the default.
    """
    setting = definition(name)
    if not has_app_context() or "sqlalchemy" not in current_app.extensions:
        return setting.default
    return stored_values()[setting.name]


def forget_cached_settings() -> None:
    """Drop this app context's copy, after a change."""
    if has_app_context():
        g.pop(_CACHE_KEY, None)
