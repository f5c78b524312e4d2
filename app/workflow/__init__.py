"""Running processes on cases: the library of diagrams, instances, the task projection."""
