"""Forms for legal planning for attendance (processes/attendance_legal_planning.bpmn), part one:
support first, the legal planning meeting, the manager's route, attendance contracts, notices to
improve and education supervision orders. Penalty notices and prosecution are in
forms/attendance_legal_penalty.py.

Field names are task-data keys, unique in the process except where a later answer is meant to
replace an earlier one (`contract_next_review_on`, set by the contract and by each review).
Checks that need the case (is the child looked after?) read it through the task being submitted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import wtforms
from flask import has_request_context, request
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError
from wtforms.validators import Optional

from app.extensions import db
from app.models import HumanTask
from app.timescales.settings import local_setting
from forms.base import TaskForm
from forms.fields import YES_NO, GovDateField, checkboxes, radio, registered, required_if, text, textarea

ROUTES = (
    "contract=Attendance contract (a voluntary written agreement)"
    " | notice_to_improve=Notice to improve (a final chance before a penalty notice)"
    " | penalty_notice=Penalty notice"
    " | eso=Education supervision order"
    " | prosecution=Prosecution (section 444 Education Act 1996)"
    " | no_legal_action=No legal action: close the legal planning"
)

HINTS = {
    "support_evidence": "What was offered, by whom and when (school support plan, Early Help, "
    "attendance meetings), and what the family did. Support comes first: legal action follows only when "
    "support has not been taken up or has not worked.",
    "not_appropriate_reason": "For example, an unauthorised term-time holiday.",
    "liable_parents": "Each parent with parental responsibility or day-to-day care: name and relationship. "
    "Each liable parent is dealt with separately.",
    "lpm_attendees": "Name and role, for example Sam Jones, mother; Jo Brennan, attendance officer.",
    "lpm_agreed": "The plan the parent signed: what they will do, what support is offered, and what "
    "happens if attendance does not improve.",
    "route_reasons": "Why this route is proportionate now, and what has already been tried.",
    "contract_parent_commitments": "What the parent agrees to do, for example walk the child to school.",
    "contract_support_commitments": "What the school or the council will do, for example a mentor.",
    "contract_next_review_on": "Within the local review interval of the date it was agreed.",
    "contract_progress": "Attendance since the last review, and whether each side has kept to the contract.",
    "nti_sufficient_improvement": "For this family, for example no unauthorised absence in the period.",
    "nti_unauthorised_during": "Sessions coded G, N, O or U during the improvement period.",
    "csc_advice": "What children's social care said about the family and about an order.",
    "eso_hearing_on": "The date the Family Court lists the application.",
    "eso_supervisor": "The officer appointed to advise, assist, befriend and give directions.",
    "eso_extension_reasons": "An extension (up to 3 years) must be applied for in the last 3 months.",
}

NTI_CONTENT = (
    "record=The attendance record and the offences"
    " | duty=The benefits of attendance and the parent's duty under section 7 Education Act 1996"
    " | support=The support given so far and the further support on offer"
    " | warning=A clear warning that a penalty notice or prosecution may follow"
    " | period=The improvement period"
    " | improvement=What sufficient improvement means for this family"
    " | early=The grounds on which a penalty notice may be issued before the period ends"
)


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def task_in_request() -> HumanTask | None:
    """The task whose form is being submitted (the page and the API both name it in the URL)."""
    if not has_request_context():
        return None
    task_id = (request.view_args or {}).get("task_id")
    return db.session.get(HumanTask, task_id) if task_id else None


def optional_count(label: str) -> wtforms.IntegerField:
    return wtforms.IntegerField(
        label,
        [Optional()],
        invalid_value_message=f"{label.rstrip('?')} must be a whole number, like 12",
        widget=gov.GovTextInput(),
    )


def _review_within(agreed: date | None, review: date | None) -> None:
    if agreed is None or review is None:
        return
    weeks = local_setting("attendance_contract_review_weeks")
    if review <= agreed:
        raise ValidationError("The review date must be after the contract was agreed or last reviewed")
    if review > agreed + timedelta(weeks=weeks):
        raise ValidationError(f"The review must be within {weeks} weeks (the local review interval)")


@form("legal.check_support")
class CheckSupportForm(TaskForm):
    support_position = radio(
        "Has support been offered first?",
        "not_engaged=Support was offered and the family did not engage"
        " | not_worked=Support was offered and taken up, but attendance has not improved"
        " | not_appropriate=Support is not appropriate (for example an unauthorised term-time holiday)"
        " | not_offered=Support has not been offered yet",
        "Select whether support has been offered first",
    )
    support_evidence = textarea("What support was offered and what happened?", "Enter the support offered")
    not_appropriate_reason = textarea("Why is support not appropriate?")
    liable_parents = textarea("Who are the liable parents?", "Enter who the liable parents are")

    validate_not_appropriate_reason = required_if(
        "support_position", "not_appropriate", "Enter why support is not appropriate"
    )

    def to_task_data(self) -> dict[str, Any]:
        # The child's school calendar decides school-week deadlines later in the process.
        task = task_in_request()
        school = task.case.child.school if task is not None else ""
        return {**super().to_task_data(), "child_school": school}


@form("legal.planning_meeting")
class PlanningMeetingForm(TaskForm):
    meeting_kind = "legal_planning_meeting"
    meeting_fields = {
        "held_on": "lpm_held_on",
        "attendees": "lpm_attendees",
        "decisions": "lpm_parent_views",
        "actions": "lpm_agreed",
        "outcome": "lpm_recommended_route",
    }

    lpm_held_on = GovDateField("Date of the meeting", "Enter the date of the meeting", limit="past")
    lpm_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    lpm_parent_views = textarea("What does the parent say?", "Enter the parent's views")
    lpm_agreed = textarea("What was agreed?", "Enter what was agreed")
    lpm_recommended_route = radio(
        "What do you recommend to the manager?", ROUTES, "Select the route you recommend"
    )


@form("legal.decide_route")
class DecideRouteForm(TaskForm):
    legal_route = radio("Which route will be taken?", ROUTES, "Select the route")
    route_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")

    def validate_legal_route(self, field: wtforms.Field) -> None:
        task = task_in_request()
        if field.data == "eso" and task is not None and task.case.child.looked_after:
            raise ValidationError(
                f"{task.case.child.full_name} is looked after by a local authority, so an education "
                "supervision order cannot be made (Children Act 1989 s36): select another route"
            )


@form("legal.attendance_contract")
class AttendanceContractForm(TaskForm):
    meeting_kind = "attendance_contract_meeting"
    meeting_fields = {
        "held_on": "contract_agreed_on",
        "decisions": ("contract_parent_commitments", "contract_support_commitments"),
        "next_due": "contract_next_review_on",
    }

    contract_agreed = radio(
        "Has the parent agreed to the attendance contract?",
        YES_NO,
        "Select whether the parent has agreed to the contract",
    )
    contract_agreed_on = GovDateField("Date the contract was agreed", limit="past")
    contract_parent_commitments = textarea("What has the parent agreed to do?")
    contract_support_commitments = textarea("What support will the school or council give?")
    contract_next_review_on = GovDateField("Date of the first review")
    contract_refused_reason = textarea("What did the parent say?")

    validate_contract_parent_commitments = required_if(
        "contract_agreed", "yes", "Enter what the parent has agreed to do"
    )
    validate_contract_support_commitments = required_if(
        "contract_agreed", "yes", "Enter the support that will be given"
    )
    validate_contract_refused_reason = required_if(
        "contract_agreed", "no", "Enter what the parent said: a refusal is evidence for later action"
    )

    def validate_contract_agreed_on(self, field: wtforms.Field) -> None:
        required_if("contract_agreed", "yes", "Enter the date the contract was agreed")(self, field)

    def validate_contract_next_review_on(self, field: wtforms.Field) -> None:
        required_if("contract_agreed", "yes", "Enter the date of the first review")(self, field)
        if self.contract_agreed.data == "yes":
            _review_within(self.contract_agreed_on.data, field.data)


@form("legal.contract_review")
class ContractReviewForm(TaskForm):
    meeting_kind = "attendance_contract_meeting"
    meeting_fields = {
        "held_on": "contract_review_held_on",
        "decisions": "contract_progress",
        "outcome": "contract_review_outcome",
        "next_due": "contract_next_review_on",
    }

    contract_review_held_on = GovDateField("Date of the review", "Enter the date of the review", limit="past")
    contract_progress = textarea("What progress has been made?", "Enter the progress made")
    contract_review_outcome = radio(
        "What is the outcome of the review?",
        "worked=Attendance has improved: end the contract"
        " | continue=Keep the contract and review it again"
        " | not_working=The contract is not working or was broken: a manager decides the next step",
        "Select the outcome of the review",
    )
    contract_next_review_on = GovDateField("Date of the next review")

    def validate_contract_next_review_on(self, field: wtforms.Field) -> None:
        required_if("contract_review_outcome", "continue", "Enter the date of the next review")(self, field)
        if self.contract_review_outcome.data == "continue":
            _review_within(self.contract_review_held_on.data, field.data)


@form("legal.notice_to_improve")
class NoticeToImproveForm(TaskForm):
    nti_issued_on = GovDateField(
        "Date the notice to improve was issued", "Enter the date the notice was issued", limit="past"
    )
    nti_content = checkboxes("What does the notice include?", NTI_CONTENT, "Select what the notice includes")
    nti_sufficient_improvement = textarea(
        "What counts as sufficient improvement?", "Enter what counts as sufficient improvement"
    )

    def validate_nti_content(self, field: wtforms.Field) -> None:
        labels = dict(self.__class__.choice_labels()["nti_content"])
        missing = [label for value, label in labels.items() if value not in (field.data or [])]
        if missing and not field.errors:
            raise ValidationError(f"The notice must also include: {missing[0].lower()}")


@form("legal.nti_review")
class NoticeToImproveReviewForm(TaskForm):
    nti_attendance_during = textarea(
        "What was attendance like during the improvement period?", "Enter attendance during the period"
    )
    nti_unauthorised_during = optional_count("How many unauthorised sessions were there in the period?")
    nti_outcome = radio(
        "Has attendance improved enough?",
        "improved=Yes: close the legal planning"
        " | not_improved=No: a manager decides on a penalty notice or prosecution",
        "Select whether attendance has improved enough",
    )

    def validate_nti_unauthorised_during(self, field: wtforms.Field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter how many unauthorised sessions there were in the period")
        if field.data is not None and field.data < 0:
            raise ValidationError("The number of sessions must be 0 or more")


@form("legal.eso_application")
class EsoApplicationForm(TaskForm):
    csc_consulted_on = GovDateField(
        "Date children's social care was consulted",
        "Enter the date children's social care was consulted: it is required before applying",
        limit="past",
    )
    csc_consulted_with = text("Who in children's social care was consulted?", "Enter who was consulted")
    csc_advice = textarea(
        "What did children's social care advise?", "Enter what children's social care advised"
    )
    eso_child_looked_after = radio(
        "Is the child looked after by a local authority?", YES_NO, "Select whether the child is looked after"
    )
    eso_decision = radio(
        "Will you apply for an education supervision order?",
        "apply=Yes, apply to the Family Court | do_not_apply=No: a manager decides another route",
        "Select whether you will apply",
    )
    eso_applied_on = GovDateField("Date the application was made", limit="past")
    eso_hearing_on = GovDateField("Date of the hearing")
    eso_not_applying_reason = textarea("Why are you not applying?")

    validate_eso_applied_on = required_if("eso_decision", "apply", "Enter the date the application was made")
    validate_eso_not_applying_reason = required_if(
        "eso_decision", "do_not_apply", "Enter why you are not applying"
    )

    def validate_eso_hearing_on(self, field: wtforms.Field) -> None:
        required_if("eso_decision", "apply", "Enter the date of the hearing")(self, field)
        applied = self.eso_applied_on.data
        if self.eso_decision.data == "apply" and field.data and applied and field.data < applied:
            raise ValidationError("The hearing must be on or after the date of the application")

    def validate_eso_decision(self, field: wtforms.Field) -> None:
        task = task_in_request()
        looked_after = self.eso_child_looked_after.data == "yes" or (
            task is not None and task.case.child.looked_after
        )
        if field.data == "apply" and looked_after:
            raise ValidationError(
                "An education supervision order cannot be made for a child who is looked after: "
                "select 'No' so a manager can decide another route"
            )


@form("legal.eso_decision")
class EsoDecisionForm(TaskForm):
    eso_made = radio("Did the court make the order?", YES_NO, "Select whether the court made the order")
    eso_made_on = GovDateField("Date the order was made", limit="past")
    eso_supervisor = text("Who is the supervisor?")
    eso_court_notes = textarea("What did the court decide?", "Enter what the court decided")

    validate_eso_made_on = required_if("eso_made", "yes", "Enter the date the order was made")
    validate_eso_supervisor = required_if("eso_made", "yes", "Enter who the supervisor is")


@form("legal.eso_supervise")
class EsoSuperviseForm(TaskForm):
    eso_ended_on = GovDateField("Date the order ended", "Enter the date the order ended", limit="past")
    eso_end_reason = radio(
        "Why has the supervision ended?",
        "expired=The order ran its course (including any extension)"
        " | discharged=The court discharged the order"
        " | directions_not_followed=The parent persistently failed to follow the supervisor's directions:"
        " a manager decides the next step",
        "Select why the supervision has ended",
    )
    eso_summary = textarea("Summary", "Enter a summary of the supervision")


@form("legal.eso_extension")
class EsoExtensionForm(TaskForm):
    eso_extend = radio(
        "Will you apply to extend the order?", YES_NO, "Select whether you will apply to extend the order"
    )
    eso_extension_reasons = textarea("Reasons", "Enter the reasons for the decision")
    eso_extension_applied_on = GovDateField("Date the extension was applied for", limit="past")

    validate_eso_extension_applied_on = required_if(
        "eso_extend", "yes", "Enter the date the extension was applied for"
    )
