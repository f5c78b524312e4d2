"""SQLAlchemy models, one module per aggregate."""

from app.models.audit import AuditEvent, Incident
from app.models.cases import Case, Child
from app.models.cme import CmeRecord, CmeStatus  # noqa: F401
from app.models.meetings import MEETING_KINDS, Meeting
from app.models.penalty_notices import NoticeStatus, PenaltyNotice  # noqa: F401
from app.models.people import ApiToken, Role, Team, User, team_members
from app.models.processes import (
    DraftTrial,
    InstanceStatus,
    MigrationRun,
    MigrationStatus,
    ProcessDraft,
    ProcessInstance,
    ProcessVersion,
)
from app.models.saved_views import SAVED_VIEW_KINDS, SavedView
from app.models.sign_in import SignInThrottle, UserSession
from app.models.tasks import HumanTask, TaskState
from app.models.timescales import LocalSetting, SchoolClosure, SchoolTerm

__all__ = [
    "MEETING_KINDS",
    "SAVED_VIEW_KINDS",
    "ApiToken",
    "AuditEvent",
    "Case",
    "Child",
    "DraftTrial",
    "HumanTask",
    "Incident",
    "InstanceStatus",
    "LocalSetting",
    "Meeting",
    "MigrationRun",
    "MigrationStatus",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "Role",
    "SavedView",
    "SchoolClosure",
    "SchoolTerm",
    "SignInThrottle",
    "TaskState",
    "Team",
    "User",
    "UserSession",
    "team_members",
]
