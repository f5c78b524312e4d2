"""Forms for the strategy discussion, section 47 enquiry and initial conference
(processes/child_protection_enquiry.bpmn), one per formKey.

Field names are task-data keys. `strategy_discussion_date` is overwritten by each further strategy
discussion, so the 15 working day clock of the conference always runs from the last one; the
conference's `icpc_date` is what the child protection plan counts its core group and reviews from.
"""

from __future__ import annotations

from typing import Any

import wtforms
from wtforms import ValidationError

from app.timescales.settings import local_setting
from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    optional_radio,
    radio,
    registered,
    require,
    required_if,
    text,
    textarea,
)

HINTS = {
    "strategy_agencies": "Working Together 2023 expects social care, the police and health as a minimum.",
    "strategy_agency_absent_reason": "Needed if social care, the police or health did not take part.",
    "strategy_attendees": "Name, role and agency, for example Jo Smith, PC 1234, Riverside police.",
    "strategy_information": "What each agency knows about the child and the family.",
    "strategy_decision_reasons": "Why there is, or is not, reasonable cause to suspect significant harm.",
    "strategy_actions": "Who will do what by when, including how the child will be kept safe now.",
    "s47_child_views": "In the child's own words where you can.",
    "s47_findings": "What you found, from whom, and whether the concerns are substantiated.",
    "s47_further_reason": "The new information, and why the agencies need to discuss it again.",
    "professionals_attendees": "Name, role and agency.",
    "icpc_decision_reasons": "Write them so the family could read them.",
    "icpc_chair": "An independent chair with no line management of the case.",
    "icpc_child_participation": "For example, the child will attend part of it, or an advocate will.",
    "reports_shared_on": "Parents should have the report at least 48 hours before the conference.",
    "reports_late_reason": "Needed if the parents had the report less than the local notice before.",
    "icpc_attendees": "Name and role, including the chair. Say who sent a report but did not come.",
    "icpc_child_views": "In the child's own words where you can, or how they were represented.",
    "icpc_decisions": "What the conference decided and why.",
    "lead_social_worker": "The qualified social worker who will lead the child protection plan.",
    "icpc_outline_plan": "The outline plan the first core group will make detailed.",
    "icpc_delay_reason": "For example, the police could not attend, or the family asked to move the date.",
    "icpc_delay_safety": "Visits, safety plan and who is checking on the child.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def choice_required_if(other: str, values: str | tuple[str, ...], message: str) -> Any:
    """A validate_<field> rule for an optional_radio: one of its choices, when `other` is one of `values`."""
    wanted = {values} if isinstance(values, str) else set(values)

    def validate(form: Any, field: wtforms.RadioField) -> None:
        if form[other].data not in wanted:
            return
        require(field, message)
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return validate


@form("cpe.strategy_discussion")
class StrategyDiscussionForm(TaskForm):
    meeting_kind = "strategy_discussion"
    meeting_fields = {
        "held_on": "strategy_discussion_date",
        "attendees": "strategy_attendees",
        "decisions": ("strategy_information", "strategy_decision_reasons"),
        "actions": "strategy_actions",
        "outcome": "strategy_decision",
        "next_due": "further_strategy_date",
    }

    strategy_discussion_date = GovDateField(
        "Date of the strategy discussion", "Enter the date of the strategy discussion", limit="past"
    )
    strategy_agencies = checkboxes(
        "Which agencies took part?",
        "social_care=Children's social care | police=Police | health=Health | school=School or nursery"
        " | other=Another agency",
        "Select the agencies that took part",
    )
    strategy_agency_absent_reason = textarea("Why did an agency not take part?")
    strategy_attendees = textarea("Who took part?", "Enter who took part")
    strategy_information = textarea("What was shared?", "Enter what was shared")
    strategy_decision = radio(
        "What did the strategy discussion decide?",
        "s47_enquiry=Start a section 47 enquiry: reasonable cause to suspect significant harm"
        " | further_discussion=Hold a further strategy discussion"
        " | child_in_need=No section 47 enquiry: support as a child in need (section 17)"
        " | no_further_action=No section 47 enquiry and no further action",
        "Select what the strategy discussion decided",
    )
    strategy_decision_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")
    strategy_actions = textarea("Actions agreed", "Enter the actions agreed")
    further_strategy_date = GovDateField("Date of the further strategy discussion", limit="future")

    validate_further_strategy_date = required_if(
        "strategy_decision", "further_discussion", "Enter the date of the further strategy discussion"
    )

    def validate_strategy_agency_absent_reason(self, field: wtforms.Field) -> None:
        missing = {"social_care", "police", "health"} - set(self.strategy_agencies.data or [])
        if missing:
            require(field, "Enter why children's social care, the police or health did not take part")


@form("cpe.s47_enquiry")
class SectionFortySevenForm(TaskForm):
    s47_child_seen = radio("Has the child been seen?", YES_NO, "Select whether the child has been seen")
    s47_child_seen_on = GovDateField("Date the child was last seen", limit="past")
    s47_child_seen_alone = optional_radio("Was the child seen alone?", YES_NO)
    s47_child_not_seen_reason = textarea("Why has the child not been seen?")
    s47_child_views = textarea("What does the child say?", "Enter what the child says")
    s47_findings = textarea("What has the enquiry found?", "Enter what the enquiry has found")
    s47_next_step = radio(
        "What happens next?",
        "manager=The enquiry is finished: send it to the team manager"
        " | professionals_meeting=Hold a professionals' meeting first"
        " | further_discussion=Hold a further strategy discussion: there is new information",
        "Select what happens next",
    )
    s47_concerns = optional_radio(
        "Are the concerns substantiated?",
        "substantiated=Yes: the child is likely to suffer significant harm"
        " | not_substantiated=No, or the child is safe with support",
    )
    s47_completed_on = GovDateField("Date the enquiry was finished", limit="past")
    s47_further_reason = textarea("What is the new information?")

    validate_s47_child_seen_on = required_if(
        "s47_child_seen", "yes", "Enter the date the child was last seen"
    )
    validate_s47_child_seen_alone = choice_required_if(
        "s47_child_seen", "yes", "Select whether the child was seen alone"
    )
    validate_s47_child_not_seen_reason = required_if(
        "s47_child_seen", "no", "Enter why the child has not been seen"
    )
    validate_s47_concerns = choice_required_if(
        "s47_next_step", "manager", "Select whether the concerns are substantiated"
    )
    validate_s47_completed_on = required_if(
        "s47_next_step", "manager", "Enter the date the enquiry was finished"
    )
    validate_s47_further_reason = required_if(
        "s47_next_step", "further_discussion", "Enter the new information"
    )


@form("cpe.professionals_meeting")
class ProfessionalsMeetingForm(TaskForm):
    meeting_kind = "professionals_meeting"
    meeting_fields = {
        "held_on": "professionals_meeting_date",
        "attendees": "professionals_attendees",
        "decisions": "professionals_information",
        "actions": "professionals_agreed",
    }

    professionals_meeting_date = GovDateField(
        "Date of the professionals' meeting", "Enter the date of the professionals' meeting", limit="past"
    )
    professionals_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    professionals_information = textarea("What did each agency share?", "Enter what each agency shared")
    professionals_agreed = textarea("What was agreed?", "Enter what was agreed")


@form("cpe.icpc_decision")
class ConferenceDecisionForm(TaskForm):
    icpc_decision = radio(
        "Will you convene an initial child protection conference?",
        "convene=Yes, convene a conference"
        " | child_in_need=No: support as a child in need (section 17)"
        " | no_further_action=No: no further action",
        "Select whether you will convene a conference",
    )
    icpc_decision_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")
    icpc_family_told = radio(
        "Have you told the family?", YES_NO, "Select whether you have told the family the decision"
    )
    icpc_family_not_told_reason = textarea("Why have you not told the family?")

    validate_icpc_family_not_told_reason = required_if(
        "icpc_family_told", "no", "Enter why you have not told the family"
    )


@form("cpe.convene_icpc")
class ConveneConferenceForm(TaskForm):
    icpc_planned_date = GovDateField(
        "Date of the conference", "Enter the date of the conference", limit="future"
    )
    icpc_chair = text("Who will chair the conference?", "Enter who will chair the conference")
    icpc_invited = checkboxes(
        "Who has been invited?",
        "parents=The parents or carers | child=The child | social_care=Children's social care"
        " | police=Police | health=Health | school=School or nursery | other=Other agencies",
        "Select who has been invited",
    )
    icpc_parents_not_invited_reason = textarea("Why have the parents not been invited?")
    icpc_child_participation = textarea(
        "How will the child's views be heard?", "Enter how the child's views will be heard"
    )

    def validate_icpc_parents_not_invited_reason(self, field: wtforms.Field) -> None:
        if "parents" not in (self.icpc_invited.data or []):
            require(field, "Enter why the parents have not been invited")


@form("cpe.icpc")
class ConferenceForm(TaskForm):
    meeting_kind = "icpc"
    meeting_fields = {
        "held_on": "icpc_date",
        "invited": "cpe.convene_icpc:icpc_invited",  # recorded when the chair convened it
        "attendees": "icpc_attendees",
        "decisions": ("icpc_child_views", "icpc_decisions"),
        "actions": "icpc_outline_plan",
        "outcome": "icpc_outcome",
    }

    icpc_date = GovDateField("Date of the conference", "Enter the date of the conference", limit="past")
    icpc_attendees = textarea("Who came to the conference?", "Enter who came to the conference")
    icpc_parents_attended = radio(
        "Did the parents or carers attend?", YES_NO, "Select whether the parents or carers attended"
    )
    reports_shared_on = GovDateField(
        "Date the parents had the social worker's report",
        "Enter the date the parents had the social worker's report",
        limit="past",
    )
    reports_late_reason = textarea("Why did the parents have the report late?")
    icpc_child_views = textarea("What does the child think?", "Enter the child's views")
    icpc_decisions = textarea("What did the conference decide?", "Enter what the conference decided")
    icpc_outcome = radio(
        "Does the child need a child protection plan?",
        "child_protection_plan=Yes: the child is likely to suffer significant harm"
        " | child_in_need=No: a child in need plan (section 17)"
        " | no_further_action=No: no further action",
        "Select whether the child needs a child protection plan",
    )
    abuse_category = optional_radio(
        "Category of abuse",
        "neglect=Neglect | physical=Physical abuse | emotional=Emotional abuse | sexual=Sexual abuse"
        " | multiple=Multiple",
    )
    lead_social_worker = text("Lead social worker")
    icpc_outline_plan = textarea("Outline child protection plan")

    validate_abuse_category = choice_required_if(
        "icpc_outcome", "child_protection_plan", "Select the category of abuse"
    )
    validate_lead_social_worker = required_if(
        "icpc_outcome", "child_protection_plan", "Enter the lead social worker's name"
    )
    validate_icpc_outline_plan = required_if(
        "icpc_outcome", "child_protection_plan", "Enter the outline child protection plan"
    )

    def validate_reports_shared_on(self, field: wtforms.Field) -> None:
        if field.data and self.icpc_date.data and field.data > self.icpc_date.data:
            raise ValidationError("Enter the date the parents had the report, on or before the conference")

    def validate_reports_late_reason(self, field: wtforms.Field) -> None:
        shared, held = self.reports_shared_on.data, self.icpc_date.data
        if shared and held and (held - shared).days < local_setting("icpc_report_notice_days"):
            require(field, "Enter why the parents had the report late")


@form("cpe.icpc_delay")
class ConferenceDelayForm(TaskForm):
    icpc_delay_reason = textarea("Why is the conference late?", "Enter why the conference is late")
    icpc_expected_date = GovDateField(
        "Date the conference will now be held",
        "Enter the date the conference will now be held",
        limit="future",
    )
    icpc_delay_safety = textarea(
        "How is the child being kept safe meanwhile?", "Enter how the child is being kept safe"
    )
