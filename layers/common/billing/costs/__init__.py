"""Cost management for the seller's customers: usage cost by day, forecast, budgets, chargeback."""
