"""Subscriptions: billing periods, items, changes with proration, renewal and cancellation."""
