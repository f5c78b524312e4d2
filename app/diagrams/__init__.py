"""Cases on their diagrams: one process instance where it stands, and a whole process's open work
per task."""
