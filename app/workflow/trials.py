"""What a test run of a draft needs from the engine, for layers above the workflow layer."""

from app.engine import RunningWorkflow
from app.engine.trial import WaitingTimer, fire_timers_due_by, waiting_timers

__all__ = ["RunningWorkflow", "WaitingTimer", "fire_timers_due_by", "waiting_timers"]
