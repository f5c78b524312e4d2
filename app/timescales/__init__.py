"""Statutory time: working days (weekends and England and Wales bank holidays), school days
and school weeks (term calendars), and the local-practice settings an administrator changes."""
