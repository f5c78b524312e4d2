"""Each pathway's named rules, calculations and effects (registry.py says what they are).

Importing this package registers them all.
"""

from app.pathways import common, legal, meetings  # noqa: F401 - each registers its functions
