"""Changes to an account's balance that settle its invoices (above both the ledger and invoices)."""
