"""Legal planning for attendance: the penalty-notice ledger, its national-framework checks, and
the page showing a child's penalty-notice history per parent."""
