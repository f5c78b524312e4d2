"""A case's chronology: one timeline of what was done across all its processes."""
