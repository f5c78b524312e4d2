"""Forms for legal planning for attendance, part two: penalty notices and prosecution.

The issue form checks the national framework against the penalty-notice ledger while the officer
is on the page (the threshold window, the amount, the 2-in-3-years limit) and writes the ledger
row when it is submitted (`on_completed`, in the same transaction as the task). The payment and
unpaid-notice forms update that row. Rules: app/legal/rules.py; ledger: app/legal/ledger.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import wtforms
from wtforms import ValidationError

from app.legal import ledger, rules
from app.meetings.services import earlier_answer
from app.timescales.school_calendar import NoTermDates
from app.timescales.working_days import as_date
from forms.attendance_legal import optional_count, task_in_request
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
from forms.fields import (
    options as _options,
)

HINTS = {
    "pn_parent_name": "One notice per liable parent, per child. Use the name on the notice.",
    "pn_unauthorised_sessions": "Sessions coded G, N, O or U in the window. The national threshold is 10.",
    "pn_window_start": "The window can be at most 10 school weeks and may span terms.",
    "pn_below_threshold_reason": "The council may act below the threshold, for example repeated short "
    "holidays: say why.",
    "pn_issued_on": "The notice is presumed served on the 2nd working day after posting.",
    "pn_paid_amount": "£80 if paid within 21 days of service (first notice only), £160 within 28 days.",
    "pn_withdrawal_details": "What was wrong, and what happens next for the family.",
    "last_offence_date": "The information must be laid within 6 months of this date.",
    "eso_considered": "Section 447 Education Act 1996: the council must consider an ESO before prosecuting.",
    "prosecution_defendants": "Each parent is prosecuted separately: name each one.",
    "interview_under_caution_on": "Needed for section 444(1A): interview under caution under PACE Code C, "
    "recorded under Code E.",
    "certificate_signed_by": "A register extract certified by the head teacher is evidence (s566 EA 1996).",
    "court_fine_amount": "In pounds. Up to £1,000 for section 444(1), £2,500 for section 444(1A).",
}

WITHDRAWAL_GROUNDS = (
    "not_framework=It should not have been issued (outside the framework or code of conduct, or no offence)"
    " | wrong_recipient=It was issued to the wrong person"
    " | material_error=It contains material errors"
)
PAID = "80=£80 | 160=£160"
COMPUTED_LABELS = {
    "pn_served_on": "Presumed served on",
    "pn_sequence": "Notice number in the 3-year window",
    "pn_amount": "Amount at issue (£)",
    "pn_discount_ends_on": "£80 rate ends",
    "pn_pay_by": "Last day to pay",
}
FINE_LIMITS = {"s444_1": 1000, "s444_1a": 2500}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def _payment_problem(paid_on: date | None, amount: str | None) -> str:
    task = task_in_request()
    notice = ledger.open_notice(task.instance_id) if task is not None else None
    if notice is None or paid_on is None or amount not in ("80", "160"):
        return ""
    return ledger.payment_problem(notice, paid_on, int(amount))


@form("legal.issue_penalty_notice")
class IssuePenaltyNoticeForm(TaskForm):
    pn_decision = radio(
        "Will you issue a penalty notice?",
        "issue=Yes, issue a penalty notice"
        " | another_route=Do not issue a penalty notice: a manager decides another route",
        "Select whether you will issue a penalty notice",
    )
    pn_parent_name = text("Name of the parent the notice is issued to")
    pn_unauthorised_sessions = optional_count("How many unauthorised sessions are in the window?")
    pn_window_start = GovDateField("First day of the window", limit="past")
    pn_window_end = GovDateField("Last day of the window", limit="past")
    pn_below_threshold_reason = textarea("Why issue a notice below the national threshold?")
    pn_issued_on = GovDateField("Date the notice was posted (its date of issue)", limit="past")
    pn_another_route_reason = textarea("Why will a penalty notice not be issued?")

    validate_pn_another_route_reason = required_if(
        "pn_decision", "another_route", "Enter why a penalty notice will not be issued"
    )
    validate_pn_window_start = required_if("pn_decision", "issue", "Enter the first day of the window")
    validate_pn_issued_on = required_if("pn_decision", "issue", "Enter the date the notice was posted")

    def _issuing(self) -> bool:
        return self.pn_decision.data == "issue"

    def validate_pn_unauthorised_sessions(self, field: wtforms.Field) -> None:
        if not self._issuing() or field.errors:
            return
        if field.data is None:
            raise ValidationError("Enter how many unauthorised sessions are in the window")
        if field.data < 1:
            raise ValidationError("A penalty notice needs at least 1 unauthorised session")

    def validate_pn_below_threshold_reason(self, field: wtforms.Field) -> None:
        sessions = self.pn_unauthorised_sessions.data
        if self._issuing() and sessions is not None and sessions < rules.THRESHOLD_SESSIONS:
            require(
                field,
                f"{sessions} sessions is below the national threshold of {rules.THRESHOLD_SESSIONS}: "
                "enter why the council is using its discretion",
            )

    def validate_pn_window_end(self, field: wtforms.Field) -> None:
        if not self._issuing():
            return
        require(field, "Enter the last day of the window")
        start, end = self.pn_window_start.data, field.data
        if start is None or end is None:
            return
        if end < start:
            raise ValidationError("The last day of the window must be on or after the first day")
        task = task_in_request()
        school = task.case.child.school if task is not None else ""
        try:
            weeks = ledger.school_weeks_in(start, end, school)
        except NoTermDates as exc:
            raise ValidationError(f"The window cannot be checked: {exc}. Ask an administrator") from None
        if weeks > rules.THRESHOLD_SCHOOL_WEEKS:
            raise ValidationError(
                f"The window covers {weeks} school weeks: it must be no more than "
                f"{rules.THRESHOLD_SCHOOL_WEEKS} school weeks"
            )

    def validate_pn_parent_name(self, field: wtforms.Field) -> None:
        if not self._issuing():
            return
        require(field, "Enter the name of the parent the notice is issued to")
        task, issued = task_in_request(), self.pn_issued_on.data
        if task is None or issued is None or not field.data:
            return
        assessment = ledger.check_new_notice(task.case.child, field.data, issued)
        if assessment.refused:
            raise ValidationError(ledger.refusal_message(assessment, field.data, task.case.child.full_name))
        self._assessment = assessment

    def to_task_data(self) -> dict[str, Any]:
        data = super().to_task_data()
        issued: date | None = self.pn_issued_on.data
        if not self._issuing() or issued is None:
            return data
        served = rules.served_on(issued)
        assessment = getattr(self, "_assessment", None)
        sequence = assessment.sequence if assessment is not None else 1
        return {
            **data,
            "pn_served_on": served.isoformat(),
            "pn_sequence": sequence,
            "pn_amount": rules.FIRST_AMOUNT if sequence == 1 else rules.FULL_AMOUNT,
            "pn_discount_ends_on": rules.discount_ends(served).isoformat() if sequence == 1 else None,
            "pn_pay_by": rules.payment_ends(served).isoformat(),
        }

    @classmethod
    def field_labels(cls) -> dict[str, str]:
        return {**super().field_labels(), **COMPUTED_LABELS}

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        if data.get("pn_decision") != "issue":
            return
        ledger.record_issue(
            task,
            actor,
            parent_name=data["pn_parent_name"],
            offence_from=as_date(data["pn_window_start"]),
            offence_to=as_date(data["pn_window_end"]),
            sessions=int(data["pn_unauthorised_sessions"]),
            below_threshold_reason=data.get("pn_below_threshold_reason") or "",
            issued_on=as_date(data["pn_issued_on"]),
        )


@form("legal.pn_payment")
class PenaltyPaymentForm(TaskForm):
    pn_paid_on = GovDateField(
        "Date the penalty was paid", "Enter the date the penalty was paid", limit="past"
    )
    pn_paid_amount = radio("How much was paid?", PAID, "Select how much was paid")

    def validate_pn_paid_amount(self, field: wtforms.Field) -> None:
        problem = _payment_problem(self.pn_paid_on.data, field.data)
        if problem:
            raise ValidationError(problem)

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        ledger.record_payment(task.instance_id, as_date(data["pn_paid_on"]), int(data["pn_paid_amount"]))


@form("legal.pn_unpaid")
class UnpaidPenaltyForm(TaskForm):
    pn_unpaid_decision = radio(
        "The penalty is unpaid after 28 days. What will happen?",
        "prosecute=Prosecute for the original offence"
        " | withdraw=Withdraw the notice"
        " | paid=It was paid within the 28 days: record the payment",
        "Select what will happen",
    )
    pn_withdrawal_ground = optional_radio("Why is the notice being withdrawn?", WITHDRAWAL_GROUNDS)
    pn_withdrawal_details = textarea("What was wrong with the notice?")
    pn_late_paid_on = GovDateField("Date the penalty was paid", limit="past")
    pn_late_paid_amount = optional_radio("How much was paid?", PAID)
    pn_unpaid_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")

    validate_pn_withdrawal_details = required_if(
        "pn_unpaid_decision", "withdraw", "Enter what was wrong with the notice"
    )
    validate_pn_late_paid_on = required_if(
        "pn_unpaid_decision", "paid", "Enter the date the penalty was paid"
    )

    def validate_pn_withdrawal_ground(self, field: wtforms.Field) -> None:
        grounds = {choice.value for choice in _options(WITHDRAWAL_GROUNDS)}
        if self.pn_unpaid_decision.data == "withdraw" and field.data not in grounds:
            raise ValidationError("Select why the notice is being withdrawn")

    def validate_pn_late_paid_amount(self, field: wtforms.Field) -> None:
        if self.pn_unpaid_decision.data != "paid":
            return
        if field.data not in ("80", "160"):
            raise ValidationError("Select how much was paid")
        problem = _payment_problem(self.pn_late_paid_on.data, field.data)
        if problem:
            raise ValidationError(problem)

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        decision = data.get("pn_unpaid_decision")
        if decision == "prosecute":
            ledger.record_unpaid(task.instance_id)
        elif decision == "withdraw":
            ground = cls.choice_labels()["pn_withdrawal_ground"].get(
                str(data.get("pn_withdrawal_ground")), ""
            )
            ledger.record_withdrawal(task.instance_id, f"{ground}. {data.get('pn_withdrawal_details') or ''}")
        elif decision == "paid":
            paid_on = as_date(data["pn_late_paid_on"])
            ledger.record_payment(task.instance_id, paid_on, int(data["pn_late_paid_amount"]))


@form("legal.prepare_prosecution")
class PrepareProsecutionForm(TaskForm):
    prosecution_offence = radio(
        "Which offence?",
        "s444_1=Section 444(1): failing to secure regular attendance"
        " | s444_1a=Section 444(1A): knowing the child is failing to attend and failing to cause them to",
        "Select the offence",
    )
    prosecution_defendants = textarea("Who will be prosecuted?", "Enter who will be prosecuted")
    last_offence_date = GovDateField(
        "Date of the last absence in the offence period", "Enter the date of the last absence", limit="past"
    )
    eso_considered = textarea(
        "Why is an education supervision order not the right route?",
        "Enter why an education supervision order is not the right route",
    )
    warning_letters_sent_on = GovDateField(
        "Date the formal warning letters were sent",
        "Enter the date the warning letters were sent",
        limit="past",
    )
    interview_under_caution_on = GovDateField("Date of the interview under caution", limit="past")
    prosecution_witness_statement = radio(
        "Is the officer's witness statement ready?", YES_NO, "Select whether the witness statement is ready"
    )

    validate_interview_under_caution_on = required_if(
        "prosecution_offence",
        "s444_1a",
        "Enter the date of the interview under caution: section 444(1A) needs one under PACE",
    )

    def validate_prosecution_witness_statement(self, field: wtforms.Field) -> None:
        if self.prosecution_offence.data == "s444_1a" and field.data == "no":
            raise ValidationError("A section 444(1A) prosecution needs the officer's witness statement first")


@form("legal.school_evidence")
class SchoolEvidenceForm(TaskForm):
    school_evidence = checkboxes(
        "What evidence has the school provided?",
        "printout=The register printout for the offence period"
        " | certificate=A certificate signed by the head teacher"
        " | chronology=A chronology of contact and support"
        " | letters=Copies of letters to the family",
        "Select the evidence provided",
    )
    certificate_signed_by = text("Who signed the certificate?", "Enter who signed the certificate")
    school_chronology = textarea("Summary of the school's contact with the family", "Enter the summary")

    def validate_school_evidence(self, field: wtforms.Field) -> None:
        missing = {"printout", "certificate"} - set(field.data or [])
        if missing and not field.errors:
            raise ValidationError("The court needs the register printout and the signed certificate")


@form("legal.lay_information")
class LayInformationForm(TaskForm):
    information_laid = radio(
        "Has the information been laid at the magistrates' court?",
        "yes=Yes | no=No: a manager decides another route",
        "Select whether the information has been laid",
    )
    information_laid_on = GovDateField("Date the information was laid", limit="past")
    prosecution_hearing_on = GovDateField("Date of the first hearing")
    information_not_laid_reason = textarea("Why has the information not been laid?")

    validate_information_not_laid_reason = required_if(
        "information_laid", "no", "Enter why the information has not been laid"
    )
    validate_prosecution_hearing_on = required_if(
        "information_laid", "yes", "Enter the date of the first hearing"
    )

    def validate_information_laid_on(self, field: wtforms.Field) -> None:
        required_if("information_laid", "yes", "Enter the date the information was laid")(self, field)
        task = task_in_request()
        last = earlier_answer(task, "legal.prepare_prosecution", "last_offence_date") if task else None
        if self.information_laid.data != "yes" or field.data is None or not last:
            return
        from app.workflow.helpers import add_months

        limit = as_date(add_months(last, 6))
        if field.data > limit:
            raise ValidationError(
                f"The information had to be laid by {rules.long_date(limit)}, 6 months after the last "
                "offence: it is out of time. Select 'No' so a manager can decide another route"
            )

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        if data.get("information_laid") == "yes":
            ledger.record_prosecuted(task.instance_id)


@form("legal.prosecution_time_limit")
class ProsecutionTimeLimitForm(TaskForm):
    limit_can_meet = radio(
        "Will the information be laid in time?", YES_NO, "Select whether the information will be laid in time"
    )
    limit_action = textarea("What have you agreed?", "Enter what you have agreed")


@form("legal.court_outcome")
class CourtOutcomeForm(TaskForm):
    court_result = radio(
        "What was the result?",
        "convicted=Guilty (pleaded or found guilty) | not_guilty=Not guilty"
        " | withdrawn=Withdrawn or dismissed",
        "Select the result",
    )
    court_sentence = checkboxes(
        "What did the court order?",
        "fine=A fine | parenting_order=A parenting order | costs=Costs | discharge=A conditional or absolute"
        " discharge | community=A community order | custody=Imprisonment (section 444(1A) only)",
    )
    court_fine_amount = optional_count("Amount of the fine")
    court_directed_eso = radio(
        "Did the court direct the council to apply for an education supervision order?",
        YES_NO,
        "Select whether the court directed an application for an ESO",
    )
    court_notes = textarea("Notes", "Enter what the court said")

    validate_court_sentence = required_if("court_result", "convicted", "Select what the court ordered")

    def validate_court_fine_amount(self, field: wtforms.Field) -> None:
        if "fine" not in (self.court_sentence.data or []) or field.errors:
            return
        if field.data is None or field.data < 1:
            raise ValidationError("Enter the amount of the fine")
        task = task_in_request()
        offence = earlier_answer(task, "legal.prepare_prosecution", "prosecution_offence") if task else None
        limit = FINE_LIMITS.get(str(offence))
        if limit is not None and field.data > limit:
            raise ValidationError(f"The most the court can fine for this offence is £{limit:,}")
