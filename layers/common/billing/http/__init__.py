"""REST API: Powertools routers over the use cases; no AWS or Stripe here."""
