"""Revising a process: drafts (uploaded, or started from a version and edited in the browser),
checked each time they are saved, published as numbered versions with a change note, and the
version history, where an earlier version can be made current again."""
