"""Billing runs: find what is due, and do it once per subscription period or invoice."""
