"""Legal planning for attendance: the page showing a child's penalty-notice history per parent.

The penalty-notice ledger and the national framework's checks belong to the pathway, with its
named rules and effects: app/pathways/legal/."""
