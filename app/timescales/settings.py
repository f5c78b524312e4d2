"""Local-practice numbers an administrator can change (BRIEF: every LA-practice number is a setting).

The definitions (default, range, wording) live here in code; the `local_setting` table holds
only the values an administrator has changed. Values are read once per app context (one
request, one scheduler job, one CLI command) and kept in `flask.g`; a change made through
app/admin/services.py drops that copy so the same context sees the new value at once.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from flask import current_app, g, has_app_context
from sqlalchemy import select

from app.extensions import db
from app.models import LocalSetting

_CACHE_KEY = "_casework_local_settings"


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
        """A value as a person reads it: '10 working days', '95%'."""
        if self.unit == "percent":
            return f"{value}%"
        unit = self.unit[:-1] if value == 1 and self.unit.endswith("s") else self.unit
        return f"{value} {unit}"


DEFINITIONS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        "assessment_reminder_working_days",
        "Assessment deadline reminder",
        "Working days before the 45-day assessment deadline that the worker is reminded",
        10,
        1,
        44,
        "working days",
    ),
    SettingDefinition(
        "taf_review_weeks",
        "Team around the family review interval",
        "Weeks between reviews of an Early Help plan at a team around the family (TAF) meeting; "
        "local practice is commonly 6 to 12 weeks",
        6,
        1,
        13,
        "weeks",
    ),
    SettingDefinition(
        "cin_review_months",
        "Child in need review interval",
        "Months between reviews of a child in need plan (there is no national figure)",
        3,
        1,
        6,
        "months",
    ),
    SettingDefinition(
        "cp_first_review_months",
        "First child protection review",
        "Months from the initial child protection conference to the first review conference "
        "(Working Together: within 3 months)",
        3,
        1,
        3,
        "months",
    ),
    SettingDefinition(
        "cp_review_months",
        "Later child protection reviews",
        "Months between later review child protection conferences (Working Together: at most 6 months)",
        6,
        1,
        6,
        "months",
    ),
    SettingDefinition(
        "at_risk_attendance_percent",
        "At risk of persistent absence",
        "Upper bound of the 'at risk of persistent absence' band: attendance above 90% and at or "
        "below this percentage",
        95,
        91,
        100,
        "percent",
    ),
    SettingDefinition(
        "medical_needs_return_working_days",
        "Medical needs: school's sickness return",
        "Working days from a medical needs referral for the school to complete its sickness return "
        "(local practice; the guidance sets no figure)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "medical_needs_decision_working_days",
        "Medical needs: named officer's decision",
        "Working days from a medical needs referral to the named officer's decision on arranging "
        "education; a later decision is escalated to a manager (local practice; the guidance says "
        "as soon as it is clear the child will miss 15 school days)",
        5,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "medical_needs_start_school_days",
        "Medical needs: provision arranged",
        "School days from the named officer's decision to education being arranged and started "
        "(local practice)",
        5,
        1,
        15,
        "school days",
    ),
    SettingDefinition(
        "medical_needs_review_weeks",
        "Medical needs provision review interval",
        "Weeks between reviews of education arranged for a child with health needs (local practice, "
        "commonly every half term)",
        6,
        2,
        13,
        "weeks",
    ),
    SettingDefinition(
        "medical_needs_review_notice_days",
        "Medical needs review notice",
        "Days before a medical needs provision review is due that the review task arrives (local practice)",
        7,
        0,
        28,
        "days",
    ),
    SettingDefinition(
        "strategy_discussion_working_days",
        "Strategy discussion",
        "Working days from the decision to hold a strategy discussion to holding it; 0 means the same day "
        "(Working Together: immediately; local practice, e.g. within 24 hours)",
        1,
        0,
        3,
        "working days",
    ),
    SettingDefinition(
        "s47_enquiry_working_days",
        "Section 47 enquiry",
        "Working days from the last strategy discussion to finishing the section 47 enquiry, so the "
        "conference can be held within 15 working days (local practice)",
        10,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "icpc_decision_working_days",
        "Decision to convene a conference",
        "Working days the team manager has to decide whether to convene an initial child protection "
        "conference once the section 47 enquiry is finished (local practice)",
        1,
        0,
        5,
        "working days",
    ),
    SettingDefinition(
        "icpc_convene_working_days",
        "Convening a conference",
        "Working days the child protection chairs have to book an initial child protection conference and "
        "send the invitations after the manager decides to convene one (local practice)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "icpc_report_notice_days",
        "Conference report to parents",
        "Days before an initial child protection conference that the parents must have the social "
        "worker's report (local practice: at least 48 hours)",
        2,
        2,
        10,
        "days",
    ),
    SettingDefinition(
        "care_legal_planning_working_days",
        "Care planning: legal planning meeting",
        "Working days from the decision that a child needs to become looked after to the legal planning "
        "meeting with Legal Services (local practice; for immediate protection it is the same day)",
        5,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "plo_letter_working_days",
        "Pre-proceedings: letter before proceedings",
        "Working days from the decision to start pre-proceedings to sending the letter before proceedings "
        "(local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "plo_meeting_working_days",
        "Pre-proceedings meeting",
        "Working days from the letter before proceedings to the pre-proceedings meeting (local practice: "
        "about 7 working days)",
        7,
        3,
        15,
        "working days",
    ),
    SettingDefinition(
        "plo_review_weeks",
        "Pre-proceedings review",
        "Weeks from the pre-proceedings meeting to the review that decides whether to issue care "
        "proceedings or de-escalate (Public Law Outline: about 16 weeks)",
        16,
        6,
        26,
        "weeks",
    ),
    SettingDefinition(
        "care_proceedings_issue_working_days",
        "Issuing care proceedings",
        "Working days from the decision to issue care proceedings to issuing the application "
        "(local practice; after emergency protection, before the protection ends)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "cme_record_working_days",
        "Children missing education: recording a notification",
        "Working days from a notification of a child missing education for ACE to record it and add "
        "the child to the CME register (local practice)",
        1,
        1,
        5,
        "working days",
    ),
    SettingDefinition(
        "cme_enquiry_working_days",
        "Children missing education: reasonable enquiries",
        "Working days from the notification for the school and the local authority to make and record "
        "their reasonable enquiries about a child at standard risk; also the time to record what the "
        "enquiries found (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "cme_high_risk_enquiry_working_days",
        "Children missing education: enquiries for a child at high risk",
        "Working days from the notification for the school and the local authority to make and record "
        "their enquiries when the child is judged at high risk (local practice: enquiries are prioritised "
        "by risk)",
        1,
        1,
        5,
        "working days",
    ),
    SettingDefinition(
        "cme_review_weeks",
        "Children missing education: register review interval",
        "Weeks between reviews of a child who has not been found and stays on the CME register "
        "(local practice)",
        4,
        1,
        13,
        "weeks",
    ),
    SettingDefinition(
        "sao_informal_contact_working_days",
        "School attendance order: informal contact",
        "Working days from the start of the school attendance order process to contact the family "
        "(local practice, commonly 5 to 7 working days)",
        5,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "sao_letter_response_working_days",
        "School attendance order: reply to the informal letter",
        "Working days the informal letter gives the family to register the child at a school or show "
        "suitable education at home (local practice)",
        7,
        5,
        20,
        "working days",
    ),
    SettingDefinition(
        "sao_step_working_days",
        "School attendance order: each formal step",
        "Working days for ACE to take each formal step of the school attendance order process once the "
        "last one is done: serving a notice, deciding, serving the order, referring for prosecution "
        "(local practice; the statutory notice periods are fixed in the diagram)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "sao_compliance_check_working_days",
        "School attendance order: compliance check",
        "Working days after a school attendance order is served (or a revocation is refused) to check "
        "that the child is registered at the named school and attending (local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "sao_legal_review_working_days",
        "School attendance order: Legal Services' decision to prosecute",
        "Working days for Legal Services to review a section 443 referral and decide whether to lay an "
        "information (local practice; the information must be laid within 6 months of the offence)",
        20,
        5,
        60,
        "working days",
    ),
    SettingDefinition(
        "legal_support_check_working_days",
        "Legal planning: support check",
        "Working days from a referral for legal planning to ACE's check that support was offered first "
        "(local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "legal_planning_meeting_working_days",
        "Legal planning meeting",
        "Working days from the support check to the legal planning meeting with the parent (local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "legal_decision_working_days",
        "Legal planning: manager's decisions",
        "Working days a manager has to decide the legal route, or what to do about an unpaid penalty "
        "notice (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "legal_action_working_days",
        "Legal planning: carrying out a route",
        "Working days ACE has to carry out the route a manager decided: agree an attendance contract, "
        "issue a notice to improve or a penalty notice, prepare a prosecution, apply for an ESO "
        "(local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "attendance_contract_review_weeks",
        "Attendance contract review",
        "Weeks from an attendance contract (or its last review) to its next review; local practice is "
        "about 4 to 6 weeks",
        6,
        4,
        6,
        "weeks",
    ),
    SettingDefinition(
        "nti_improvement_school_weeks",
        "Notice to improve: improvement period",
        "School weeks a parent is given to improve attendance after a notice to improve; guidance "
        "says 3 to 6 weeks, the number is local practice",
        6,
        3,
        6,
        "school weeks",
    ),
    SettingDefinition(
        "school_evidence_working_days",
        "Prosecution: the school's register evidence",
        "Working days a school has to provide the register printout, certificate and chronology for "
        "a prosecution (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "prosecution_limit_warning_days",
        "Prosecution: time limit warning",
        "Days before the 6-month limit for laying an information (s127 Magistrates' Courts Act 1980) "
        "that a Legal Services manager is alerted (local practice)",
        28,
        7,
        90,
        "days",
    ),
    SettingDefinition(
        "court_outcome_working_days",
        "Recording a court's decision",
        "Working days after a hearing by which Legal Services record the court's decision (local practice)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "attendance_meeting_school_days",
        "Attendance support: meeting the family",
        "School days from a school's request for attendance support (or a review deciding to meet "
        "again) to the school's meeting with the family to understand the barriers (local practice)",
        10,
        1,
        30,
        "school days",
    ),
    SettingDefinition(
        "attendance_plan_school_days",
        "Attendance support: written plan",
        "School days from the attendance meeting with the family to agreeing the written attendance "
        "plan (local practice)",
        5,
        1,
        20,
        "school days",
    ),
    SettingDefinition(
        "tsm_discussion_school_weeks",
        "Targeting support meeting discussion",
        "School weeks within which a pupil put forward for the termly targeting support meeting is "
        "discussed there, when no meeting date has been entered (local practice)",
        6,
        1,
        14,
        "school weeks",
    ),
)

SETTINGS: dict[str, SettingDefinition] = {d.name: d for d in DEFINITIONS}


class UnknownSetting(KeyError):
    """No local setting has this name."""


def definition(name: str) -> SettingDefinition:
    """The definition of setting `name`; raises UnknownSetting."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise UnknownSetting(name) from None


