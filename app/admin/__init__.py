"""Administration: local settings and school term dates."""
