"""What a local setting is: its name, wording, default and allowed range."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingDefinition:
    name: str
    label: str
    description: str
    default: int
    minimum: int
    maximum: int
    unit: str  # plural, as read after a number: "working days", "weeks", "months", "percent"

    def whole_number_message(self) -> str:
        if self.unit == "percent":
            return "Enter a whole number percentage"
        return f"Enter a whole number of {self.unit}"

    def range_message(self) -> str:
        return f"{self.label} must be between {self.minimum} and {self.maximum} {self.unit}"

    def describe(self, value: int) -> str:
        """A value as a person reads it: '10 working days', '95%', '0 working days (the same day)'."""
        if self.unit == "percent":
            return f"{value}%"
        if value == 0 and self.unit.endswith("days"):  # "within 0 working days" alone reads as a slip
            return f"0 {self.unit} (the same day)"
        unit = self.unit[:-1] if value == 1 and self.unit.endswith("s") else self.unit
        return f"{value} {unit}"