def parse_setting_value(setting: SettingDefinition, text: str | int | None) -> int:
    """The value typed for a setting as an int; ValueError carries the message to show."""
    raw = str(text).strip() if text is not None else ""
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise ValueError(setting.whole_number_message())
    value = int(raw)
    if not setting.minimum <= value <= setting.maximum:
        raise ValueError(setting.range_message())
    return value


def stored_values() -> dict[str, int]:
    """Every setting's current value: the stored one if changed and still valid, else the default."""
    cached: dict[str, int] | None = g.get(_CACHE_KEY) if has_app_context() else None
    if cached is not None:
        return cached
    values = {d.name: d.default for d in DEFINITIONS}
    with db.session.no_autoflush:
        rows = db.session.execute(select(LocalSetting.name, LocalSetting.value)).all()
    for name, raw in rows:
        if name in SETTINGS:
            # A value edited outside the app to something out of range: the default holds.
            with contextlib.suppress(ValueError):
                values[name] = parse_setting_value(SETTINGS[name], raw)
    if has_app_context():
        setattr(g, _CACHE_KEY, values)
    return values


def local_setting(name: str) -> int:
    """The current value of setting `name`; raises UnknownSetting.

    Outside an app with a database (unit tests of diagrams and forms) this is the default.
    """
    setting = definition(name)
    if not has_app_context() or "sqlalchemy" not in current_app.extensions:
        return setting.default
    return stored_values()[setting.name]


def forget_cached_settings() -> None:
    """Drop this app context's copy, after a change."""
    if has_app_context():
        g.pop(_CACHE_KEY, None)
