"""Accounts: administrators create people, set their role and teams, deactivate, reset and unlock."""
