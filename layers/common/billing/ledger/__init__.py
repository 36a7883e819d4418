"""The account balance as an append-only ledger, with receivables and payment allocation."""
