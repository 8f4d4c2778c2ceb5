"""Accounts: password hashing, signed single-use links, sessions, API tokens and login throttling."""
