"""Running processes on cases: the library of diagrams, instances, the task projection.

The only layer that imports the engine (app/engine). What others need from it, the errors
a step can raise, the diagram's parse error and the parsed diagram's type, they import from here.
"""

from app.engine import EngineError, InvalidDiagram, ParsedDiagram

__all__ = ["EngineError", "InvalidDiagram", "ParsedDiagram"]
