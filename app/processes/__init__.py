"""The process library: every published process, drawn, with what it is for."""
