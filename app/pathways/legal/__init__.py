"""Legal planning for attendance (processes/attendance_legal_planning.bpmn): its named rules,
calculations and effects, the penalty-notice ledger they read and write, and the national
framework's arithmetic. Importing this package registers them.

- early_steps.py: support first, the manager's route, attendance contracts, notices to improve;
- penalty_notices.py: issuing a notice, its payment, and an unpaid notice;
- court.py: education supervision orders and prosecution;
- ledger.py: the penalty-notice ledger; framework.py: the National Framework for Penalty Notices.
"""

from app.pathways.legal import (  # noqa: F401 - each registers its functions
    court,
    early_steps,
    penalty_notices,
)
