"""WTForms' choice and number fields as WTForms 3.3 makes them, for the type checker too.

At run time every name here is WTForms' own class. The published type information for WTForms
(types-WTForms) still describes 3.2: it has no `SelectChoice`, no `invalid_choice_message` or
`invalid_value_message`, and choices as bare tuples, all of which the forms here rely on for
their messages in the GOV.UK voice. So the type checker reads the declarations below instead:
only what the product uses, each matched against the installed WTForms by
tests/unit/test_wtforms33.py. Import these fields from here, not from wtforms; delete this
module once types-WTForms describes 3.3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from dataclasses import dataclass, field
    from decimal import Decimal
    from typing import Any, NamedTuple

    import wtforms
    from wtforms.fields.core import Field

    @dataclass
    class SelectChoice:
        """An option offered: `value` is compared with the field's data after `coerce`."""

        value: Any
        label: str = ""
        render_kw: dict[str, Any] = field(default_factory=dict)
        optgroup: str | None = None

    class Choice(NamedTuple):
        """An option as drawn: what iter_choices() yields."""

        value: Any
        label: str
        selected: bool
        render_kw: dict[str, Any]

    class SelectField(Field):
        coerce: Callable[[Any], Any]
        choices: Sequence[SelectChoice] | None
        validate_choice: bool
        invalid_value_message: str | None
        invalid_choice_message: str | None

        def __init__(
            self,
            label: str | None = None,
            validators: list[Any] | tuple[Any, ...] | None = None,
            coerce: Callable[[Any], Any] = str,
            choices: Iterable[SelectChoice] | None = None,
            validate_choice: bool = True,
            invalid_value_message: str | None = None,
            invalid_choice_message: str | None = None,
            *,
            filters: Sequence[Callable[[Any], Any]] = (),
            description: str = "",
            id: str | None = None,
            default: object | None = None,
            widget: Any = None,
            render_kw: dict[str, Any] | None = None,
            name: str | None = None,
        ) -> None: ...
        def iter_choices(self) -> list[Choice]: ...
        def __iter__(self) -> Iterator[Field]: ...

    class RadioField(SelectField): ...

    class SelectMultipleField(SelectField):
        data: list[Any] | None

    class IntegerField(wtforms.IntegerField):
        invalid_value_message: str | None

        def __init__(
            self,
            label: str | None = None,
            validators: list[Any] | tuple[Any, ...] | None = None,
            invalid_value_message: str | None = None,
            *,
            filters: Sequence[Callable[[Any], Any]] = (),
            description: str = "",
            id: str | None = None,
            default: int | None = None,
            widget: Any = None,
            render_kw: dict[str, Any] | None = None,
            name: str | None = None,
        ) -> None: ...

    class FloatField(wtforms.FloatField):
        invalid_value_message: str | None

        def __init__(
            self,
            label: str | None = None,
            validators: list[Any] | tuple[Any, ...] | None = None,
            invalid_value_message: str | None = None,
            *,
            filters: Sequence[Callable[[Any], Any]] = (),
            description: str = "",
            id: str | None = None,
            default: float | None = None,
            widget: Any = None,
            render_kw: dict[str, Any] | None = None,
            name: str | None = None,
        ) -> None: ...

    class DecimalField(wtforms.DecimalField):
        invalid_value_message: str | None

        def __init__(
            self,
            label: str | None = None,
            validators: list[Any] | tuple[Any, ...] | None = None,
            places: int | None = 2,
            rounding: str | None = None,
            *,
            invalid_value_message: str | None = None,
            filters: Sequence[Callable[[Any], Any]] = (),
            description: str = "",
            id: str | None = None,
            default: Decimal | None = None,
            widget: Any = None,
            render_kw: dict[str, Any] | None = None,
            name: str | None = None,
        ) -> None: ...

else:
    from wtforms import DecimalField, FloatField, IntegerField, RadioField, SelectField, SelectMultipleField
    from wtforms.fields.choices import Choice, SelectChoice

__all__ = [
    "Choice",
    "DecimalField",
    "FloatField",
    "IntegerField",
    "RadioField",
    "SelectChoice",
    "SelectField",
    "SelectMultipleField",
]
