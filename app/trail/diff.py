"""An audit event's before and after, field by field, in words a person reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_ABSENT = object()


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None  # None: the field was not there before
    new: str | None  # None: the field is gone after
    changed: bool


def changes(before: object, after: object) -> list[Change]:
    """Each field of before and after in their own order: the changed ones as old and new, an
    unchanged one (it says what the change was about, a setting's name say) once."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):  # a JSON column holds any value
        return [Change("Value", _words(before), _words(after), before != after)]
    found = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key, _ABSENT), after.get(key, _ABSENT)
        found.append(
            Change(
                field=label(key),
                old=None if old is _ABSENT else _words(old),
                new=None if new is _ABSENT else _words(new),
                changed=old != new,
            )
        )
    return found


def label(key: str) -> str:
    """A stored field name as words: "assignee_id" -> "Assignee id"."""
    words = str(key).replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:] if words else "(no name)"


def _words(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list | tuple):
        return ", ".join(_words(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{label(k)}: {_words(v)}" for k, v in value.items()) if value else "(none)"
    return str(value)
