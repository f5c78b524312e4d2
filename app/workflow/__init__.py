"""Running processes on cases: the library of diagrams, instances, the task projection.

The only layer that imports the engine (app/engine). What others need from it, the errors
a step can raise and the diagram's parse error, they import from here.
"""

from app.engine import EngineError, InvalidDiagram

__all__ = ["EngineError", "InvalidDiagram"]
