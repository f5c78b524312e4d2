"""Forms for the school attendance order (processes/school_attendance_order.bpmn), one per formKey.

EA 1996 ss437-443. The statutory periods are calendar days that begin with the day
of service: a notice served on 3 March giving 15 days runs to 17 March. The forms work
out when each period ends, so the diagram's due dates and timers can use it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import wtforms
from wtforms import ValidationError

from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    number,
    radio,
    registered,
    required_if,
    text,
    textarea,
)

NOTICE_MINIMUM_DAYS = 15  # s437(1): "not less than 15 days beginning with the day on which it is served"
CHOICE_DAYS = 15  # s438: the parent's time to choose another school [verify]

HINTS = {
    "letter_sent_on": "The letter asks the parents to register the child at a school, or show suitable "
    "education at home, within the local authority's timescale.",
    "informal_evidence": "What the family sent or said, and what you checked.",
    "notice_served_on": "For a posted notice, the day it is treated as served.",
    "notice_served_on_parents": "Serve a notice on each parent.",
    "notice_period_days": "At least 15 days, counting the day of service as day 1.",
    "notice_decision_evidence": "What the parent sent, and why it does or does not show suitable education.",
    "expedient_reasons": "Include the child's views and any special educational needs.",
    "alternative_schools": "Optional: other suitable schools the parent may choose instead.",
    "school_consulted": "Consult the school's admission authority before naming it.",
    "intention_served_on": "The parent may choose another school within 15 days beginning with this day.",
    "chosen_school_will_admit": "A school the parent chose is named only if it will admit the child.",
    "order_school": "The school the parent chose, if it will admit the child; otherwise the school in the "
    "notice of intention.",
    "compliance_notes": "What the school told you, and when.",
    "offence_date": "The information must be laid within 6 months of the offence.",
    "eso_considered": "Before prosecuting, the local authority must consider applying for an education "
    "supervision order (s447).",
    "hearing_date": "The date of the first hearing at the magistrates' court.",
    "court_notes": "The sentence and any costs, in the court's words.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def period_end(served_on: date, days: int) -> date:
    """The last day of a period of `days` days beginning with the day of service (that day is day 1)."""
    return served_on + timedelta(days=days - 1)


@form("sao.informal_contact")
class InformalContactForm(TaskForm):
    contact_made = radio(
        "Have you spoken to the family?", YES_NO, "Select whether you have spoken to the family"
    )
    contact_made_on = GovDateField("Date you spoke to the family", limit="past")
    home_visit_made = radio("Have you visited the home?", YES_NO, "Select whether you have visited the home")
    home_visit_on = GovDateField("Date of the home visit", limit="past")
    letter_sent_on = GovDateField(
        "Date the letter was sent", "Enter the date the letter was sent", limit="past"
    )
    informal_contact_notes = textarea(
        "What did the family say about the child's education?", "Enter what the family said"
    )

    validate_contact_made_on = required_if("contact_made", "yes", "Enter the date you spoke to the family")
    validate_home_visit_on = required_if("home_visit_made", "yes", "Enter the date of the home visit")

    def validate_home_visit_made(self, field: wtforms.Field) -> None:
        if self.contact_made.data == "no" and field.data == "no":
            raise ValidationError("Visit the home before writing if you cannot reach the family another way")


@form("sao.informal_response")
class InformalResponseForm(TaskForm):
    informal_outcome = radio(
        "What did the family do?",
        "registered=Registered the child at a school"
        " | suitable_education=Showed the child is receiving suitable education otherwise"
        " | not_resolved=Did not reply, or did not show the child is receiving suitable education",
        "Select what the family did",
    )
    informal_school = text("School the child is registered at")
    informal_evidence = textarea("Evidence", "Enter the evidence")

    validate_informal_school = required_if(
        "informal_outcome", "registered", "Enter the school the child is registered at"
    )


@form("sao.notice_to_satisfy")
class NoticeToSatisfyForm(TaskForm):
    notice_served_on_parents = text("Parents the notice was served on", "Enter who the notice was served on")
    notice_service_method = radio(
        "How was the notice served?",
        "hand=Given to the parent | left=Left at the parent's usual or last known address"
        " | post=Posted to the parent's usual or last known address",
        "Select how the notice was served",
    )
    notice_served_on = GovDateField(
        "Date the notice was served", "Enter the date the notice was served", limit="past"
    )
    notice_period_days = number(
        "Number of days the notice gives the parent", "Enter the number of days the notice gives", whole=True
    )

    def validate_notice_period_days(self, field: wtforms.Field) -> None:
        if field.data is not None and field.data < NOTICE_MINIMUM_DAYS:
            raise ValidationError(
                "The notice must give at least 15 days, beginning with the day it is served"
            )

    def to_task_data(self) -> dict[str, Any]:
        data = super().to_task_data()
        data["notice_period_ends_on"] = period_end(
            self.notice_served_on.data, self.notice_period_days.data
        ).isoformat()
        return data


@form("sao.notice_decision")
class NoticeDecisionForm(TaskForm):
    notice_decision = radio(
        "Has the parent satisfied the local authority that the child is receiving suitable education?",
        "satisfied=Yes, close the case | not_satisfied=No, the notice period has ended without it",
        "Select whether the parent has satisfied the local authority",
    )
    notice_decision_evidence = textarea("Evidence and reasons", "Enter the evidence and your reasons")


@form("sao.decision_delay")
class DecisionDelayForm(TaskForm):
    notice_delay_reason = textarea("Why is the decision late?", "Enter why the decision is late")
    notice_decision_by = GovDateField(
        "Date the decision will be made", "Enter the date the decision will be made", limit="future"
    )


@form("sao.expedient")
class ExpedientForm(TaskForm):
    expedient = radio(
        "Is it expedient that the child should attend school?",
        "yes=Yes, serve a notice of intention | no=No, an order is not expedient",
        "Select whether it is expedient that the child should attend school",
    )
    expedient_reasons = textarea("Reasons", "Enter your reasons")
    alternative_plan = textarea("What will happen instead?")

    validate_alternative_plan = required_if("expedient", "no", "Enter what will happen instead")


@form("sao.notice_of_intention")
class NoticeOfIntentionForm(TaskForm):
    named_school = text("School named in the notice", "Enter the school named in the notice")
    alternative_schools = text("Other suitable schools")
    school_consulted = radio(
        "Have you consulted the school's admission authority?",
        YES_NO,
        "Select whether you have consulted the school's admission authority",
    )
    school_consulted_on = GovDateField("Date you consulted the admission authority", limit="past")
    intention_served_on = GovDateField(
        "Date the notice of intention was served",
        "Enter the date the notice of intention was served",
        limit="past",
    )

    validate_school_consulted_on = required_if(
        "school_consulted", "yes", "Enter the date you consulted the admission authority"
    )

    def validate_school_consulted(self, field: wtforms.Field) -> None:
        if field.data == "no":
            raise ValidationError("Consult the school's admission authority before naming the school")

    def to_task_data(self) -> dict[str, Any]:
        data = super().to_task_data()
        data["choice_period_ends_on"] = period_end(self.intention_served_on.data, CHOICE_DAYS).isoformat()
        return data


@form("sao.parent_choice")
class ParentChoiceForm(TaskForm):
    parent_chose_school = radio(
        "Did the parent choose another school within the 15 days?",
        YES_NO,
        "Select whether the parent chose another school",
    )
    chosen_school = text("School the parent chose")
    chosen_school_will_admit = radio(
        "Will that school admit the child?",
        "yes=Yes | no=No | not_applicable=The parent did not choose a school",
        "Select whether the school will admit the child",
    )

    validate_chosen_school = required_if("parent_chose_school", "yes", "Enter the school the parent chose")

    def validate_chosen_school_will_admit(self, field: wtforms.Field) -> None:
        if self.parent_chose_school.data == "yes" and field.data not in ("yes", "no"):
            raise ValidationError("Select whether the school will admit the child")


@form("sao.serve_order")
class ServeOrderForm(TaskForm):
    order_school = text("School named in the order", "Enter the school named in the order")
    order_served_on_parents = text("Parents the order was served on", "Enter who the order was served on")
    order_served_on = GovDateField(
        "Date the order was served", "Enter the date the order was served", limit="past"
    )


@form("sao.compliance")
class ComplianceForm(TaskForm):
    compliance = radio(
        "Has the parent complied with the order?",
        "registered=Yes, the child is registered at the named school"
        " | revocation_requested=The parent asks for the order to be revoked: the child is educated otherwise"
        " | not_complied=No, the child is not registered",
        "Select whether the parent has complied with the order",
    )
    compliance_checked_on = GovDateField(
        "Date you checked with the school", "Enter the date you checked with the school", limit="past"
    )
    registered_on = GovDateField("Date the child was registered", limit="past")
    compliance_notes = textarea("What did you find?", "Enter what you found")

    validate_registered_on = required_if(
        "compliance", "registered", "Enter the date the child was registered"
    )


@form("sao.revocation")
class RevocationForm(TaskForm):
    revocation_decision = radio(
        "Do you revoke the order?",
        "revoke=Yes, the child is receiving suitable education otherwise"
        " | refuse=No, keep the order and keep checking compliance",
        "Select whether you revoke the order",
    )
    revocation_reasons = textarea("Reasons", "Enter your reasons")


@form("sao.prosecution_referral")
class ProsecutionReferralForm(TaskForm):
    offence_date = GovDateField("Date of the offence", "Enter the date of the offence", limit="past")
    evidence_bundle = checkboxes(
        "What is in the evidence bundle?",
        "order=The order and proof of service | notices=The s437 notice and the notice of intention"
        " | school_confirmation=The school's confirmation the child is not registered"
        " | chronology=Chronology of contact and support offered | other=Other evidence",
        "Select what is in the evidence bundle",
    )
    eso_considered = radio(
        "Has the local authority considered an education supervision order?",
        YES_NO,
        "Select whether an education supervision order has been considered",
    )
    referral_notes = textarea("Why prosecution and not an education supervision order?", "Enter why")

    def validate_eso_considered(self, field: wtforms.Field) -> None:
        if field.data == "no":
            raise ValidationError("Consider an education supervision order before referring for prosecution")

    def validate_evidence_bundle(self, field: wtforms.Field) -> None:
        missing = {"order", "school_confirmation"} - set(field.data or [])
        if field.data and missing:
            raise ValidationError(
                "The bundle must include the order with proof of service and the school's confirmation"
            )


@form("sao.legal_review")
class LegalReviewForm(TaskForm):
    prosecute = radio(
        "Will the local authority prosecute?", YES_NO, "Select whether the local authority will prosecute"
    )
    information_laid_on = GovDateField("Date the information was laid", limit="past")
    hearing_date = GovDateField("Date of the hearing", limit="future")
    legal_review_reasons = textarea("Reasons", "Enter your reasons")

    validate_information_laid_on = required_if("prosecute", "yes", "Enter the date the information was laid")
    validate_hearing_date = required_if("prosecute", "yes", "Enter the date of the hearing")


@form("sao.court_outcome")
class CourtOutcomeForm(TaskForm):
    court_result = radio(
        "What did the court decide?",
        "convicted=The parent was convicted | acquitted=The parent was acquitted"
        " | withdrawn=The case was withdrawn",
        "Select what the court decided",
    )
    sentence = checkboxes(
        "Sentence",
        "fine=Fine | parenting_order=Parenting order | discharge=Conditional or absolute discharge"
        " | costs=Costs awarded to the local authority",
    )
    eso_directed = radio(
        "Did the court direct the local authority to apply for an education supervision order?",
        YES_NO,
        "Select whether the court directed an application for an education supervision order",
    )
    court_notes = textarea("Details of the outcome", "Enter the details of the outcome")

    validate_sentence = required_if("court_result", "convicted", "Select the sentence")
