"""Usage events: aggregation per meter and period, rating into invoice lines with tag shares."""
