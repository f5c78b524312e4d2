"""Local settings for managers' oversight: when work counts as due soon, and when work nobody
holds counts as waiting too long."""

from __future__ import annotations

from app.timescales.setting_types import SettingDefinition

OVERSIGHT_SETTINGS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        "due_soon_working_days",
        "Due soon",
        "A task is shown as due soon when it falls due within this many working days",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "unallocated_alert_days",
        "Work nobody holds",
        "The dashboard counts open tasks nobody has taken that have waited longer than this many days "
        "(a manager can choose another number on the page)",
        5,
        1,
        90,
        "days",
    ),
)
