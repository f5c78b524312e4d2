"""Each pathway's named rules, calculations and effects (registry.py says what they are).

Importing this package registers them all.
"""

from app.pathways import (  # noqa: F401 - each registers its functions
    attendance_support,
    cme,
    common,
    early_help,
    legal,
    medical,
    meetings,
    sao,
    social_care,
)
