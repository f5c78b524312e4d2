"""Where a process instance stands on its diagram, read from its saved workflow without changing it."""

from __future__ import annotations

from app.engine.positions import ElementPosition, Positions, Timer, read_positions
from app.models import ProcessInstance
from app.workflow.instances import _load

__all__ = ["ElementPosition", "Positions", "Timer", "positions_of"]


def positions_of(instance: ProcessInstance) -> Positions:
    """The instance's completed, active and waiting elements and the flows it took, on the
    diagram of the version it runs on. Due timers are not fired: this only reads."""
    return read_positions(_load(instance), instance.process_version.bpmn_xml.encode("utf-8"))
