"""Forms for the child and family assessment (processes/cas_assessment.bpmn), one per formKey.

Field names are task-data keys and are unique in the process, so the answers of the timer
branches (the reminder and the record of a delay) never overwrite the assessment's own.
"""

from __future__ import annotations

from typing import Any

import wtforms
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError

from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    options,
    radio,
    registered,
    require,
    required_if,
    text,
    textarea,
)

HINTS = {
    "referral_decision": "Decide within 1 working day of the referral, and tell the referrer.",
    "referral_decision_reasons": "What you checked, who you spoke to, and why this is the right next step.",
    "social_worker_name": "The social worker must be qualified and registered with Social Work England.",
    "allocation_plan": "Who will be seen, which agencies will contribute, and by when.",
    "child_seen": "Working Together 2023 expects the child to be seen, and alone where appropriate.",
    "child_views": "In the child's own words where you can.",
    "assessment_analysis": "What the needs, risks and strengths mean for the child, and what you recommend.",
    "assessment_on_track": "The assessment must be finished within 45 working days of the referral.",
    "reminder_note": "Needed if it will not finish on time: what is outstanding and who you have told.",
    "delay_reason": "For example, waiting for a health assessment, or the family could not be seen.",
    "expected_completion_date": "For example, 27 3 2027",
    "delay_action_agreed": "Who will do what so the assessment is finished by the new date.",
    "authorisation_decision": "Authorising the assessment stops the 45 working day clock.",
    "authorisation_notes": "Needed if you return it: say exactly what needs to change.",
    "assessment_outcome": "Tell the family and the referrer what happens next.",
    "early_help_consent": "Needed if you step down: Early Help is voluntary and needs the family's consent.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


@form("cas.referral_decision")
class ReferralDecisionForm(TaskForm):
    referral_decision = radio(
        "What is the referral decision?",
        "assessment=Child and family assessment (section 17)"
        " | strategy_discussion=Strategy discussion: reasonable cause to suspect significant harm"
        " | early_help=Step down to Early Help | no_further_action=No further action",
        "Select the referral decision",
    )
    referral_decision_reasons = textarea(
        "Reasons for the decision", "Enter the reasons for the referral decision"
    )
    referrer_told = radio("Have you told the referrer?", YES_NO, "Select whether you have told the referrer")
    referrer_not_told_reason = textarea("Why have you not told the referrer?")

    validate_referrer_not_told_reason = required_if(
        "referrer_told", "no", "Enter why you have not told the referrer"
    )


@form("cas.allocate")
class AllocateForm(TaskForm):
    social_worker_name = text("Social worker's name", "Enter the social worker's name")
    allocated_on = GovDateField("Date of allocation", "Enter the date of allocation", limit="past")
    allocation_plan = textarea("Allocation plan", "Enter the allocation plan")


@form("cas.assessment")
class AssessmentForm(TaskForm):
    child_seen = radio("Was the child seen?", YES_NO, "Select whether the child was seen")
    child_seen_on = GovDateField("Date the child was last seen", limit="past")
    child_not_seen_reason = textarea("Why was the child not seen?")
    child_views = textarea("What does the child say?", "Enter what the child says")
    assessment_analysis = textarea("Analysis and recommendation", "Enter your analysis and recommendation")
    assessment_completed_on = GovDateField(
        "Date the assessment was completed", "Enter the date the assessment was completed", limit="past"
    )

    validate_child_seen_on = required_if("child_seen", "yes", "Enter the date the child was last seen")
    validate_child_not_seen_reason = required_if("child_seen", "no", "Enter why the child was not seen")


@form("cas.assessment_reminder")
class AssessmentReminderForm(TaskForm):
    assessment_on_track = radio(
        "Will the assessment be finished on time?",
        YES_NO,
        "Select whether the assessment will be finished on time",
    )
    reminder_note = textarea("Notes")

    validate_reminder_note = required_if(
        "assessment_on_track", "no", "Enter what is outstanding and who you have told"
    )


@form("cas.record_delay")
class RecordDelayForm(TaskForm):
    delay_reason = textarea("Reason for the delay", "Enter the reason for the delay")
    expected_completion_date = GovDateField(
        "New expected completion date", "Enter the new expected completion date", limit="future"
    )
    delay_action_agreed = textarea("Action agreed")


@form("cas.authorise")
class AuthoriseForm(TaskForm):
    authorisation_decision = radio(
        "Do you authorise the assessment?",
        "authorised=Yes, authorise it | returned=No, return it to the social worker",
        "Select whether you authorise the assessment",
    )
    authorisation_notes = textarea("Notes for the social worker")

    validate_authorisation_notes = required_if(
        "authorisation_decision", "returned", "Enter what needs to change before you can authorise it"
    )


@form("cas.outcome")
class OutcomeForm(TaskForm):
    assessment_outcome = radio(
        "What is the outcome of the assessment?",
        "s47_enquiries=Section 47 child protection enquiries"
        " | immediate_protection=Legal action to protect the child from immediate harm"
        " | looked_after=The child becoming looked after"
        " | child_in_need=Child in need plan (section 17)"
        " | step_down_early_help=Step down to Early Help"
        " | no_further_action=No further action and close the case",
        "Select the outcome of the assessment",
    )
    outcome_reasons = textarea("Reasons for the outcome", "Enter the reasons for the outcome")
    early_help_consent = wtforms.RadioField(
        "Has the family agreed to Early Help?",
        choices=options(YES_NO),
        validate_choice=False,  # answered only for a step-down; checked below
        widget=gov.GovRadioInput(),
    )
    family_told = radio(
        "Have you told the family?", YES_NO, "Select whether you have told the family the outcome"
    )

    def validate_early_help_consent(self, field: wtforms.Field) -> None:
        if self.assessment_outcome.data != "step_down_early_help":
            return
        require(field, "Select whether the family has agreed to Early Help")
        if field.data not in ("yes", "no"):
            raise ValidationError("Select whether the family has agreed to Early Help")
        if field.data == "no":
            raise ValidationError("Early Help needs the family's consent: select another outcome")
