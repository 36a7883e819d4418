"""Outgoing webhooks: the seller's endpoints, the events we tell them of, and every delivery attempt.

Built like Stripe's: an endpoint subscribes to event types (or ``*``), each event is POSTed to it signed
with the endpoint's secret, and a delivery that fails is retried with exponential backoff for three
days. This package hears the bus (as ``documents`` and ``payments`` do) and depends on nothing above it.
"""
