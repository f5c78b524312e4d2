"""Legal planning for attendance (processes/attendance_legal_planning.bpmn): the penalty-notice
ledger (ledger.py) and the National Framework for Penalty Notices (framework.py)."""
