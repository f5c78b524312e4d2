"""What the children missing education tasks keep on the CME register (register.py), after the
process has moved on and in the same transaction: the notification adds the child, each set of
reasonable enquiries and the deletion decision are noted, and where the child is found closes
the entry or sets its review date. The notification also works out whether a school's notice
of a change to its admission register came late.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.pathways.cme import register
from app.pathways.registry import FormUse, TaskContext, calculation, effect

ENQUIRERS = ("school", "la")  # the school's enquiries, the local authority's


def _asks(*names: str) -> Callable[[tuple[str, ...], Mapping[str, str], FormUse], list[str]]:
    """A publish-time check: the task's form asks every question the effect reads."""

    def check(args: tuple[str, ...], kwargs: Mapping[str, str], use: FormUse) -> list[str]:
        keys = {c["key"] for c in use.components}
        return [
            f"the form '{use.form_key}' has no field '{n}', which the effect reads"
            for n in names
            if n not in keys
        ]

    return check


def _enquiry_fields(by: str) -> tuple[str, str, str]:
    return f"{by}_enquiries_completed_on", f"{by}_enquiries_made", f"{by}_enquiries_details"


def _check_enquiries(args: tuple[str, ...], kwargs: Mapping[str, str], use: FormUse) -> list[str]:
    if len(args) != 1 or args[0] not in ENQUIRERS or kwargs:
        return ["cme.record_enquiries needs whose enquiries they are: cme.record_enquiries(school) or (la)"]
    return _asks(*_enquiry_fields(args[0]))(args, kwargs, use)


@calculation("cme.register_notice_late")
def register_notice_late(ctx: TaskContext) -> Mapping[str, Any]:
    """`register_notice_late`: whether a school's notice of a change to its admission register
    reached the local authority late (register.notice_is_late)."""
    answers = ctx.answers
    late = register.notice_is_late(
        answers.get("register_notice"), answers.get("register_change_date"), answers.get("notice_received_on")
    )
    return {"register_notice_late": late}


NOTIFICATION_FIELDS = (
    "notice_received_on",
    "notification_source",
    "notification_reason",
    "last_known_address",
)


@effect("cme.add_to_register", check=_asks(*NOTIFICATION_FIELDS))
def add_to_register(ctx: TaskContext) -> None:
    """The notification puts the child on the register as missing education."""
    register.add_to_register(
        ctx.task.case_id, ctx.task.instance_id, ctx.case.child.full_name, dict(ctx.answers)
    )


@effect("cme.record_enquiries", check=_check_enquiries)
def record_enquiries(ctx: TaskContext, by: str) -> None:
    """The school's (`school`) or the local authority's (`la`) reasonable enquiries are on the register."""
    done_on, made, details = (ctx.answers.get(name) for name in _enquiry_fields(by))
    register.record_enquiries(ctx.task.case_id, by, done_on, list(made or []), str(details or ""))


@effect("cme.record_deletion", check=_asks("deletion_decision", "deletion_date", "deletion_decision_reasons"))
def record_deletion(ctx: TaskContext) -> None:
    """The deletion decision is on the register. (Its rules have already refused a deletion the
    20-school-day rule does not allow: rules.py.)"""
    register.record_deletion(ctx.task.case_id, dict(ctx.answers))


@effect("cme.record_whereabouts", check=_asks("cme_outcome", "found_on", "tracking_notes"))
def record_whereabouts(ctx: TaskContext) -> None:
    """Where the child was found closes the entry or marks it found; not found sets its next review."""
    register.record_whereabouts(ctx.task.case_id, dict(ctx.answers), ctx.today)
