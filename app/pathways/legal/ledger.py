"""The penalty-notice ledger: reading it, checking a new notice against it, and writing it.

The pathway's named rules call these while the officer is on the page (so a refused notice is
explained there), and its effects after the task is completed (so the ledger row is written in
the same transaction as the task): app/pathways/legal/penalty_notices.py. The framework's
arithmetic is in framework.py; the history page reads the ledger through app/legal/queries.py.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Case, Child, HumanTask, User
from app.models.penalty_notices import NoticeStatus, PenaltyNotice
from app.pathways.legal import framework
from app.timescales import school_days
from app.timescales.school_calendar import monday_of
from app.transactions import Refusal


class LedgerRefused(Refusal, ValueError):
    """The national framework does not allow this notice (or this change to it)."""


def key_of(child: Child) -> str:
    """The child as the ledger matches them across cases (name and date of birth)."""
    return framework.child_key(child.first_name, child.last_name, child.date_of_birth)


def notices_for(child: Child, parent_name: str | None = None) -> list[PenaltyNotice]:
    """Every notice for this child (matched across cases), optionally to one parent, oldest first."""
    query = select(PenaltyNotice).where(PenaltyNotice.child_key == key_of(child))
    if parent_name is not None:
        query = query.where(PenaltyNotice.parent_key == framework.parent_key(parent_name))
    return list(db.session.scalars(query.order_by(PenaltyNotice.issued_on, PenaltyNotice.id)))


def check_new_notice(child: Child, parent_name: str, issued_on: date) -> framework.Assessment:
    """What a notice to this parent for this child issued on that day would be (its number in the
    3-year window and amount), or that it is refused, given the notices already on the ledger."""
    earlier = [framework.Notice(n.issued_on, n.status) for n in notices_for(child, parent_name)]
    return framework.assess(earlier, issued_on)


def refusal_message(assessment: framework.Assessment, parent_name: str, child_name: str) -> str:
    """Why a third notice cannot be issued, in the officer's terms."""
    dates = " and ".join(framework.long_date(n.issued_on) for n in assessment.counted)
    allowed = assessment.next_allowed_on
    return (
        f"{parent_name} has already had 2 penalty notices for {child_name} in the last 3 years "
        f"(issued {dates}). The national framework allows no more than 2 in 3 years, so a third "
        f"cannot be issued{f' before {framework.long_date(allowed)}' if allowed else ''}. Select "
        "'Do not issue a penalty notice' so a manager can choose another route, usually prosecution"
    )


def school_weeks_in(start: date, end: date, school: str = "") -> int:
    """School weeks the window touches, counting the weeks holding `start` and `end`.

    Raises school_days.NoTermDates when the calendar does not cover the window.
    """
    calendar = school_days.calendar_for(school)
    later = calendar.school_weeks_between(start, end)
    calendar.is_school_day(start)  # the start week must be inside the loaded terms too
    return later + (1 if monday_of(start) in calendar.weeks else 0)


def record_issue(
    task: HumanTask,
    actor: User | None,
    *,
    parent_name: str,
    offence_from: date,
    offence_to: date,
    sessions: int,
    below_threshold_reason: str,
    issued_on: date,
) -> PenaltyNotice:
    """Write the ledger row for a notice just issued; LedgerRefused if it would be a third."""
    case = db.session.get(Case, task.case_id)
    assert case is not None
    assessment = check_new_notice(case.child, parent_name, issued_on)
    if assessment.refused:
        raise LedgerRefused(refusal_message(assessment, parent_name, case.child.full_name))
    notice = PenaltyNotice(
        case_id=case.id,
        child_id=case.child_id,
        child_key=key_of(case.child),
        instance_id=task.instance_id,
        task_id=task.id,
        parent_name=parent_name.strip(),
        parent_key=framework.parent_key(parent_name),
        offence_from=offence_from,
        offence_to=offence_to,
        unauthorised_sessions=sessions,
        below_threshold_reason=below_threshold_reason,
        issued_on=issued_on,
        served_on=framework.served_on(issued_on),
        amount=assessment.amount,
        sequence=assessment.sequence,
        status=NoticeStatus.ISSUED.value,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(notice)
    db.session.flush()
    return notice


def open_notice(instance_id: int) -> PenaltyNotice | None:
    """The latest notice this process instance issued."""
    return db.session.scalar(
        select(PenaltyNotice)
        .where(PenaltyNotice.instance_id == instance_id)
        .order_by(PenaltyNotice.id.desc())
        .limit(1)
    )


def _require(instance_id: int, *statuses: NoticeStatus) -> PenaltyNotice:
    notice = open_notice(instance_id)
    if notice is None:
        raise LedgerRefused("No penalty notice has been issued on this process")
    if notice.status not in {s.value for s in statuses}:
        raise LedgerRefused(f"This penalty notice is already recorded as {notice.status_label.lower()}")
    return notice


def payment_problem(notice: PenaltyNotice, paid_on: date, amount: int) -> str:
    """Why a payment cannot be recorded as given ('' if it can)."""
    if paid_on < notice.issued_on:
        issued = framework.long_date(notice.issued_on)
        return f"The payment date must be on or after the notice was issued, {issued}"
    due = framework.amount_due(notice.sequence, notice.served_on, paid_on)
    if due is None:
        last = framework.long_date(framework.payment_ends(notice.served_on))
        return (
            f"The 28 days to pay ended on {last}: a later payment does not discharge the offence. "
            "Record what happened when the unpaid notice is decided"
        )
    if amount != due:
        if notice.sequence > 1:
            return "This is a second notice within 3 years: the penalty is a flat £160, with no £80 rate"
        if due == framework.FULL_AMOUNT:
            ended = framework.long_date(framework.discount_ends(notice.served_on))
            return f"The £80 rate ended on {ended}: a payment on {framework.long_date(paid_on)} must be £160"
        return f"Paid within 21 days of service the penalty is £80, not £{amount}"
    return ""


def record_payment(instance_id: int, paid_on: date, amount: int) -> PenaltyNotice:
    """The process's issued notice is paid; LedgerRefused if it is not issued and awaiting payment,
    or the amount is not what it cost that day."""
    notice = _require(instance_id, NoticeStatus.ISSUED)
    problem = payment_problem(notice, paid_on, amount)
    if problem:
        raise LedgerRefused(problem)
    paid = NoticeStatus.PAID_80 if amount == framework.FIRST_AMOUNT else NoticeStatus.PAID_160
    notice.status = paid.value
    notice.paid_on, notice.paid_amount = paid_on, amount
    return notice


def record_withdrawal(instance_id: int, reason: str) -> PenaltyNotice:
    """The process's notice is withdrawn for the reason given (it no longer counts towards the
    limit); LedgerRefused unless it is issued or unpaid."""
    notice = _require(instance_id, NoticeStatus.ISSUED, NoticeStatus.UNPAID)
    notice.status, notice.withdrawn_reason = NoticeStatus.WITHDRAWN.value, reason
    return notice


def record_unpaid(instance_id: int) -> PenaltyNotice:
    """The 28 days passed without payment and the manager decided to prosecute."""
    notice = _require(instance_id, NoticeStatus.ISSUED)
    notice.status = NoticeStatus.UNPAID.value
    return notice


def record_prosecuted(instance_id: int) -> PenaltyNotice | None:
    """The information was laid: an unpaid notice on this process is now prosecuted."""
    notice = open_notice(instance_id)
    if notice is not None and notice.status == NoticeStatus.UNPAID.value:
        notice.status = NoticeStatus.PROSECUTED.value
    return notice
