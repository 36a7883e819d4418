"""The subscription engine: pure functions from a subscription, prices, usage and a time to the new
subscription and the invoice lines it owes. No store, no clock: the use cases around it read and write."""
