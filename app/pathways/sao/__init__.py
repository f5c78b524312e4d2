"""The school attendance order (processes/school_attendance_order.bpmn): its statutory periods
(periods.py) and the rules of its forms."""

from app.pathways.sao import periods, rules  # noqa: F401 - each registers its functions
