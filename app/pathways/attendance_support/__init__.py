"""Attendance support (processes/attendance_support.bpmn): its named rules and effects."""

from app.pathways.attendance_support import meetings, rules  # noqa: F401 - each registers its functions
