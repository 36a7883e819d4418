"""Accounts: billing profiles, principals and API keys."""
