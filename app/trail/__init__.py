"""The audit trail read back: searching it, and a child's subject access export."""
