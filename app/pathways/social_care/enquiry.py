"""Rules of the initial child protection conference's form (processes/child_protection_enquiry.bpmn):
when the parents had the social worker's report."""

from __future__ import annotations

from app.pathways.answers import date_answer
from app.pathways.registry import TaskContext, rule
from app.timescales.settings import local_setting


@rule("cpe.report_before_conference")
def report_before_conference(ctx: TaskContext) -> str | None:
    """The parents had the report on or before the day of the conference."""
    shared, held = date_answer(ctx, ctx.field), date_answer(ctx, "icpc_date")
    if shared is not None and held is not None and shared > held:
        return "Enter the date the parents had the report, on or before the conference"
    return None


@rule("cpe.reason_report_late")
def reason_report_late(ctx: TaskContext) -> str | None:
    """A report the parents had less than the local notice before the conference needs the
    reason it was late."""
    shared, held = date_answer(ctx, "reports_shared_on"), date_answer(ctx, "icpc_date")
    if shared is None or held is None or ctx.value:
        return None
    if (held - shared).days < local_setting("icpc_report_notice_days"):
        return "Enter why the parents had the report late"
    return None
