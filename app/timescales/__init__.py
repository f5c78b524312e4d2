"""Statutory time: working days (weekends and England and Wales bank holidays)."""
