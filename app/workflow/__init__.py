"""Running processes on cases: the library of diagrams, instances, the task projection.

The only layer that imports the engine (app/engine). What others need from it, the errors
a step can raise, the diagram's parse error, the parsed diagram's type, and the problems an
uploaded diagram's checks find, they import from here.
"""

from app.engine import EngineError, InvalidDiagram, ParsedDiagram
from app.engine.checks import ElementIndex, Problem, Unreadable, with_called_diagrams

__all__ = [
    "ElementIndex",
    "EngineError",
    "InvalidDiagram",
    "ParsedDiagram",
    "Problem",
    "Unreadable",
    "with_called_diagrams",
]
