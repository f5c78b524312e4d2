"""The engine boundary: the only package that imports SpiffWorkflow.

The rest of the app sees plain verbs: parse a diagram, start it with data, list the
human tasks that are ready, complete one with form data, fire due timers, save.
"""

from app.engine.diagrams import InvalidDiagram, ParsedDiagram, UserTaskInfo, content_hash, parse_diagram
from app.engine.errors import EngineError, TaskNotReady
from app.engine.limits import MB, Limits
from app.engine.runtime import Engine, ReadyTask, RunningWorkflow, ThrownMessage, check_data_keys
from app.engine.serialization import SERIALIZER_VERSION

__all__ = [
    "MB",
    "SERIALIZER_VERSION",
    "Engine",
    "EngineError",
    "InvalidDiagram",
    "Limits",
    "ParsedDiagram",
    "ReadyTask",
    "RunningWorkflow",
    "TaskNotReady",
    "ThrownMessage",
    "UserTaskInfo",
    "check_data_keys",
    "content_hash",
    "parse_diagram",
]
